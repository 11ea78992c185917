"""Demo site: the operator's contacts and menus, a home page built from blocks, a campaign,
the content pages a shop needs, a few news articles and producers' stories. Idempotent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cms.models import (
    CampaignPage,
    CampaignProduct,
    ContentPage,
    EnterpriseStoryPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OperatorSettings,
    StoryIndexPage,
)
from marketplace.models import Enterprise, Product, ProductImage
from marketplace.selectors import CatalogueFilters, storefront_products

CONTENT_PAGES = [
    (
        "gioi-thieu",
        "Giới thiệu sàn",
        "Sàn OCOP Thái Nguyên là nơi doanh nghiệp, hợp tác xã và hộ sản xuất của tỉnh bán "
        "trực tiếp đặc sản của mình, có mã QR truy xuất nguồn gốc trên từng sản phẩm.",
        "<p>Sàn do Sở Công Thương tỉnh Thái Nguyên vận hành, với mục tiêu đưa chè Tân Cương, "
        "La Bằng, Trại Cài và các sản phẩm OCOP khác của tỉnh đến tay người mua mà không qua "
        "nhiều lớp trung gian.</p><p>Mỗi cơ sở bán hàng đều được Sở xét duyệt hồ sơ, mỗi sản "
        "phẩm gắn sao OCOP đều có quyết định công nhận còn hiệu lực. Khi mua, bạn biết rõ ai "
        "làm ra sản phẩm, trồng ở đồi nào, thu hái ngày nào.</p>",
    ),
    (
        "huong-dan-mua-hang",
        "Hướng dẫn mua hàng",
        "Bốn bước để đặt mua đặc sản Thái Nguyên trên sàn, thanh toán khi nhận hàng hoặc "
        "qua ví điện tử.",
        "<ol><li>Tìm sản phẩm theo tên, danh mục hoặc số sao OCOP.</li><li>Chọn quy cách "
        "đóng gói và số lượng, bấm <b>Thêm vào giỏ</b>.</li><li>Điền địa chỉ nhận hàng, chọn "
        "thanh toán khi nhận hàng (COD), VNPay, MoMo hoặc ZaloPay.</li><li>Theo dõi đơn hàng "
        "trong mục <b>Tài khoản của tôi</b>; mỗi cơ sở bán sẽ gọi xác nhận trước khi gửi.</li>"
        "</ol><p>Đơn có sản phẩm của nhiều cơ sở được tách thành nhiều kiện, mỗi kiện một "
        "mã vận đơn.</p>",
    ),
    (
        "dang-ky-ban-hang",
        "Tham gia bán hàng",
        "Doanh nghiệp, hợp tác xã và hộ kinh doanh có trụ sở tại Thái Nguyên được mở gian "
        "hàng miễn phí trên sàn.",
        "<p>Hồ sơ đăng ký gồm mã số thuế, người đại diện, địa chỉ và số điện thoại liên hệ. "
        "Sở Công Thương xét duyệt trong vòng năm ngày làm việc.</p><p>Sau khi được duyệt, "
        "cơ sở tự đăng sản phẩm, khai báo lô hàng, in tem QR truy xuất và xử lý đơn trong "
        "trang quản trị. Sản phẩm có chứng nhận OCOP được gắn sao trên sàn.</p>",
    ),
    (
        "chinh-sach-giao-hang",
        "Chính sách giao hàng",
        "Thời gian và phí giao hàng trong tỉnh và đi các tỉnh thành khác.",
        "<p>Đơn trong tỉnh Thái Nguyên được giao trong một đến hai ngày; đơn đi tỉnh khác "
        "từ hai đến năm ngày tùy khu vực. Phí giao hàng hiện rõ ở bước đặt hàng trước khi "
        "bạn xác nhận.</p><p>Chè và sản phẩm khô được đóng túi hút chân không, hộp giấy "
        "cứng; mật ong và đồ lỏng được chèn xốp chống vỡ.</p>",
    ),
    (
        "chinh-sach-doi-tra",
        "Chính sách đổi trả",
        "Đổi hoặc trả hàng trong bảy ngày khi sản phẩm lỗi, sai quy cách hoặc hư hỏng khi "
        "vận chuyển.",
        "<p>Bạn chụp ảnh sản phẩm và tem QR, gửi qua đường dây nóng hoặc thư điện tử trong "
        "bảy ngày kể từ khi nhận hàng. Cơ sở bán hàng đổi sản phẩm mới hoặc hoàn tiền; phí "
        "gửi trả do cơ sở chịu nếu lỗi thuộc về họ.</p><p>Sản phẩm đã bóc niêm phong vì lý "
        "do khẩu vị cá nhân không thuộc diện đổi trả.</p>",
    ),
    (
        "chinh-sach-bao-mat",
        "Chính sách bảo mật",
        "Sàn thu thập những thông tin nào, dùng vào việc gì và bạn có quyền gì với dữ liệu "
        "của mình.",
        "<p>Sàn chỉ lưu họ tên, số điện thoại, địa chỉ nhận hàng và lịch sử đơn hàng để giao "
        "hàng và hỗ trợ bạn, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.</p>"
        "<p>Cơ sở bán hàng chỉ thấy thông tin của đơn hàng gửi cho mình. Bạn có thể yêu cầu "
        "xem, sửa hoặc xóa dữ liệu cá nhân bất cứ lúc nào qua đường dây nóng của sàn.</p>",
    ),
]

NEWS = [
    (
        "festival-tra-thai-nguyen-2026",
        "Festival Trà Thái Nguyên 2026: hơn một trăm gian hàng chè và OCOP",
        "Lễ hội trà của tỉnh trở lại với phiên chợ chè, thi sao chè tay và không gian "
        "trưng bày sản phẩm OCOP của các xã.",
        "<p>Năm nay, phiên chợ chè kéo dài ba ngày tại quảng trường trung tâm, với hơn một "
        "trăm gian hàng của hợp tác xã và hộ làm chè. Người xem được thử sao chè bằng chảo "
        "gang cùng nghệ nhân Tân Cương.</p><p>Các gian hàng trên sàn có mã giảm giá riêng "
        "trong những ngày lễ hội.</p>",
        ["lễ hội", "chè"],
    ),
    (
        "them-san-pham-dat-ocop-5-sao",
        "Thêm sản phẩm chè của tỉnh đạt OCOP 5 sao",
        "Hội đồng cấp tỉnh đề nghị công nhận thêm sản phẩm chè đặc biệt đạt hạng năm sao, "
        "hạng cao nhất của Chương trình OCOP.",
        "<p>Sản phẩm được chấm điểm về chất lượng, câu chuyện sản phẩm, khả năng tiếp cận "
        "thị trường và quản lý sản xuất. Trên sàn, huy hiệu sao chỉ hiện khi quyết định công "
        "nhận còn hiệu lực.</p>",
        ["OCOP"],
    ),
    (
        "quet-ma-qr-de-biet-nguon-goc",
        "Quét mã QR trên gói chè: biết đồi nào, ngày hái nào",
        "Tem truy xuất theo chuẩn GS1 Digital Link cho biết lô hàng, vùng trồng và các "
        "bước chế biến của từng gói chè.",
        "<p>Chỉ cần mở camera điện thoại và hướng vào mã QR trên bao bì. Trang truy xuất hiện "
        "ra ngay, không cần cài ứng dụng.</p><p>Nếu một mã bị quét ở nhiều nơi khác nhau "
        "trong thời gian ngắn, hệ thống cảnh báo để cơ quan quản lý kiểm tra hàng giả.</p>",
        ["truy xuất"],
    ),
]

STORIES = [
    (
        "Ba thế hệ giữ đồi chè",
        "Từ gánh chè bà ngoại mang ra chợ Thái đến hộp chè có tem QR bán khắp cả nước.",
        "<p>Những nương chè trung du ở đây đã ngoài năm mươi năm tuổi. Người trong hợp tác "
        "xã vẫn hái một tôm hai lá vào sáng sớm và sao chè trong ngày để giữ hương cốm.</p>"
        "<p>Từ khi bán trên sàn, mỗi mẻ chè được ghi lại ngày hái, đồi hái và người sao, để "
        "khách ở xa cũng biết chén trà của mình đến từ đâu.</p>",
    ),
    (
        "Làm sản phẩm cho người ở xa",
        "Chuyển từ bán mộc ở chợ sang hộp quà đạt chuẩn OCOP là cả một chặng đường học hỏi.",
        "<p>Những năm đầu, chè chỉ đóng túi nilon bán cho thương lái. Khi tham gia Chương "
        "trình OCOP, cơ sở làm lại bao bì, kiểm nghiệm chất lượng và ghi nhật ký sản xuất.</p>"
        "<p>Giờ đây, đơn hàng từ Hà Nội, Đà Nẵng, TP Hồ Chí Minh đến mỗi ngày qua sàn.</p>",
    ),
]


def seed_site() -> None:
    """Contacts, then the pages, then the menus that link them."""
    site = Site.objects.get(is_default_site=True)
    settings = OperatorSettings.for_site(site)
    if not settings.address:
        settings.operator_name = "Sở Công Thương tỉnh Thái Nguyên"
        settings.address = "Số 4 đường Hoàng Văn Thụ, phường Phan Đình Phùng, tỉnh Thái Nguyên"
        settings.hotline = "0208 3855 123"
        settings.email = "hotro@ocop.example.vn"
        settings.save()
    home = site.root_page.specific
    pages = {slug: _content_page(home, slug, *texts) for slug, *texts in CONTENT_PAGES}
    news_index = _child(home, NewsIndexPage, "tin-tuc", title="Tin tức", intro=_NEWS_INTRO)
    stories = _child(
        home, StoryIndexPage, "cau-chuyen", title="Câu chuyện nhà sản xuất", intro=_STORIES_INTRO
    )
    pictures = _pictures()
    for n, (slug, title, intro, body, tags) in enumerate(NEWS):
        _news(
            news_index,
            slug,
            title,
            intro,
            body,
            tags,
            pictures[n % len(pictures)] if pictures else NO_PICTURE,
            n,
        )
    for n, enterprise in enumerate(Enterprise.objects.approved().order_by("pk")[: len(STORIES)]):
        _story(stories, enterprise, *STORIES[n], pictures[-1 - n] if pictures else NO_PICTURE, n)
    campaign = _campaign(home, pictures[0] if pictures else NO_PICTURE)
    _home_blocks(home, pictures[0] if pictures else NO_PICTURE, campaign)
    _english(home, pages["gioi-thieu"])
    if not settings.main_menu:
        settings.main_menu = [
            _link("Sản phẩm", url="/san-pham/"),
            _link("Doanh nghiệp", url="/doanh-nghiep/"),
            _link("Quà Tết", page=campaign),
            _link("Tin tức", page=news_index),
            _link("Câu chuyện", page=stories),
        ]
        settings.footer_menu = [
            _link(pages[slug].title, page=pages[slug]) for slug, *_texts in CONTENT_PAGES
        ]
        settings.save()


# The English home and "about" pages: the same blocks, with their words translated.
ENGLISH_HOME_TITLE = "Thái Nguyên OCOP Marketplace"
ENGLISH_HEADINGS = {
    "Chè Thái Nguyên và đặc sản OCOP, mua tận gốc": (
        "Thái Nguyên tea and OCOP specialities, bought at the source"
    ),
    "Được mua nhiều": "Most bought",
    "Danh mục": "Categories",
    "OCOP 5 sao": "5-star OCOP",
    "Mới lên sàn": "New on the marketplace",
    "Quét mã QR, biết chè từ đâu": "Scan the QR code, see where the tea comes from",
    "Cơ sở tiêu biểu": "Producers to know",
    "Tin mới": "Latest news",
}
ENGLISH_TEXTS = {
    "hero": (
        "From the Tân Cương and La Bằng tea hills to your kitchen, every pack carries a QR code "
        "that tells where it comes from.",
        "Tết gifts",
    ),
    "scan_to_trace": (
        "<p>Every lot sold here is declared with its growing area, its picking day and its "
        "processing steps.</p>",
        [
            "Open your phone's camera and point it at the QR code on the pack.",
            "See the producer, the tea hill, the picking and roasting days of that very lot.",
            "Something looks wrong? Report a suspected fake right on the page.",
        ],
    ),
}
ENGLISH_ABOUT = (
    "About the marketplace",
    "The Thái Nguyên OCOP Marketplace is where the province's companies, cooperatives and "
    "household producers sell their own specialities directly, each product with a QR code "
    "that traces its origin.",
    "<p>The marketplace is run by the Thái Nguyên Department of Industry and Trade, to bring "
    "Tân Cương, La Bằng and Trại Cài tea and the province's other OCOP products to buyers "
    "without layers of middlemen.</p><p>Every seller is vetted by the Department and every "
    "OCOP star shown rests on a recognition decision that is still valid. When you buy, you "
    "know who made the product, on which hill it grew and on which day it was picked.</p>",
)


def _english(home: HomePage, about: ContentPage) -> None:
    """The home and "about" pages in English, as an editor would translate them: copied into
    the English locale (Wagtail's built-in i18n), then their words replaced and published."""
    english = Locale.objects.filter(language_code="en").first()
    if english is None or home.get_translation_or_none(english) is not None:
        return
    home_en = home.copy_for_translation(english).specific
    home_en.title = ENGLISH_HOME_TITLE
    home_en.seo_title = "Thái Nguyên OCOP Marketplace – specialities and genuine tea"
    home_en.search_description = (
        "OCOP products and Thái Nguyên tea from the province's producers, each traced by QR code."
    )
    for block in home_en.body:
        value = block.value
        if "heading" in value:
            value["heading"] = ENGLISH_HEADINGS.get(value["heading"], value["heading"])
        if block.block_type == "hero":
            value["text"], value["cta_label"] = ENGLISH_TEXTS["hero"]
        if block.block_type == "scan_to_trace":
            text, steps = ENGLISH_TEXTS["scan_to_trace"]
            value["text"] = RichText(text)
            value["steps"] = steps
    home_en.save_revision().publish()
    about_en = about.copy_for_translation(english).specific
    about_en.title, about_en.intro, body = ENGLISH_ABOUT
    about_en.body = [("rich_text", RichText(body))]
    about_en.save_revision().publish()


_NEWS_INTRO = "Tin về chè, sản phẩm OCOP và hoạt động của sàn thương mại điện tử tỉnh."
_STORIES_INTRO = "Những người làm ra chè và đặc sản Thái Nguyên kể chuyện nghề của mình."


def _link(label: str, *, page: Page | None = None, url: str = "") -> tuple[str, dict[str, Any]]:
    return ("link", {"label": label, "page": page, "url": url})


def _child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Any:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    return parent.add_child(instance=model(slug=slug, **fields))


def _content_page(home: HomePage, slug: str, title: str, intro: str, body: str) -> ContentPage:
    return _child(home, ContentPage, slug, title=title, intro=intro, body=[("rich_text", body)])


@dataclass(frozen=True)
class Picture:
    image: Any
    alt: str


NO_PICTURE = Picture(None, "")


def _pictures() -> list[Picture]:
    """Images of the demo catalogue with a description, for news and banners."""
    rows = ProductImage.objects.select_related("image").exclude(alt_text="").order_by("image_id")
    seen: dict[int, Picture] = {}
    for row in rows[:40]:
        seen.setdefault(row.image_id, Picture(row.image, row.alt_text))
    return list(seen.values())[:6]


def _news(
    index: NewsIndexPage,
    slug: str,
    title: str,
    intro: str,
    body: str,
    tags: list[str],
    picture: Picture,
    n: int,
) -> None:
    if NewsPage.objects.child_of(index).filter(slug=slug).exists():
        return
    page = NewsPage(
        slug=slug,
        title=title,
        intro=intro,
        body=[("rich_text", body)],
        author="Ban biên tập sàn",
        date=timezone.localdate() - datetime.timedelta(days=3 + 9 * n),
        image=picture.image,
        image_alt=picture.alt,
    )
    index.add_child(instance=page)
    page.tags.add(*tags)
    page.save_revision().publish()


def _story(
    index: StoryIndexPage,
    enterprise: Enterprise,
    title: str,
    intro: str,
    body: str,
    picture: Picture,
    n: int,
) -> None:
    slug = f"cau-chuyen-{enterprise.slug}"[:255]
    if EnterpriseStoryPage.objects.child_of(index).filter(slug=slug).exists():
        return
    index.add_child(
        instance=EnterpriseStoryPage(
            slug=slug,
            title=f"{enterprise.name}: {title.lower()}",
            intro=intro,
            body=[("rich_text", body)],
            author="Ban biên tập sàn",
            date=timezone.localdate() - datetime.timedelta(days=5 + 11 * n),
            enterprise=enterprise,
            image=picture.image,
            image_alt=picture.alt,
        )
    )


def _campaign(home: HomePage, picture: Picture) -> CampaignPage:
    existing = CampaignPage.objects.child_of(home).filter(slug="qua-tet").first()
    if existing is not None:
        return existing
    now = timezone.now()
    page = CampaignPage(
        slug="qua-tet",
        title="Quà Tết chè Thái",
        intro="Hộp quà chè Tân Cương, mật ong và đặc sản OCOP cho mùa Tết, giao tận nhà.",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=60),
        image=picture.image,
        image_alt=picture.alt,
        body=[
            (
                "rich_text",
                "<p>Mỗi hộp quà đều có tem QR truy xuất để người nhận biết chè được hái ở "
                "đồi nào, sao ngày nào. Đặt trước ngày 20 tháng Chạp để kịp giao trước Tết.</p>",
            )
        ],
    )
    products = storefront_products(CatalogueFilters(min_stars=4, sort="best_selling"))[:8]
    page.campaign_products = [
        CampaignProduct(product=product, sort_order=n) for n, product in enumerate(products)
    ] or [
        CampaignProduct(product=product, sort_order=n)
        for n, product in enumerate(storefront_products()[:8])
    ]
    return home.add_child(instance=page)


def _home_blocks(home: HomePage, picture: Picture, campaign: CampaignPage) -> None:
    if home.body:
        return
    enterprises = list(Enterprise.objects.approved().order_by("pk")[:4])
    picked = list(Product.objects.on_storefront().order_by("-sold_count", "pk")[:4])
    home.body = [
        (
            "hero",
            {
                "heading": "Chè Thái Nguyên và đặc sản OCOP, mua tận gốc",
                "text": "Từ đồi chè Tân Cương, La Bằng đến bếp nhà bạn, mỗi gói đều có mã QR "
                "cho biết nguồn gốc.",
                "image": picture.image,
                "image_alt": picture.alt,
                "cta_label": "Xem quà Tết",
                "cta_page": campaign,
                "cta_url": "",
            },
        ),
        (
            "featured_products",
            {"heading": "Được mua nhiều", "rule": "picked", "products": picked, "count": 4},
        ),
        ("category_grid", {"heading": "Danh mục"}),
        (
            "featured_products",
            {"heading": "OCOP 5 sao", "rule": "ocop5", "products": [], "count": 4},
        ),
        (
            "featured_products",
            {"heading": "Mới lên sàn", "rule": "newest", "products": [], "count": 4},
        ),
        (
            "scan_to_trace",
            {
                "heading": "Quét mã QR, biết chè từ đâu",
                "text": "<p>Mỗi lô hàng trên sàn được khai báo vùng trồng, ngày thu hái và "
                "các bước chế biến.</p>",
                "steps": [
                    "Mở camera điện thoại, hướng vào mã QR trên bao bì.",
                    "Xem tên cơ sở, đồi chè, ngày hái và ngày sao của đúng lô hàng.",
                    "Thấy điều gì bất thường? Bấm báo nghi hàng giả ngay trên trang.",
                ],
            },
        ),
        ("featured_enterprises", {"heading": "Cơ sở tiêu biểu", "enterprises": enterprises}),
        ("news_teaser", {"heading": "Tin mới", "count": 3}),
    ]
    home.save_revision().publish()
