"""All rows of an import: grouped into enterprises, products and certificates, checked against
the database, then written with as few queries as the matching allows."""

from __future__ import annotations

import datetime
from collections import Counter
from functools import partial, reduce
from operator import or_
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.tasks import update_reference_index_task

from accounts.models import User
from marketplace import page_cache
from marketplace.importer.cells import Row, read_row
from marketplace.importer.groups import (
    CERTIFICATE_COLUMNS,
    ENTERPRISE_COLUMNS,
    PRODUCT_COLUMNS,
    CertificateGroup,
    EnterpriseGroup,
    ProductGroup,
    name_key,
)
from marketplace.importer.report import ImportReport, ProgressCallback
from marketplace.models import Category, Enterprise, EnterpriseEvent, Product, ProductEvent, Variant
from marketplace.search.text import both_spellings
from marketplace.services import refresh_ocop_badges, refresh_product_summaries
from marketplace.services.enterprises import unique_enterprise_slug
from marketplace.signals import catalogue_written
from marketplace.slugs import vietnamese_slug
from traceability.models import Certificate

_BATCH_SIZE = 500


class ImportRun:
    """One import: read the rows, check them against the database, then write them.

    `read_rows` and `check_against_database` only report; `write` expects a report without
    errors and must run in the transaction that `check_against_database` ran in (it relies on
    the enterprises locked there).
    """

    def __init__(
        self,
        *,
        report: ImportReport,
        publish: bool,
        create_categories: bool,
        actor: User | None,
        progress: ProgressCallback,
    ) -> None:
        self.report = report
        self.publish = publish
        self.create_categories = create_categories
        self.actor = actor
        self.progress = progress
        self.rows: list[Row] = []
        self.enterprises: dict[str, EnterpriseGroup] = {}
        self.products: dict[tuple[str, str], ProductGroup] = {}
        self.certificates: dict[tuple[str, str], CertificateGroup] = {}
        self.new_categories: dict[str, str] = {}  # name key → name as first written
        self.variants: dict[tuple[int, str], Variant] = {}  # (enterprise id, SKU) → variant
        self.product_names: dict[int, str] = {}  # of the enterprises' existing products
        self.written: list[models.Model] = []  # products and certificates created or changed

    # --- The file on its own ---------------------------------------------------------------

    def read_rows(self, columns: list[str], raw_rows: list[tuple[int, list[str]]]) -> None:
        """Convert every row, group the rows and check that the rows of each group agree."""
        for done, (line, cells) in enumerate(raw_rows, start=1):
            if any(cells[len(columns) :]):
                self.report.error(line, "", _("This row has more cells than the header."))
            self.rows.append(read_row(line, dict(zip(columns, cells, strict=False)), self.report))
            self.progress("check", done, len(raw_rows))
        for row in self.rows:
            # A row without these is reported already; grouping it would only add noise.
            if row.enterprise_tax_code and row.product_name and row.sku:
                self._group(row)
        self._check_codes_are_unique()

    def _group(self, row: Row) -> None:
        report = self.report
        tax_code = row.enterprise_tax_code
        enterprise = self.enterprises.setdefault(tax_code, EnterpriseGroup(line=row.line))
        enterprise.merge(
            row,
            ENTERPRISE_COLUMNS,
            disagreement=_(
                "Line %(line)s gives “%(value)s” for the same enterprise (tax code); "
                "the rows of an enterprise must agree."
            ),
            report=report,
        )
        product = self.products.setdefault(
            (tax_code, name_key(row.product_name)), ProductGroup(line=row.line, tax_code=tax_code)
        )
        product.merge(
            row,
            PRODUCT_COLUMNS,
            disagreement=_(
                "Line %(line)s gives “%(value)s” for the same product; "
                "the rows of a product must agree."
            ),
            report=report,
        )
        product.rows.append(row)
        if row.ocop_certificate_no:
            certificate = self.certificates.setdefault(
                (tax_code, row.ocop_certificate_no),
                CertificateGroup(line=row.line, tax_code=tax_code, number=row.ocop_certificate_no),
            )
            certificate.merge(
                row,
                CERTIFICATE_COLUMNS,
                disagreement=_(
                    "Line %(line)s gives “%(value)s” for the same OCOP certificate number; "
                    "the rows of a certificate must agree."
                ),
                report=report,
            )

    def _check_codes_are_unique(self) -> None:
        skus: dict[tuple[str, str], int] = {}
        gtins: dict[str, tuple[str, str, int]] = {}
        for group in self.products.values():
            for row in group.rows:
                first_line = skus.setdefault((group.tax_code, row.sku), row.line)
                if first_line != row.line:
                    self.report.error(
                        row.line,
                        "sku",
                        _("This SKU is already on line %(line)s for the same enterprise.")
                        % {"line": first_line},
                    )
                if row.gtin:
                    tax_code, sku, line = gtins.setdefault(
                        row.gtin, (group.tax_code, row.sku, row.line)
                    )
                    if (tax_code, sku) != (group.tax_code, row.sku):
                        self.report.error(
                            row.line,
                            "gtin",
                            _("This GTIN is already on line %(line)s.") % {"line": line},
                        )

    # --- The file against the database ----------------------------------------------------

    def check_against_database(self) -> None:
        """Match the groups to existing rows, locking the enterprises, and report conflicts."""
        existing = {
            enterprise.tax_code: enterprise
            for enterprise in Enterprise.objects.select_for_update()
            .filter(tax_code__in=list(self.enterprises))
            .order_by("pk")
        }
        for tax_code, group in self.enterprises.items():
            group.instance = existing.get(tax_code)
            if group.instance is None:
                for column in ("enterprise_name", "enterprise_kind", "ward_code"):
                    if group.get(column) is None and column not in group.invalid:
                        self.report.error(
                            group.line,
                            column,
                            _("Required for an enterprise that is not registered yet."),
                        )
        enterprise_ids = [enterprise.pk for enterprise in existing.values()]
        self._match_products(enterprise_ids)
        self._match_categories()
        self._match_variants(enterprise_ids)
        self._match_certificates(enterprise_ids)

    def _enterprise_id(self, tax_code: str) -> int:
        """The enterprise's id, or 0 (which no row has) when it is not registered yet."""
        enterprise = self.enterprises[tax_code].instance
        return enterprise.pk if enterprise else 0

    def _match_products(self, enterprise_ids: list[int]) -> None:
        found: dict[tuple[int, str], list[Product]] = {}
        for product in Product.objects.filter(enterprise_id__in=enterprise_ids):
            found.setdefault((product.enterprise_id, name_key(product.name)), []).append(product)
            self.product_names[product.pk] = product.name
        for (tax_code, key), group in self.products.items():
            matches = found.get((self._enterprise_id(tax_code), key), [])
            if len(matches) > 1:
                self.report.error(
                    group.line,
                    "product_name",
                    _(
                        "This enterprise already has several products with this name; "
                        "rename them in the admin first."
                    ),
                )
            elif matches:
                group.instance = matches[0]

    def _match_categories(self) -> None:
        categories = list(Category.objects.all())
        by_slug = {category.slug: category for category in categories}
        by_name: dict[str, list[Category]] = {}
        for category in categories:
            by_name.setdefault(name_key(category.name), []).append(category)
        for group in self.products.values():
            text = group.get("category")
            if text is None:
                if group.instance is None:
                    self.report.error(group.line, "category", _("Required for a new product."))
                continue
            line = group.values["category"][1]
            named = by_name.get(name_key(text), [])
            if text in by_slug:
                group.category = by_slug[text]
            elif len(named) == 1:
                group.category = named[0]
            elif named:
                self.report.error(
                    line,
                    "category",
                    _("Several categories have this name; write the category's slug instead."),
                )
            elif self.create_categories:
                group.category = name_key(text)
                self.new_categories.setdefault(group.category, text)
            else:
                self.report.error(
                    line,
                    "category",
                    _(
                        "No category has this name or slug. Check the spelling, or choose to "
                        "create unknown categories."
                    ),
                )

    def _match_variants(self, enterprise_ids: list[int]) -> None:
        self.variants = {
            (variant.enterprise_id, variant.sku): variant
            for variant in Variant.objects.filter(
                enterprise_id__in=enterprise_ids, sku__in={row.sku for row in self.rows}
            )
        }
        gtin_owners = {
            gtin: (enterprise_id, sku)
            for gtin, enterprise_id, sku in Variant.objects.filter(
                gtin__in={row.gtin for row in self.rows if row.gtin}
            ).values_list("gtin", "enterprise_id", "sku")
        }
        for group in self.products.values():
            enterprise_id = self._enterprise_id(group.tax_code)
            for row in group.rows:
                variant = self.variants.get((enterprise_id, row.sku))
                if variant is None:
                    for column in ("variant_name", "price_vnd"):
                        if getattr(row, column) in ("", None) and column not in row.invalid:
                            self.report.error(
                                row.line, column, _("Required for a new variant (SKU).")
                            )
                elif group.instance is None or variant.product_id != group.instance.pk:
                    self.report.error(
                        row.line,
                        "sku",
                        _(
                            "This SKU already belongs to another product of this enterprise: "
                            "“%(product)s”."
                        )
                        % {"product": self.product_names[variant.product_id]},
                    )
                owner = gtin_owners.get(row.gtin)
                if owner is not None and owner != (enterprise_id, row.sku):
                    self.report.error(
                        row.line, "gtin", _("This GTIN is already used by another product.")
                    )

    def _match_certificates(self, enterprise_ids: list[int]) -> None:
        found: dict[tuple[int, str], list[Certificate]] = {}
        for certificate in Certificate.objects.filter(
            enterprise_id__in=enterprise_ids,
            kind=Certificate.Kind.OCOP,
            number__in={number for _tax_code, number in self.certificates},
        ):
            key = (certificate.enterprise_id, certificate.number)
            found.setdefault(key, []).append(certificate)
        for group in self.certificates.values():
            matches = found.get((self._enterprise_id(group.tax_code), group.number), [])
            if len(matches) > 1:
                self.report.error(
                    group.line,
                    "ocop_certificate_no",
                    _(
                        "This enterprise already has several OCOP certificates with this "
                        "number; fix them in the admin first."
                    ),
                )
            elif matches:
                group.instance = matches[0]

    # --- Writing ---------------------------------------------------------------------------

    def write(self) -> None:
        """Create and update what the groups say, and count what changed."""
        now = timezone.now()
        reason = _("Imported from %(file)s") % {"file": self.report.filename}
        self._create_categories()
        self._save_enterprises(now, reason)
        self._save_products(now, reason)
        self._save_certificates()
        self._link_certificates()
        touched = self._save_variants()
        counts = self.report.products
        for done, group in enumerate(self.products.values(), start=1):
            assert group.instance is not None  # every product was saved above
            if group.is_created:
                counts.created += 1
            elif group.is_changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
            self.progress("write", done, len(self.products))
        if touched:
            refresh_product_summaries(product_ids=touched)
        changed = (self.report.certificates, self.report.products)
        if any(counts.created or counts.updated for counts in changed):
            # a new or changed certificate, or a new link to one, may change an OCOP badge
            refresh_ocop_badges(
                product_ids=[
                    group.instance.pk for group in self.products.values() if group.instance
                ]
            )
        self._update_reference_index()
        if self.written:
            catalogue_written.send(sender=Product)

    def _update_reference_index(self) -> None:
        """Bulk writes send no post_save signal, so do after commit what Wagtail does on each
        save: index the references of each product and certificate written (the admin's usage
        views read them). A dry run, rolled back, enqueues nothing."""
        for instance in self.written:
            transaction.on_commit(
                partial(
                    update_reference_index_task.enqueue,
                    instance._meta.app_label,
                    instance._meta.model_name,
                    str(instance.pk),
                )
            )

    def _create_categories(self) -> None:
        slugs = _unique_slugs(
            Category, list(self.new_categories.values()), max_length=120, fallback="danh-muc"
        )
        created = {
            key: Category.add_root(name=name, slug=slug)
            for (key, name), slug in zip(self.new_categories.items(), slugs, strict=True)
        }
        for group in self.products.values():
            if isinstance(group.category, str):
                group.category = created[group.category]
        self.report.categories_created = len(created)

    def _save_enterprises(self, now: datetime.datetime, reason: str) -> None:
        counts = self.report.enterprises
        status = Enterprise.Status.APPROVED if self.publish else Enterprise.Status.PENDING
        events = []
        for tax_code, group in self.enterprises.items():
            if group.instance is None:
                name = group.get("enterprise_name")
                group.instance = Enterprise.objects.create(
                    kind=group.get("enterprise_kind"),
                    name=name,
                    slug=unique_enterprise_slug(name),
                    tax_code=tax_code,
                    representative=group.get("enterprise_representative") or "",
                    phone=group.get("enterprise_phone") or "",
                    ward_code=group.get("ward_code"),
                    status=status,
                    approved_at=now if self.publish else None,
                )
                events.append(
                    EnterpriseEvent(
                        enterprise=group.instance, to_status=status, reason=reason, actor=self.actor
                    )
                )
                counts.created += 1
                continue
            changed = _assign(
                group.instance,
                name=group.get("enterprise_name"),
                kind=group.get("enterprise_kind"),
                ward_code=group.get("ward_code"),
                representative=group.get("enterprise_representative"),
                phone=group.get("enterprise_phone"),
            )
            if changed:
                group.instance.save(update_fields=[*changed, "updated_at"])
                counts.updated += 1
            else:
                counts.unchanged += 1
        EnterpriseEvent.objects.bulk_create(events)

    def _save_products(self, now: datetime.datetime, reason: str) -> None:
        changed: list[Product] = []
        changed_fields: set[str] = set()
        new: list[ProductGroup] = []
        for group in self.products.values():
            if group.instance is None:
                new.append(group)
                continue
            fields = _assign(
                group.instance,
                name=group.get("product_name"),
                category_id=group.category.pk if isinstance(group.category, Category) else None,
                description=group.get("description"),
            )
            if fields:
                group.instance.updated_at = now
                group.is_changed = True
                changed.append(group.instance)
                changed_fields.update(fields)
                if "name" in fields:
                    group.instance.search_text = both_spellings(group.instance.name)
                    changed_fields.add("search_text")
        _bulk_update(Product, changed, {*changed_fields, "updated_at"})
        self.written += changed
        status = Product.Status.PUBLISHED if self.publish else Product.Status.PENDING_REVIEW
        names = [group.get("product_name") for group in new]
        slugs = _unique_slugs(Product, names, max_length=200, fallback="san-pham")
        products = []
        for group, name, slug in zip(new, names, slugs, strict=True):
            enterprise = self.enterprises[group.tax_code].instance
            assert enterprise is not None
            assert isinstance(group.category, Category)
            group.instance = Product(
                enterprise=enterprise,
                category=group.category,
                name=name,
                search_text=both_spellings(name),
                slug=slug,
                description=group.get("description") or "",
                origin_ward_code=enterprise.ward_code,
                status=status,
                published_at=now if self.publish else None,
            )
            group.is_created = True
            products.append(group.instance)
        Product.objects.bulk_create(products, batch_size=_BATCH_SIZE)
        self.written += products
        ProductEvent.objects.bulk_create(
            [
                ProductEvent(
                    product=product,
                    from_status=Product.Status.DRAFT,
                    to_status=status,
                    reason=reason,
                    actor=self.actor,
                )
                for product in products
            ],
            batch_size=_BATCH_SIZE,
        )

    def _save_certificates(self) -> None:
        counts = self.report.certificates
        new: list[Certificate] = []
        changed: list[Certificate] = []
        changed_fields: set[str] = set()
        for group in self.certificates.values():
            if group.instance is None:
                group.instance = Certificate(
                    enterprise=self.enterprises[group.tax_code].instance,
                    kind=Certificate.Kind.OCOP,
                    number=group.number,
                    star_level=group.get("ocop_stars"),
                    issued_on=group.get("ocop_issued_on"),
                    expires_on=group.get("ocop_expires_on"),
                    issuing_body=group.get("ocop_issuing_body") or "",
                )
                new.append(group.instance)
            elif fields := _assign(
                group.instance,
                star_level=group.get("ocop_stars"),
                issued_on=group.get("ocop_issued_on"),
                expires_on=group.get("ocop_expires_on"),
                issuing_body=group.get("ocop_issuing_body"),
            ):
                changed.append(group.instance)
                changed_fields.update(fields)
            else:
                counts.unchanged += 1
        Certificate.objects.bulk_create(new, batch_size=_BATCH_SIZE)
        _bulk_update(Certificate, changed, changed_fields)
        if changed:  # bulk updates send no signal: their products' kept pages must go
            page_cache.touch_products(Q(certificates__in=changed))
        self.written += new + changed
        counts.created += len(new)
        counts.updated += len(changed)

    def _link_certificates(self) -> None:
        """Link each product to the OCOP certificate its rows name (other links stay)."""
        wanted: dict[tuple[int, int], ProductGroup] = {}
        for group in self.products.values():
            number = group.get("ocop_certificate_no")
            if number is not None:
                certificate = self.certificates[(group.tax_code, number)].instance
                assert group.instance is not None
                assert certificate is not None
                wanted[(group.instance.pk, certificate.pk)] = group
        link = Product.certificates.through
        linked = set(
            link.objects.filter(
                product_id__in={product_id for product_id, _id in wanted},
                certificate_id__in={certificate_id for _id, certificate_id in wanted},
            ).values_list("product_id", "certificate_id")
        )
        missing = [pair for pair in wanted if pair not in linked]
        link.objects.bulk_create(
            [
                link(product_id=product_id, certificate_id=certificate_id)
                for product_id, certificate_id in missing
            ],
            batch_size=_BATCH_SIZE,
        )
        for pair in missing:
            wanted[pair].is_changed = True
        if missing:  # as above: links made in bulk send no signal
            page_cache.touch_products(Q(pk__in={product_id for product_id, _id in missing}))

    def _save_variants(self) -> set[int]:
        """Create and update the variants; return the ids of the products whose variants changed."""
        counts = self.report.variants
        new: list[Variant] = []
        changed: list[Variant] = []
        changed_fields: set[str] = set()
        touched: set[int] = set()
        for group in self.products.values():
            product = group.instance
            assert product is not None
            for position, row in enumerate(group.rows):
                variant = self.variants.get((product.enterprise_id, row.sku))
                if variant is None:
                    new.append(
                        Variant(
                            product=product,
                            enterprise_id=product.enterprise_id,
                            sort_order=position,
                            name=row.variant_name,
                            sku=row.sku,
                            price_vnd=row.price_vnd,
                            stock=row.stock or 0,
                            weight_g=row.weight_g or 0,
                            gtin=row.gtin,
                        )
                    )
                    touched.add(product.pk)
                elif fields := _assign(
                    variant,
                    name=row.variant_name,
                    price_vnd=row.price_vnd,
                    stock=row.stock,
                    weight_g=row.weight_g,
                    gtin=row.gtin,
                ):
                    changed.append(variant)
                    changed_fields.update(fields)
                    touched.add(product.pk)
                else:
                    counts.unchanged += 1
        Variant.objects.bulk_create(new, batch_size=_BATCH_SIZE)
        _bulk_update(Variant, changed, changed_fields)
        counts.created += len(new)
        counts.updated += len(changed)
        return touched


def _assign(instance: models.Model, **values: Any) -> list[str]:
    """Set each given value (not "" or None) that differs; return the names of the fields set."""
    changed = []
    for name, value in values.items():
        if value not in ("", None) and getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _bulk_update(model: type[models.Model], rows: list[Any], fields: set[str]) -> None:
    if rows:
        model._default_manager.bulk_update(rows, sorted(fields), batch_size=_BATCH_SIZE)


def _unique_slugs(
    model: type[models.Model], names: list[str], *, max_length: int, fallback: str
) -> list[str]:
    """A free slug for each name, for new rows of `model`: the name's slug, with -2, -3… added
    when the database or an earlier name has it. Two queries at most, whatever the count."""
    bases = [vietnamese_slug(name)[:max_length].strip("-") or fallback for name in names]
    manager = model._default_manager
    taken = set(manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    crowded = taken | {base for base, count in Counter(bases).items() if count > 1}
    if crowded:
        starts = reduce(or_, (Q(slug__startswith=f"{base}-") for base in crowded))
        taken.update(manager.filter(starts).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs
