"""The catalogue import: the service, the `import_products` command and the officers' admin page."""

import csv
import datetime
import functools
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from wagtail.tasks import update_reference_index_task
from wagtail.users.models import UserProfile

from accounts.roles import Role, assign_role
from marketplace import admin_import
from marketplace.exceptions import ImportFileError
from marketplace.importer import COLUMNS, Counts, RowIssue, import_products
from marketplace.importer.table import MAX_COLUMNS, MAX_ROWS, read_table
from marketplace.models import Category, Enterprise, EnterpriseEvent, Product, ProductEvent, Variant
from marketplace.signals import catalogue_written
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import (
    EnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
)
from traceability.models import Certificate

pytestmark = pytest.mark.django_db

TEA_COOPERATIVE = "4601234560"
HONEY_HOUSEHOLD = "4607654321"
GTIN = "8934567890120"
OTHER_GTIN = "8934567890137"
IMPORT_URL = "/admin/marketplace/import/"
# savepoint, enterprises (locked), their products, categories, variants, certificates, links,
# release savepoint
SECOND_IMPORT_QUERIES = 8


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, their msgids, whatever the translations say."""
    with translation.override("en"):
        yield


def row(**cells):
    """A good row: the 200 g box of a new tea cooperative's OCOP 4★ tea; `cells` override."""
    return {
        "enterprise_tax_code": TEA_COOPERATIVE,
        "enterprise_name": "HTX Chè Đồi Sương",
        "enterprise_kind": "cooperative",
        "ward_code": "5503",
        "category": "che-thai-nguyen",
        "product_name": "Chè Tân Cương đặc biệt",
        "description": "Chè hái một tôm hai lá.",
        "variant_name": "Hộp 200g",
        "sku": "DS-200",
        "price_vnd": "180000",
        "stock": "20",
        "weight_g": "200",
        "gtin": GTIN,
        "ocop_stars": "4",
        "ocop_certificate_no": "123/QĐ-UBND",
        "ocop_issued_on": "2024-03-01",
        "ocop_expires_on": "2027-03-01",
        **cells,
    }


def catalogue_rows():
    """Two enterprises, three products, four variants, one OCOP certificate."""
    return [
        row(),
        row(variant_name="Hộp 500g", sku="DS-500", price_vnd="420000", weight_g="500", gtin=""),
        row(
            product_name="Chè móc câu",
            description="",
            variant_name="Gói 100g",
            sku="MC-100",
            price_vnd="95000",
            gtin="",
            ocop_stars="",
            ocop_certificate_no="",
            ocop_issued_on="",
            ocop_expires_on="",
        ),
        row(
            enterprise_tax_code=HONEY_HOUSEHOLD,
            enterprise_name="Hộ kinh doanh Mật Ong Võ Nhai",
            enterprise_kind="household",
            ward_code="5716",
            category="Mật ong",
            product_name="Mật ong rừng",
            description="",
            variant_name="Chai 500ml",
            sku="MO-500",
            price_vnd="250000",
            stock="",
            weight_g="",
            gtin=OTHER_GTIN,
            ocop_stars="",
            ocop_certificate_no="",
            ocop_issued_on="",
            ocop_expires_on="",
        ),
    ]


def csv_bytes(rows, header=COLUMNS):
    """The rows as Excel writes "CSV UTF-8": with a byte order mark."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([cells.get(column, "") for column in header] for cells in rows)
    return ("\ufeff" + text.getvalue()).encode()


def run_import(rows, filename="catalogue.csv", **options):
    return import_products(file=io.BytesIO(csv_bytes(rows)), filename=filename, **options)


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Enterprise,
            EnterpriseEvent,
            Category,
            Product,
            ProductEvent,
            Variant,
            Certificate,
            Product.certificates.through,
        )
    }


def officer(language="en"):
    user = UserFactory()
    assign_role(user, Role.OFFICER)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


# --- The service ------------------------------------------------------------------------------


def test_a_good_file_creates_enterprises_products_variants_and_certificates():
    # given
    before = row_counts()
    # when
    report = run_import(catalogue_rows())
    # then
    assert report.errors == []
    assert report.rows == 4
    assert report.enterprises == Counts(created=2)
    assert report.products == Counts(created=3)
    assert report.variants == Counts(created=4)
    assert report.certificates == Counts(created=1)
    after = row_counts()
    assert {name: after[name] - before[name] for name in after} == {
        "Enterprise": 2,
        "EnterpriseEvent": 2,
        "Category": 0,
        "Product": 3,
        "ProductEvent": 3,
        "Variant": 4,
        "Certificate": 1,
        "Product_certificates": 1,
    }


def test_rows_with_the_same_tax_code_and_product_name_are_one_product():
    # when
    run_import(catalogue_rows())
    # then
    tea = Product.objects.get(name="Chè Tân Cương đặc biệt")
    assert list(tea.variants.order_by("sort_order").values_list("sku", "price_vnd")) == [
        ("DS-200", 180_000),
        ("DS-500", 420_000),
    ]
    assert (tea.min_price_vnd, tea.total_stock) == (180_000, 40)
    assert tea.enterprise.tax_code == TEA_COOPERATIVE
    assert tea.category.slug == "che-thai-nguyen"
    assert tea.origin_ward_code == 5503
    assert tea.description == "<p>Chè hái một tôm hai lá.</p>"
    certificate = tea.certificates.get()
    assert (certificate.kind, certificate.number, certificate.star_level) == (
        "ocop",
        "123/QĐ-UBND",
        4,
    )
    assert (certificate.issued_on, certificate.expires_on) == (
        datetime.date(2024, 3, 1),
        datetime.date(2027, 3, 1),
    )
    honey = Product.objects.get(name="Mật ong rừng")
    assert honey.category.slug == "mat-ong"  # matched by name
    assert list(honey.variants.values_list("sku", "stock", "weight_g", "gtin")) == [
        ("MO-500", 0, 0, OTHER_GTIN)
    ]
    assert sorted(
        Product.objects.filter(enterprise=tea.enterprise).values_list("name", flat=True)
    ) == [
        "Chè Tân Cương đặc biệt",
        "Chè móc câu",
    ]


def test_without_publish_new_rows_wait_for_review():
    # given
    actor = officer()
    # when
    run_import(catalogue_rows(), actor=actor)
    # then
    enterprise = Enterprise.objects.get(tax_code=TEA_COOPERATIVE)
    assert (enterprise.status, enterprise.approved_at, enterprise.slug) == (
        "pending",
        None,
        "htx-che-doi-suong",
    )
    assert list(enterprise.events.values_list("from_status", "to_status", "reason", "actor")) == [
        ("", "pending", "Imported from catalogue.csv", actor.pk)
    ]
    assert set(Product.objects.values_list("status", "published_at")) == {("pending_review", None)}
    assert set(ProductEvent.objects.values_list("from_status", "to_status", "actor")) == {
        ("draft", "pending_review", actor.pk)
    }


def test_publish_approves_new_enterprises_and_publishes_new_products():
    # when
    run_import(catalogue_rows(), publish=True)
    # then
    assert set(Enterprise.objects.values_list("status", flat=True)) == {"approved"}
    assert Enterprise.objects.filter(approved_at__isnull=True).count() == 0
    assert set(Product.objects.values_list("status", flat=True)) == {"published"}
    assert Product.objects.filter(published_at__isnull=True).count() == 0
    assert set(ProductEvent.objects.values_list("from_status", "to_status")) == {
        ("draft", "published")
    }
    assert Product.objects.on_storefront().count() == 3


def test_importing_the_same_file_twice_changes_nothing():
    # given
    run_import(catalogue_rows(), publish=True)
    before = row_counts()
    stamps = list(Product.objects.order_by("pk").values_list("updated_at", flat=True))
    # when
    report = run_import(catalogue_rows(), publish=True)
    # then
    assert report.errors == []
    assert report.enterprises == Counts(unchanged=2)
    assert report.products == Counts(unchanged=3)
    assert report.variants == Counts(unchanged=4)
    assert report.certificates == Counts(unchanged=1)
    assert row_counts() == before
    assert list(Product.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_written_products_and_certificates_go_to_the_reference_index_after_commit(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        run_import(catalogue_rows())
    # then: bulk writes send no signal, so the import queues the updates itself
    reference_updates = sorted(
        callback.args[:2]
        for callback in callbacks
        if isinstance(callback, functools.partial)
        and callback.func == update_reference_index_task.enqueue
    )
    assert reference_updates == [
        ("marketplace", "product"),
        ("marketplace", "product"),
        ("marketplace", "product"),
        ("traceability", "certificate"),
    ]


def test_an_import_announces_its_bulk_writes():
    # given
    received = []

    def receiver(**kwargs):
        received.append(kwargs["sender"])

    catalogue_written.connect(receiver, dispatch_uid="test-import-announces")
    try:
        # when
        run_import(catalogue_rows())
        first = list(received)
        run_import(catalogue_rows())  # the same file again: nothing written
    finally:
        catalogue_written.disconnect(dispatch_uid="test-import-announces")
    # then
    assert set(first) == {Product}
    assert received == first


def test_a_changed_price_updates_the_variant_and_keeps_the_product_published():
    # given
    run_import(catalogue_rows(), publish=True)
    rows = catalogue_rows()
    rows[0]["price_vnd"] = "150000"
    # when
    report = run_import(rows, publish=True)
    # then
    assert report.variants == Counts(updated=1, unchanged=3)
    assert report.products == Counts(unchanged=3)
    tea = Product.objects.get(name="Chè Tân Cương đặc biệt")
    assert (tea.status, tea.min_price_vnd) == ("published", 150_000)
    assert ProductEvent.objects.filter(product=tea).count() == 1


def test_an_existing_enterprise_gets_new_products_and_keeps_its_status():
    # given
    enterprise = EnterpriseFactory(tax_code=TEA_COOPERATIVE, name="HTX Chè Đồi Sương")
    product = ProductFactory(enterprise=enterprise, name="Chè Tân Cương đặc biệt")
    VariantFactory(product=product, sku="DS-200", price_vnd=200_000, gtin=GTIN)
    # when
    report = run_import(catalogue_rows()[:3])
    # then
    assert report.errors == []
    assert report.enterprises == Counts(unchanged=1)
    assert report.products == Counts(created=1, updated=1)  # a new link to its certificate
    assert report.variants == Counts(created=2, updated=1)
    enterprise.refresh_from_db()
    product.refresh_from_db()
    assert (enterprise.status, product.status, product.min_price_vnd) == (
        "approved",
        "published",
        180_000,
    )
    assert Product.objects.get(name="Chè móc câu").status == "pending_review"


def _declaring(content: bytes, dimension: str) -> bytes:
    """The workbook with its first sheet claiming to span `dimension`."""
    source, result = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
                )
            target.writestr(item, data)
    return result.getvalue()


def test_an_xlsx_claiming_a_huge_sheet_is_read_as_it_is():
    # given: two rows in a file that says its sheet spans all of Excel's rows and columns
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append([row()[column] for column in COLUMNS])
    content = io.BytesIO()
    workbook.save(content)
    claimed = _declaring(content.getvalue(), "A1:XFD1048576")
    # when
    header, rows = read_table(file=io.BytesIO(claimed), filename="lon.xlsx")
    # then: the two rows, each no wider than the columns a table may have
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert [line for line, _cells in rows] == [2]
    assert len(header) <= MAX_COLUMNS


def test_an_xlsx_with_too_many_rows_is_refused_with_a_message():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(COLUMNS)
    for _line in range(MAX_ROWS + 1):
        sheet.append(["x"])
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    with pytest.raises(ImportFileError, match=r"20\.000"):
        read_table(file=content, filename="lon.xlsx")


def test_an_xlsx_file_is_imported_like_a_csv():
    # given
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    values = row()
    values.update(
        price_vnd=180000,
        stock=20,
        weight_g=200.0,  # Excel keeps every number as a float
        ward_code=5503,
        gtin=int(GTIN),
        ocop_stars=4,
        ocop_issued_on=datetime.datetime(2024, 3, 1),
        ocop_expires_on=datetime.date(2027, 3, 1),
    )
    sheet.append([values[column] for column in COLUMNS])
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    # when
    report = import_products(file=content, filename="danh-muc.xlsx")
    # then
    assert report.errors == []
    assert report.variants == Counts(created=1)
    variant = Variant.objects.get()
    assert (variant.sku, variant.price_vnd, variant.weight_g, variant.gtin) == (
        "DS-200",
        180_000,
        200,
        GTIN,
    )
    assert Certificate.objects.get().issued_on == datetime.date(2024, 3, 1)


def test_the_columns_may_come_in_any_order_and_case():
    # given
    header = [column.upper() for column in reversed(COLUMNS)]
    cells = {column.upper(): value for column, value in row().items()}
    content = csv_bytes([cells], header=header)
    # when
    report = import_products(file=io.BytesIO(content), filename="catalogue.csv")
    # then
    assert report.errors == []
    assert Variant.objects.get().sku == "DS-200"


def test_a_semicolon_separated_csv_from_vietnamese_excel_is_read():
    # given
    content = csv_bytes([row()]).decode().replace(",", ";").encode()
    # when
    report = import_products(file=io.BytesIO(content), filename="catalogue.csv")
    # then
    assert report.errors == []
    assert report.variants == Counts(created=1)


def test_a_dry_run_writes_nothing_but_reports_what_would_happen(
    django_capture_on_commit_callbacks,
):
    # given
    before = row_counts()
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        report = run_import(catalogue_rows(), dry_run=True, publish=True)
    # then
    assert report.dry_run is True
    assert report.errors == []
    assert report.enterprises == Counts(created=2)
    assert report.products == Counts(created=3)
    assert report.variants == Counts(created=4)
    assert report.certificates == Counts(created=1)
    assert row_counts() == before
    assert callbacks == []


@pytest.mark.parametrize(
    ("line", "cells", "column", "message"),
    [
        (
            2,
            {"enterprise_tax_code": "4601234561"},
            "enterprise_tax_code",
            "Enter a valid Vietnamese tax code: 10 digits, or 13 for a branch "
            "(for example 0101234567-001).",
        ),
        (
            2,
            {"gtin": "8934567890121"},
            "gtin",
            "This GTIN (barcode number) is not valid: check its length and last digit.",
        ),
        (2, {"price_vnd": "-180000"}, "price_vnd", "This must not be negative."),
        (
            2,
            {"price_vnd": "180.000"},
            "price_vnd",
            "Write a whole number without dots, commas or spaces, for example 180000.",
        ),
        (2, {"ward_code": "99999"}, "ward_code", "Choose a ward or commune from the list."),
        (2, {"ocop_stars": "6"}, "ocop_stars", "An OCOP certificate carries 3, 4 or 5 stars."),
        (
            2,
            {"ocop_expires_on": "2024-03-01"},
            "ocop_expires_on",
            "The expiry date must be after the issue date.",
        ),
        (
            2,
            {"ocop_issued_on": "01/03/2024"},
            "ocop_issued_on",
            "Write the date as YYYY-MM-DD, for example 2025-03-31.",
        ),
        (
            2,
            {"ocop_certificate_no": ""},
            "ocop_certificate_no",
            "Give the OCOP stars, certificate number, issue date and expiry date together.",
        ),
        (2, {"sku": ""}, "sku", "This field is required."),
        (
            5,
            {"category": "Trà hoa vàng"},
            "category",
            "No category has this name or slug. Check the spelling, or choose to create "
            "unknown categories.",
        ),
        (
            5,
            {"enterprise_kind": "farm"},
            "enterprise_kind",
            "Write company, cooperative or household.",
        ),
        (
            5,
            {"enterprise_name": ""},
            "enterprise_name",
            "Required for an enterprise that is not registered yet.",
        ),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(line, cells, column, message):
    # given
    before = row_counts()
    rows = catalogue_rows()
    rows[line - 2].update(cells)
    # when
    report = run_import(rows)
    # then
    assert report.errors == [RowIssue(line, column, message)]
    assert row_counts() == before


def test_every_bad_row_is_reported():
    # given
    before = row_counts()
    rows = catalogue_rows()
    rows[0]["price_vnd"] = "-5"
    rows[3]["enterprise_tax_code"] = "123"
    rows[3]["gtin"] = "8934567890121"
    # when
    report = run_import(rows)
    # then
    assert [(issue.line, issue.column) for issue in report.errors] == [
        (2, "price_vnd"),
        (5, "enterprise_tax_code"),
        (5, "gtin"),
    ]
    assert row_counts() == before


def test_a_sku_twice_in_the_file_is_refused():
    # given
    rows = catalogue_rows()
    rows[2]["sku"] = "DS-200"
    # when
    report = run_import(rows)
    # then
    assert report.errors == [
        RowIssue(4, "sku", "This SKU is already on line 2 for the same enterprise.")
    ]
    assert Product.objects.count() == 0


def test_a_sku_of_another_product_of_the_enterprise_is_refused():
    # given
    enterprise = EnterpriseFactory(tax_code=TEA_COOPERATIVE)
    VariantFactory(product=ProductFactory(enterprise=enterprise, name="Chè búp"), sku="DS-200")
    before = row_counts()
    # when
    report = run_import([row(gtin="")])
    # then
    assert report.errors == [
        RowIssue(
            2, "sku", "This SKU already belongs to another product of this enterprise: “Chè búp”."
        )
    ]
    assert row_counts() == before


def test_a_gtin_of_another_enterprise_is_refused():
    # given
    VariantFactory(gtin=GTIN)
    before = row_counts()
    # when
    report = run_import([row()])
    # then
    assert report.errors == [RowIssue(2, "gtin", "This GTIN is already used by another product.")]
    assert row_counts() == before


def test_the_rows_of_an_enterprise_must_agree():
    # given
    rows = catalogue_rows()
    rows[1]["enterprise_kind"] = "company"
    # when
    report = run_import(rows)
    # then
    assert report.errors == [
        RowIssue(
            3,
            "enterprise_kind",
            "Line 2 gives “cooperative” for the same enterprise (tax code); "
            "the rows of an enterprise must agree.",
        )
    ]
    assert Enterprise.objects.count() == 0


def test_unknown_categories_are_created_with_the_flag():
    # given
    rows = catalogue_rows()
    rows[3]["category"] = "Trà hoa vàng Đồng Hỷ"
    # when
    report = run_import(rows, create_categories=True)
    # then
    assert report.categories_created == 1
    category = Category.objects.get(name="Trà hoa vàng Đồng Hỷ")
    assert (category.slug, category.depth) == ("tra-hoa-vang-dong-hy", 1)
    assert Product.objects.get(name="Mật ong rừng").category == category


def test_a_script_in_the_description_is_removed_and_reported():
    # given
    description = '<p>Chè <b>ngon</b><script>alert("x")</script></p><p onclick="y">Hái tay</p>'
    rows = [row(description=description)]
    # when
    report = run_import(rows)
    # then
    assert report.errors == []
    assert report.warnings == [
        RowIssue(2, "description", "Removed what a description may not hold: script, onclick.")
    ]
    assert Product.objects.get().description == "<p>Chè <b>ngon</b></p><p>Hái tay</p>"


def test_a_plain_text_description_becomes_escaped_paragraphs():
    # given
    rows = [row(description="Hương cốm & vị ngọt hậu.\nPha 80°C.\n\nBảo quản nơi khô.")]
    # when
    run_import(rows)
    # then
    assert Product.objects.get().description == (
        "<p>Hương cốm &amp; vị ngọt hậu.<br>Pha 80°C.</p><p>Bảo quản nơi khô.</p>"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            [column for column in COLUMNS if column not in {"sku", "gtin"}],
            "Missing columns: sku, gtin.",
        ),
        ([*COLUMNS, "colour"], "Unknown columns: colour."),
    ],
)
def test_a_wrong_header_is_refused_naming_the_columns(header, message):
    # given
    content = io.BytesIO(csv_bytes([row()], header=header))
    # when
    with pytest.raises(ImportFileError) as raised:
        import_products(file=content, filename="catalogue.csv")
    # then
    assert raised.value.message == message
    assert Product.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused():
    # given
    content = io.BytesIO(csv_bytes([row()]).decode().encode("utf-16"))
    # when
    with pytest.raises(ImportFileError) as raised:
        import_products(file=content, filename="catalogue.csv")
    # then
    assert raised.value.message == "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."


@pytest.mark.parametrize("products", [2, 20])
def test_a_second_import_costs_the_same_queries_whatever_the_size(products):
    # given
    rows = [
        row(product_name=f"Chè số {number}", sku=f"TN-{number}", gtin="")
        for number in range(products)
    ]
    run_import(rows)
    # when
    with CaptureQueriesContext(connection) as queries:
        report = run_import(rows)
    # then
    assert report.products == Counts(unchanged=products)
    assert len(queries) == SECOND_IMPORT_QUERIES, [query["sql"] for query in queries]


# --- The command ------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_summary(tmp_path):
    # given
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes(catalogue_rows()))
    out = io.StringIO()
    # when
    call_command("import_products", str(path), "--publish", stdout=out, stderr=io.StringIO())
    # then
    assert out.getvalue().splitlines() == [
        "4 rows read from catalogue.csv.",
        "Enterprises: 2 created, 0 updated, 0 unchanged.",
        "Products: 3 created, 0 updated, 0 unchanged.",
        "Variants: 4 created, 0 updated, 0 unchanged.",
        "OCOP certificates: 1 created, 0 updated, 0 unchanged.",
        "Categories created: 0.",
    ]
    assert Product.objects.filter(status="published").count() == 3


def test_the_command_lists_every_bad_row_and_fails(tmp_path):
    # given
    rows = catalogue_rows()
    rows[1]["gtin"] = "8934567890121"
    rows[3]["ward_code"] = "99999"
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    # when
    with pytest.raises(CommandError) as raised:
        call_command("import_products", str(path), stdout=io.StringIO(), stderr=err)
    # then
    assert str(raised.value) == "2 problems in catalogue.csv; nothing was imported."
    assert err.getvalue().splitlines() == [
        "line 3, gtin: This GTIN (barcode number) is not valid: check its length and last digit.",
        "line 5, ward_code: Choose a ward or commune from the list.",
    ]
    assert row_counts()["Product"] == 0


def test_the_command_dry_run_says_so_and_writes_nothing(tmp_path):
    # given
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes(catalogue_rows()))
    out = io.StringIO()
    # when
    call_command("import_products", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    # then
    assert out.getvalue().splitlines()[:2] == [
        "Dry run: nothing was written.",
        "4 rows read from catalogue.csv.",
    ]
    assert Product.objects.count() == 0


def test_the_command_refuses_a_file_of_another_kind(tmp_path):
    # given
    path = tmp_path / "catalogue.pdf"
    path.write_bytes(b"%PDF-1.7")
    # when
    with pytest.raises(CommandError) as raised:
        call_command("import_products", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    # then
    assert str(raised.value) == "catalogue.pdf: Choose a CSV (UTF-8) or XLSX file."


# --- The admin page ---------------------------------------------------------------------------


def upload(rows, name="catalogue.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


def test_an_officer_imports_a_file_in_the_admin_and_reads_the_report(client):
    # given
    user = officer()
    client.force_login(user)
    # when
    response = client.post(IMPORT_URL, {"file": upload(catalogue_rows()), "publish": "on"})
    # then
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.errors, report.enterprises, report.products) == (
        [],
        Counts(created=2),
        Counts(created=3),
    )
    html = response.content.decode()
    assert "Import finished" in html
    assert "Categories created: 0." in html
    assert set(Product.objects.values_list("status", flat=True)) == {"published"}
    assert set(ProductEvent.objects.values_list("actor", flat=True)) == {user.pk}


def test_the_admin_page_lists_the_bad_rows_and_imports_nothing(client):
    # given
    client.force_login(officer())
    rows = catalogue_rows()
    rows[2]["price_vnd"] = "-1"
    # when
    response = client.post(IMPORT_URL, {"file": upload(rows)})
    # then
    assert response.context["report"].errors == [
        RowIssue(4, "price_vnd", "This must not be negative.")
    ]
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "<td>4</td>" in html
    assert row_counts()["Product"] == 0


def test_the_admin_page_refuses_a_file_of_another_kind(client):
    # given
    client.force_login(officer())
    # when
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("catalogue.pdf", b"%PDF-1.7")})
    # then
    assert response.context["form"].errors == {"file": ["Choose a CSV (UTF-8) or XLSX file."]}
    assert "report" not in response.context


def test_the_admin_page_refuses_a_file_over_the_size_limit(client, monkeypatch):
    # given
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_SIZE", 100)
    client.force_login(officer())
    file = upload(catalogue_rows())
    expected = (
        f"This file is {filesizeformat(file.size)}; the largest file accepted here is "
        f"{filesizeformat(100)}."
    )
    # when
    response = client.post(IMPORT_URL, {"file": file})
    # then
    assert response.context["form"].errors == {"file": [expected]}
    assert row_counts()["Product"] == 0


def test_the_admin_page_shows_a_wrong_header_on_the_file_field(client):
    # given
    client.force_login(officer())
    file = SimpleUploadedFile("catalogue.csv", csv_bytes([row()], header=COLUMNS[:-1]))
    # when
    response = client.post(IMPORT_URL, {"file": file})
    # then
    assert response.context["form"].errors == {"file": ["Missing columns: ocop_expires_on."]}


def test_an_enterprise_member_is_refused_the_import(client):
    # given
    member = MembershipFactory().user
    assign_role(member, Role.ENTERPRISE_MEMBER)
    client.force_login(member)
    # when
    response = client.post(IMPORT_URL, {"file": upload(catalogue_rows())})
    # then
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert row_counts()["Product"] == 0


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    # when
    response = client.get(IMPORT_URL)
    # then
    assert (response.status_code, response.url) == (
        302,
        f"{reverse('wagtailadmin_login')}?next={IMPORT_URL}",
    )


def test_the_import_menu_item_shows_to_officers_only(client):
    # given
    member = MembershipFactory().user
    assign_role(member, Role.ENTERPRISE_MEMBER)
    # when
    client.force_login(officer())
    officer_page = client.get("/admin/").content.decode()
    client.force_login(member)
    member_page = client.get("/admin/").content.decode()
    # then
    assert IMPORT_URL in officer_page
    assert IMPORT_URL not in member_page
