"""The search quality set: queries as shoppers type them, and what must come first.

Each case names the products that must appear among the first k results (k defaults to the
number of expected products), or, for a query with nothing relevant, that nothing comes back.
It runs on the default engine, on PostgreSQL (CI) and SQLite (`TEST_DATABASE=sqlite`).
"""

import re
import unicodedata
from collections import Counter

import pytest
from django.db import connection

from accounts.divisions import ward_name
from accounts.roles import Role, assign_role
from marketplace.models import Category, Enterprise
from marketplace.search.indexing import index_products
from marketplace.search.products import search_catalogue, search_products
from marketplace.selectors import CatalogueFilters
from marketplace.services import publish_product
from tests.marketplace.factories import (
    EnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db

ENTERPRISES = {
    "doi-suong": ("HTX Chè Đồi Sương Tân Cương", Enterprise.Kind.COOPERATIVE, 5503),
    "la-bang": ("Công ty TNHH Trà Xanh La Bằng", Enterprise.Kind.COMPANY, 5818),
    "vo-nhai": ("HTX Mật Ong Rừng Võ Nhai", Enterprise.Kind.COOPERATIVE, 5716),
    "na-ri": ("Hộ kinh doanh Miến Dong Bà Lự", Enterprise.Kind.HOUSEHOLD, 2155),
    "dinh-hoa": ("HTX Nông Sản An Toàn Định Hóa", Enterprise.Kind.COOPERATIVE, 5569),
    "phu-binh": ("HTX Nếp Cái Hoa Vàng Phú Bình", Enterprise.Kind.COOPERATIVE, 5908),
    "bang-van": ("Hộ kinh doanh Hồng Không Hạt Bằng Vân", Enterprise.Kind.HOUSEHOLD, 1942),
}

# name, enterprise, category slug, ward, variant name, sku, description
PRODUCTS = [
    (
        "Chè móc câu Tân Cương đặc biệt",
        "doi-suong",
        "che-thai-nguyen",
        5503,
        "Hộp 200g",
        "DS-MC200",
        "Búp chè hái một tôm hai lá, sao bằng chảo gang.",
    ),
    (
        "Chè nõn tôm Tân Cương",
        "doi-suong",
        "che-thai-nguyen",
        5503,
        "Hộp 100g",
        "DS-NT100",
        "Nõn chè non, nước xanh, vị ngọt hậu.",
    ),
    (
        "Chè đinh thượng hạng",
        "doi-suong",
        "che-thai-nguyen",
        5503,
        "Hộp thiếc 100g",
        "DS-DINH100",
        "Chỉ lấy phần tôm chè, pha nước vàng sánh.",
    ),
    (
        "Trà túi lọc La Bằng",
        "la-bang",
        "che-thai-nguyen",
        5818,
        "Hộp 25 túi",
        "LB-TL25",
        "Trà xanh dưới chân núi Tam Đảo, đóng túi lọc tiện dùng.",
    ),
    (
        "Bột trà xanh matcha La Bằng",
        "la-bang",
        "che-thai-nguyen",
        5818,
        "Túi 100g",
        "LB-MT100",
        "Lá chè xanh xay mịn làm bánh và pha uống.",
    ),
    (
        "Mật ong rừng Võ Nhai",
        "vo-nhai",
        "mat-ong",
        5716,
        "Chai 500ml",
        "VN-MO500",
        "Mật hoa rừng núi đá vôi, đặc và thơm.",
    ),
    (
        "Mật ong hoa bạc hà",
        "vo-nhai",
        "mat-ong",
        5716,
        "Chai 250ml",
        "VN-BH250",
        "Mật ong từ đàn ong nuôi dưới tán rừng.",
    ),
    (
        "Miến dong Na Rì",
        "na-ri",
        "mien-dong-bun-banh",
        2155,
        "Gói 500g",
        "NR-MD500",
        "Sợi miến dai, làm từ củ dong riềng trồng trên nương.",
    ),
    (
        "Gạo Bao thai Định Hóa",
        "dinh-hoa",
        "gao-nep-nong-san",
        5569,
        "Túi 5kg",
        "DH-BT5",
        "Hạt gạo nhỏ, cơm dẻo và thơm.",
    ),
    (
        "Cơm lam ống nứa",
        "dinh-hoa",
        "gao-nep-nong-san",
        5569,
        "Gói 2 ống",
        "DH-CL2",
        "Gạo nếp nương nướng trong ống nứa.",
    ),
    (
        "Nếp cái hoa vàng Phú Bình",
        "phu-binh",
        "gao-nep-nong-san",
        5908,
        "Túi 2kg",
        "PB-NC2",
        "Nếp thơm dùng gói bánh chưng và nấu xôi.",
    ),
    (
        "Rượu nếp cái hoa vàng",
        "phu-binh",
        "ruou-truyen-thong",
        5908,
        "Chai 500ml",
        "PB-RN500",
        "Rượu ủ men lá truyền thống.",
    ),
    (
        "Hồng không hạt Bằng Vân",
        "bang-van",
        "gao-nep-nong-san",
        1942,
        "Thùng 3kg",
        "BV-HK3",
        "Quả hồng giòn ngọt, không hạt, thu hái mùa thu.",
    ),
]

QUALITY_SET = [
    # unaccented, as most shoppers type on a phone
    ("che tan cuong", ["Chè móc câu Tân Cương đặc biệt", "Chè nõn tôm Tân Cương"]),
    ("che moc cau", ["Chè móc câu Tân Cương đặc biệt"]),
    ("mat ong", ["Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"]),
    ("mat ong rung", ["Mật ong rừng Võ Nhai"]),
    ("mien dong", ["Miến dong Na Rì"]),
    ("gao bao thai", ["Gạo Bao thai Định Hóa"]),
    ("nep cai hoa vang", ["Nếp cái hoa vàng Phú Bình", "Rượu nếp cái hoa vàng"]),
    ("hong khong hat", ["Hồng không hạt Bằng Vân"]),
    ("com lam", ["Cơm lam ống nứa"]),
    ("tra tui loc", ["Trà túi lọc La Bằng"]),
    ("matcha", ["Bột trà xanh matcha La Bằng"]),
    ("ruou nep", ["Rượu nếp cái hoa vàng"]),
    # with diacritics
    ("chè tân cương", ["Chè móc câu Tân Cương đặc biệt", "Chè nõn tôm Tân Cương"]),
    ("mật ong", ["Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"]),
    ("miến dong", ["Miến dong Na Rì"]),
    ("bánh chưng", ["Nếp cái hoa vàng Phú Bình"]),
    # capitals
    ("CHÈ TÂN CƯƠNG", ["Chè móc câu Tân Cương đặc biệt", "Chè nõn tôm Tân Cương"]),
    ("MAT ONG VO NHAI", ["Mật ong rừng Võ Nhai"]),
    ("Gạo Bao Thai", ["Gạo Bao thai Định Hóa"]),
    # decomposed Unicode from some keyboards
    (unicodedata.normalize("NFD", "chè nõn tôm"), ["Chè nõn tôm Tân Cương"]),
    (unicodedata.normalize("NFD", "Hồng không hạt"), ["Hồng không hạt Bằng Vân"]),
    # tone mark on the other vowel, or a wrong tone
    ("gạo định hoá", ["Gạo Bao thai Định Hóa"]),
    ("che non tôm", ["Chè nõn tôm Tân Cương"]),
    ("mât ong", ["Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"]),
    ("chẻ đinh", ["Chè đinh thượng hạng"]),
    # đ and d
    ("che dinh", ["Chè đinh thượng hạng"]),
    ("chè đinh", ["Chè đinh thượng hạng"]),
    ("dinh hoa", ["Gạo Bao thai Định Hóa", "Cơm lam ống nứa"]),
    # enterprise names
    ("doi suong", ["Chè móc câu Tân Cương đặc biệt", "Chè nõn tôm Tân Cương"], 3),
    ("trà xanh la bằng", ["Trà túi lọc La Bằng", "Bột trà xanh matcha La Bằng"]),
    ("ba lu", ["Miến dong Na Rì"]),
    # communes of origin
    ("na ri", ["Miến dong Na Rì"]),
    ("phu binh", ["Nếp cái hoa vàng Phú Bình", "Rượu nếp cái hoa vàng"]),
    ("bang van", ["Hồng không hạt Bằng Vân"]),
    ("vo nhai", ["Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"]),
    # categories and descriptions
    ("ruou truyen thong", ["Rượu nếp cái hoa vàng"]),
    ("chao gang", ["Chè móc câu Tân Cương đặc biệt"]),
    ("nui da voi", ["Mật ong rừng Võ Nhai"]),
    # multi-word, in another order
    ("tan cuong che non tom", ["Chè nõn tôm Tân Cương"]),
    ("vo nhai mat ong rung", ["Mật ong rừng Võ Nhai"]),
    # SKU and variant names
    ("DS-DINH100", ["Chè đinh thượng hạng"]),
    ("hop thiec", ["Chè đinh thượng hạng"]),
]

NO_MATCH = ["cà phê sữa đá", "iphone", "xyzzy", "sầu riêng ri6"]


@pytest.fixture
def catalogue():
    categories = {category.slug: category for category in Category.objects.all()}
    enterprises = {
        key: EnterpriseFactory(name=name, kind=kind, ward_code=ward, slug=key)
        for key, (name, kind, ward) in ENTERPRISES.items()
    }
    products = []
    for name, enterprise, category, ward, variant, sku, description in PRODUCTS:
        product = ProductFactory(
            name=name,
            enterprise=enterprises[enterprise],
            category=categories[category],
            origin_ward_code=ward,
            description=f"<p>{description}</p>",
        )
        VariantFactory(product=product, name=variant, sku=sku)
        products.append(product)
    index_products(product.pk for product in products)
    return products


def top_names(query, k):
    return [product.name for product in search_products(query)[:k]]


@pytest.mark.parametrize("case", QUALITY_SET, ids=[case[0] for case in QUALITY_SET])
def test_the_expected_products_come_first(catalogue, case):
    # given
    query, expected, *rest = case
    k = rest[0] if rest else len(expected)
    # when
    found = top_names(query, k)
    # then
    assert set(expected) <= set(found), found


@pytest.mark.parametrize("query", NO_MATCH)
def test_a_query_with_nothing_relevant_finds_nothing(catalogue, query):
    assert top_names(query, 10) == []


def test_an_exact_diacritic_match_ranks_above_a_folded_one(catalogue):
    # given: "đinh" (a tea grade) and "Định" (a commune) fold to the same word
    # when
    found = top_names("đinh", 3)
    # then
    assert found[0] == "Chè đinh thượng hạng"
    assert "Gạo Bao thai Định Hóa" in top_names("định", 1)


@pytest.mark.parametrize(
    "query",
    ['"', "*", "chè:", "(mật", "OR", "NEAR", "che OR mat", "🍵 chè", "\x00\x1f", "a" * 2000, " "],
)
def test_odd_input_gives_a_normal_answer(catalogue, client, query):
    # when
    page = client.get("/san-pham/", {"q": query})
    api = client.get("/api/v1/products/", {"q": query})
    # then
    assert page.status_code == 200
    assert api.status_code == 200


def test_unpublishing_takes_a_product_out_of_the_results(catalogue):
    # given
    honey = next(p for p in catalogue if p.name == "Mật ong rừng Võ Nhai")
    # when
    honey.status = "archived"
    honey.save()
    # then
    assert "Mật ong rừng Võ Nhai" not in top_names("mat ong", 5)


def test_a_new_variant_is_searchable_once_the_summary_is_refreshed(
    catalogue, django_capture_on_commit_callbacks
):
    # given
    honey = next(p for p in catalogue if p.name == "Mật ong rừng Võ Nhai")
    assert top_names("hu sanh", 5) == []
    # when: the enterprise adds a jar, as the back office does
    with django_capture_on_commit_callbacks(execute=True):
        VariantFactory(product=honey, name="Hũ sành 1 lít", sku="VN-HS1")
    # then
    assert top_names("hu sanh", 5) == ["Mật ong rừng Võ Nhai"]


def test_publishing_puts_a_product_into_the_results(catalogue):
    # given
    draft = ProductFactory(name="Chè xanh Trại Cài", status="pending_review", published_at=None)
    VariantFactory(product=draft)
    assert top_names("trai cai", 5) == []
    # when
    publish_product(product=draft, officer=None)
    # then
    assert top_names("trai cai", 5) == ["Chè xanh Trại Cài"]


def test_the_search_page_marks_the_matched_words_and_escapes_the_rest(catalogue, client):
    # given: a seller typed markup into a product name
    ProductFactory(name="Chè <b>Tân Cương</b> & quà", published_at=None)
    # when
    html = client.get("/san-pham/", {"q": "che tan"}).content.decode()
    # then
    assert "<mark>Chè</mark> <mark>nõn</mark>" not in html
    assert "<mark>Chè</mark> nõn tôm <mark>Tân</mark> Cương" in html
    assert "<mark>Chè</mark> &lt;b&gt;<mark>Tân</mark> Cương&lt;/b&gt; &amp; quà" in html


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("che nõn", ["Chè nõn tôm Tân Cương"]),
        ("mat on", ["Mật ong rừng Võ Nhai", "Mật ong hoa bạc hà"]),
        ("HỒNG KHÔNG", ["Hồng không hạt Bằng Vân"]),
    ],
)
def test_autocomplete_suggests_names_as_they_are_typed(catalogue, client, typed, expected):
    # when
    response = client.get("/api/v1/search/suggestions/", {"q": typed})
    # then
    assert response.status_code == 200
    products = [item["name"] for item in response.json() if item["kind"] == "product"]
    assert sorted(products) == sorted(expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("htx che", ["HTX Chè Đồi Sương Tân Cương"]),
        ("HỘ KINH", ["Hộ kinh doanh Hồng Không Hạt Bằng Vân", "Hộ kinh doanh Miến Dong Bà Lự"]),
        ("dinh ho", ["HTX Nông Sản An Toàn Định Hóa"]),
        ("mat ong vo", ["HTX Mật Ong Rừng Võ Nhai"]),
    ],
)
def test_suggestions_include_enterprises_by_the_start_of_their_words(
    catalogue, client, typed, expected
):
    # when
    response = client.get("/api/v1/search/suggestions/", {"q": typed})
    # then
    enterprises = [item for item in response.json() if item["kind"] == "enterprise"]
    assert [item["name"] for item in enterprises] == expected
    assert enterprises[0]["url"].endswith(f"/doanh-nghiep/{enterprises[0]['slug']}/")


def test_suggestions_leave_out_enterprises_that_are_not_approved(catalogue, client):
    # given
    Enterprise.objects.filter(slug="vo-nhai").update(status=Enterprise.Status.SUSPENDED)
    # when
    response = client.get("/api/v1/search/suggestions/", {"q": "htx mat"})
    # then
    assert [item for item in response.json() if item["kind"] == "enterprise"] == []


def test_suggestions_cost_two_queries(catalogue, client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/api/v1/search/suggestions/", {"q": "che"})
    assert response.status_code == 200


# --- Facets ------------------------------------------------------------------------------------


def facet_links(html):
    """{group title: {option label: count}} from the search page's facet links."""
    nav = html.split('class="panel facets"', 1)[1].split("</nav>", 1)[0]
    groups = {}
    for section in nav.split("<section>")[1:]:
        title = re.search(r"<h2>(.*?)</h2>", section).group(1)
        groups[title] = {
            label.strip(): int(count)
            for label, count in re.findall(
                r'<a href="[^"]*"[^>]*>([^<]*)<span class="count">\((\d+)\)</span>', section
            )
        }
    return groups


def test_the_search_page_counts_each_facet_of_the_results(catalogue, client):
    # given: what "la bang" finds, counted here by hand
    found = list(search_products("la bang").select_related("category"))
    roots = Counter(product.category.get_root().name for product in found)
    wards = Counter(ward_name(product.origin_ward_code) for product in found)
    assert len(found) >= 2
    # when
    html = client.get("/san-pham/", {"q": "la bang"}).content.decode()
    # then
    groups = facet_links(html)
    assert groups["Danh mục"] == dict(roots)
    assert groups["Xã, phường xuất xứ"] == dict(wards)
    assert sum(groups["Giá"].values()) == len(found)


def test_choosing_a_facet_narrows_the_results_and_keeps_the_query(catalogue, client):
    # given
    html = client.get("/san-pham/", {"q": "che"}).content.decode()
    link = next(href for href in re.findall(r'<a href="\?([^"]*)"', html) if "category=" in href)
    # when
    narrowed = client.get(f"/san-pham/?{link.replace('&amp;', '&')}")
    # then
    assert narrowed.status_code == 200
    assert "q=che" in link
    assert narrowed.context["page_obj"].paginator.count <= (
        client.get("/san-pham/", {"q": "che"}).context["page_obj"].paginator.count
    )


def test_facets_count_the_same_as_the_results_for_every_filter(catalogue):
    # when
    results = search_catalogue("mat ong", CatalogueFilters(sort="relevance"))
    facets = results.facets
    # then
    assert facets is not None
    total = results.products.count()
    assert total == 2
    assert sum(facets["price"].values()) == total
    assert sum(facets["ward_code"].values()) == total
    roots = {path: hits for path, hits in facets["category"].items() if len(path) == 4}
    assert sum(roots.values()) == total


def test_a_search_page_costs_a_fixed_number_of_queries(
    catalogue, client, django_assert_num_queries
):
    # given: the site and its footer settings are known (cms/sites.py) from a first view
    client.get("/san-pham/")
    # A first search: the filter form's categories, the engine, the results' ids and facet
    # columns, the page, the facets' categories; on PostgreSQL the engine query is preceded
    # by the names' (which, when it alone finds MAX_RANKED products, spares the engine's).
    engine = 2 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(4 + engine):
        first = client.get("/san-pham/", {"q": "che"})
    # The same search again: the ids, facets, form, card grid and the categories are kept;
    # the page's products are read.
    with django_assert_num_queries(1):
        again = client.get("/san-pham/", {"q": "che"})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content


def test_the_catalogue_without_a_query_has_no_facets(catalogue, client):
    response = client.get("/san-pham/")
    assert response.context["facets"] == []
    assert 'class="panel facets"' not in response.content.decode()


# --- The back office ---------------------------------------------------------------------------


def test_the_admin_searches_a_members_products_folded_and_by_sku(catalogue, client):
    # given
    enterprise = Enterprise.objects.get(slug="doi-suong")
    draft = ProductFactory(enterprise=enterprise, name="Chè búp khô", status="draft")
    VariantFactory(product=draft, sku="DS-BK500")
    index_products([draft.pk])
    user = MembershipFactory(enterprise=enterprise).user
    assign_role(user, Role.ENTERPRISE_MEMBER)
    client.force_login(user)
    # when
    folded = client.get("/admin/products/", {"q": "che bup"}).content.decode()
    by_sku = client.get("/admin/products/", {"q": "DS-BK500"}).content.decode()
    others = client.get("/admin/products/", {"q": "mat ong"}).content.decode()
    # then: drafts found, other enterprises' products never listed
    assert "Chè búp khô" in folded
    assert "Chè búp khô" in by_sku
    assert "Chè móc câu" not in by_sku
    assert "Mật ong rừng Võ Nhai" not in others
    assert "Mật ong hoa bạc hà" not in others


@pytest.mark.parametrize("typed", ["", "   ", '"*:(', "\x00", "🍵"])
def test_autocomplete_answers_odd_input_with_nothing(catalogue, client, typed):
    response = client.get("/api/v1/search/suggestions/", {"q": typed})
    assert (response.status_code, response.json()) == (200, [])
