"""The demo catalogue's data: curated products of the curated demo enterprises, and the words
generated products are made of.

Products, prices and stories are written for this project; the places are real wards of Thái
Nguyên (Bắc Kạn's joined it in July 2025). Enterprises are referred to by their index in
`marketplace.demo.CURATED`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from marketplace.models import Product


class DemoVariant(NamedTuple):
    name: str
    price_vnd: int
    weight_g: int  # shipping weight, packaging included
    stock: int


@dataclass(frozen=True)
class DemoOcop:
    stars: int
    days_left: int  # from the day of seeding to expiry; negative when already expired
    revoked_reason: str = ""


@dataclass(frozen=True)
class DemoProduct:
    enterprise: int
    slug: str
    name: str
    stem: str  # the kind of product, without place or grade, for generated names
    category: str  # a slug of marketplace.categories.DEFAULT_TREE
    ward_code: int
    pictures: tuple[str, ...]  # keys of marketplace.demo_images.PICTURES; the first is the main
    description: tuple[str, ...]  # paragraphs
    variants: tuple[DemoVariant, ...]
    status: str = Product.Status.PUBLISHED
    ocop: DemoOcop | None = None
    has_gtin: bool = False
    review_reason: str = ""


V = DemoVariant
S = Product.Status

TEA = "che-thai-nguyen"
HONEY = "mat-ong"
NOODLES = "mien-dong-bun-banh"
RICE = "gao-nep-nong-san"
WINE = "ruou-truyen-thong"
HERBS = "duoc-lieu"
CRAFTS = "thu-cong-my-nghe"
TOURISM = "du-lich"

CURATED_PRODUCTS = [
    DemoProduct(
        enterprise=0,
        slug="che-moc-cau-tan-cuong-dac-biet",
        name="Chè móc câu Tân Cương đặc biệt",
        stem="Chè móc câu",
        category=TEA,
        ward_code=5503,
        pictures=("tea-bud", "tea-cup", "tea-hills"),
        description=(
            "Búp chè một tôm hai lá hái buổi sớm trên đồi Tân Cương, sao bằng chảo gang "
            "nên cánh chè xoăn nhỏ như móc câu.",
            "Nước xanh vàng, hương cốm non, vị chát dịu rồi ngọt hậu. Pha nước 85°C, "
            "tráng chè một lần rồi hãm 2–3 phút.",
        ),
        variants=(
            V("Hộp 100g", 180_000, 160, 40),
            V("Hộp 200g", 340_000, 280, 25),
            V("Túi 500g", 780_000, 540, 12),
        ),
        ocop=DemoOcop(4, 820),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=0,
        slug="che-non-tom-tan-cuong",
        name="Chè nõn tôm Tân Cương",
        stem="Chè nõn tôm",
        category=TEA,
        ward_code=5503,
        pictures=("tea-bud", "tea-box"),
        description=(
            "Chỉ hái phần tôm non nhất của búp chè vụ xuân, cần gần một vạn búp cho một "
            "lạng chè khô.",
            "Hương thơm thanh, nước vàng trong, hợp làm quà biếu dịp Tết.",
        ),
        variants=(V("Hộp 100g", 450_000, 180, 15), V("Hộp thiếc 200g", 880_000, 320, 8)),
        ocop=DemoOcop(5, 12),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=0,
        slug="che-dinh-tan-cuong-hop-go",
        name="Chè đinh Tân Cương hộp gỗ",
        stem="Chè đinh",
        category=TEA,
        ward_code=5488,
        pictures=("tea-box", "tea-cup"),
        description=(
            "Loại chè quý nhất của Tân Cương: chỉ lấy phần nõn chè nhỏ như chiếc đinh, sao "
            "tay từng mẻ nhỏ.",
            "Đóng hộp gỗ khắc tên vùng chè, kèm giấy giới thiệu cách pha.",
        ),
        variants=(V("Hộp gỗ 100g", 1_200_000, 420, 6),),
        ocop=DemoOcop(4, 60),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=0,
        slug="tra-xanh-tui-loc-tan-cuong",
        name="Trà xanh túi lọc Tân Cương",
        stem="Trà xanh túi lọc",
        category=TEA,
        ward_code=5503,
        pictures=("tea-bags",),
        description=("Chè xanh Tân Cương nghiền vừa, đóng túi lọc 2g tiện pha ở văn phòng.",),
        variants=(V("Hộp 25 túi", 65_000, 90, 60), V("Hộp 50 túi", 120_000, 160, 40)),
        status=S.PENDING_REVIEW,
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=0,
        slug="trai-nghiem-hai-che-tan-cuong",
        name="Trải nghiệm hái và sao chè Tân Cương",
        stem="Trải nghiệm hái chè",
        category=TOURISM,
        ward_code=5503,
        pictures=("tea-hills", "tea-bud"),
        description=(
            "Nửa ngày cùng các hộ trong hợp tác xã: hái búp chè trên đồi, học sao chè bằng "
            "chảo gang và thưởng thức mẻ chè của chính mình.",
            "Mang theo mũ nón; hợp tác xã chuẩn bị găng tay và giỏ hái.",
        ),
        variants=(V("Vé người lớn", 150_000, 0, 30), V("Vé trẻ em", 90_000, 0, 20)),
    ),
    DemoProduct(
        enterprise=1,
        slug="che-xanh-la-bang",
        name="Chè xanh La Bằng",
        stem="Chè xanh",
        category=TEA,
        ward_code=5818,
        pictures=("tea-bud", "tea-hills"),
        description=("Chè trồng dưới chân núi Tam Đảo theo quy trình VietGAP, nước xanh, vị đậm.",),
        variants=(V("Gói 200g", 160_000, 240, 80), V("Hộp 500g", 380_000, 560, 30)),
        ocop=DemoOcop(4, 540),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=1,
        slug="tra-tui-loc-la-bang",
        name="Trà túi lọc La Bằng",
        stem="Trà túi lọc",
        category=TEA,
        ward_code=5818,
        pictures=("tea-bags",),
        description=("Trà xanh túi lọc, mỗi túi 2g, pha nhanh trong 3 phút.",),
        variants=(V("Hộp 20 túi", 55_000, 80, 120),),
        ocop=DemoOcop(3, -20),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=1,
        slug="bot-tra-xanh-la-bang",
        name="Bột trà xanh La Bằng",
        stem="Bột trà xanh",
        category=TEA,
        ward_code=5818,
        pictures=("matcha",),
        description=(
            "Lá chè non được che nắng trước khi hái, hấp, sấy và xay mịn bằng cối đá.",
            "Dùng pha trà, làm bánh và kem.",
        ),
        variants=(V("Hộp 50g", 150_000, 90, 35), V("Túi 100g", 270_000, 130, 20)),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=1,
        slug="che-moc-cau-la-bang-hop-qua",
        name="Chè móc câu La Bằng hộp quà",
        stem="Chè móc câu hộp quà",
        category=TEA,
        ward_code=5851,
        pictures=("tea-box", "tea-cup"),
        description=("Hai hộp chè móc câu 100g trong hộp quà sơn mài, kèm túi giấy.",),
        variants=(V("Hộp quà 2 × 100g", 420_000, 650, 18),),
        ocop=DemoOcop(4, 25),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=1,
        slug="tra-xanh-tui-loc-huong-nhai",
        name="Trà xanh túi lọc hương nhài",
        stem="Trà xanh hương nhài",
        category=TEA,
        ward_code=5818,
        pictures=("tea-bags",),
        description=("Trà xanh ướp hoa nhài tươi, đóng túi lọc.",),
        variants=(V("Hộp 20 túi", 60_000, 80, 50),),
        status=S.REJECTED,
        review_reason="Nhãn chưa ghi hạn sử dụng và số tự công bố sản phẩm; bổ sung ảnh nhãn mới.",
    ),
    DemoProduct(
        enterprise=2,
        slug="che-bup-phu-luong-sao-tay",
        name="Chè búp Phú Lương sao tay",
        stem="Chè búp sao tay",
        category=TEA,
        ward_code=5611,
        pictures=("tea-bud", "tea-cup"),
        description=(
            "Bà Tư tự tay vò và sao từng mẻ chè trên bếp củi, giữ lửa đều để chè thơm cốm.",
        ),
        variants=(V("Túi 200g", 120_000, 230, 30), V("Túi 500g", 280_000, 540, 15)),
        ocop=DemoOcop(3, 700),
    ),
    DemoProduct(
        enterprise=2,
        slug="che-khe-coc-phu-luong",
        name="Chè Khe Cốc Phú Lương",
        stem="Chè Khe Cốc",
        category=TEA,
        ward_code=5611,
        pictures=("tea-bud",),
        description=("Chè vùng Khe Cốc, cánh to, nước đậm, hợp người thích vị chát.",),
        variants=(V("Túi 500g", 250_000, 540, 20),),
        status=S.DRAFT,
    ),
    DemoProduct(
        enterprise=3,
        slug="mat-ong-hoa-rung-vo-nhai",
        name="Mật ong hoa rừng Võ Nhai",
        stem="Mật ong hoa rừng",
        category=HONEY,
        ward_code=5716,
        pictures=("honey-jar", "honeycomb"),
        description=(
            "Mật của những đàn ong nuôi dưới tán rừng núi đá vôi, quay mật một lần mỗi vụ.",
            "Mật đặc, màu hổ phách, có thể kết tinh khi trời lạnh: đó là mật thật.",
        ),
        variants=(V("Chai 350ml", 180_000, 600, 45), V("Chai 700ml", 340_000, 1_100, 25)),
        ocop=DemoOcop(3, 380),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=3,
        slug="mat-ong-nguyen-sap-than-sa",
        name="Mật ong nguyên sáp Thần Sa",
        stem="Mật ong nguyên sáp",
        category=HONEY,
        ward_code=5725,
        pictures=("honeycomb", "honey-jar"),
        description=("Bánh sáp cắt nguyên từ tổ, ăn cả sáp hoặc ép lấy mật.",),
        variants=(V("Hộp 500g", 320_000, 650, 10),),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=4,
        slug="gao-bao-thai-dinh-hoa",
        name="Gạo Bao thai Định Hóa",
        stem="Gạo Bao thai",
        category=RICE,
        ward_code=5569,
        pictures=("rice-bag", "rice"),
        description=(
            "Giống lúa Bao thai trồng trên ruộng bậc thang An toàn khu, hạt nhỏ, cơm dẻo và "
            "thơm, để nguội không cứng.",
        ),
        variants=(
            V("Túi 2kg", 70_000, 2_050, 200),
            V("Túi 5kg", 165_000, 5_100, 120),
            V("Bao 10kg", 320_000, 10_200, 60),
        ),
        ocop=DemoOcop(3, 450),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=4,
        slug="com-lam-atk-dinh-hoa",
        name="Cơm lam ATK Định Hóa",
        stem="Cơm lam",
        category=RICE,
        ward_code=5563,
        pictures=("com-lam",),
        description=(
            "Gạo nếp nương ngâm nước suối, nhồi vào ống nứa non và nướng trên than hồng. "
            "Bảo quản ngăn mát 5 ngày.",
        ),
        variants=(V("Túi 5 ống", 100_000, 1_500, 40),),
        status=S.PENDING_REVIEW,
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=5,
        slug="mien-dong-dinh-hoa",
        name="Miến dong Định Hóa",
        stem="Miến dong",
        category=NOODLES,
        ward_code=5569,
        pictures=("noodles",),
        description=(
            "Làm từ tinh bột củ dong riềng trồng tại xã, tráng, phơi nắng và cắt sợi thủ công, "
            "không chất tẩy trắng.",
            "Sợi dai, nấu không nát; ngâm nước lạnh 10 phút trước khi nấu.",
        ),
        variants=(V("Túi 500g", 60_000, 540, 90), V("Túi 1kg", 115_000, 1_050, 50)),
        ocop=DemoOcop(3, -150),
    ),
    DemoProduct(
        enterprise=5,
        slug="mien-dong-soi-nho-co-hoa",
        name="Miến dong sợi nhỏ Cô Hoa",
        stem="Miến dong sợi nhỏ",
        category=NOODLES,
        ward_code=5569,
        pictures=("noodles",),
        description=("Sợi nhỏ hơn, hợp xào và nấu lẩu.",),
        variants=(V("Túi 300g", 40_000, 330, 70),),
    ),
    DemoProduct(
        enterprise=6,
        slug="che-xanh-dai-tu-vietgap",
        name="Chè xanh Đại Từ VietGAP",
        stem="Chè xanh VietGAP",
        category=TEA,
        ward_code=5830,
        pictures=("tea-bud", "tea-hills"),
        description=("Chè của các tổ hợp tác trong hợp tác xã, ghi chép nhật ký đồng ruộng.",),
        variants=(V("Túi 200g", 110_000, 230, 60), V("Túi 500g", 260_000, 540, 40)),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=6,
        slug="nam-huong-rung-dai-tu",
        name="Nấm hương rừng Đại Từ",
        stem="Nấm hương",
        category=RICE,
        ward_code=5773,
        pictures=("mushroom",),
        description=("Nấm hương trồng trên gỗ rừng, sấy than hoa, mũ dày và thơm.",),
        variants=(V("Túi 200g", 95_000, 230, 40), V("Túi 500g", 220_000, 540, 20)),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=6,
        slug="che-bup-quan-chu",
        name="Chè búp Quân Chu",
        stem="Chè búp",
        category=TEA,
        ward_code=5851,
        pictures=("tea-bud", "tea-cup"),
        description=("Chè búp từ những nương chè lâu năm của xã Quân Chu.",),
        variants=(V("Túi 200g", 130_000, 230, 25), V("Hộp 300g", 220_000, 380, 15)),
        ocop=DemoOcop(3, 45),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=7,
        slug="tra-giao-co-lam-nui-phao",
        name="Trà giảo cổ lam Núi Pháo",
        stem="Trà giảo cổ lam",
        category=HERBS,
        ward_code=5818,
        pictures=("herbs",),
        description=(
            "Cây giảo cổ lam trồng dưới tán rừng, phơi âm can và sao nhẹ.",
            "Sản phẩm này không phải là thuốc, không có tác dụng thay thế thuốc chữa bệnh.",
        ),
        variants=(V("Hộp 30 túi", 90_000, 150, 55), V("Túi 500g", 180_000, 540, 25)),
        ocop=DemoOcop(3, 300),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=7,
        slug="tinh-bot-nghe-dai-tu",
        name="Tinh bột nghệ Đại Từ",
        stem="Tinh bột nghệ",
        category=HERBS,
        ward_code=5830,
        pictures=("herbs",),
        description=("Củ nghệ vàng xay, lọc lấy tinh bột và sấy lạnh, mịn và thơm.",),
        variants=(V("Hũ 200g", 150_000, 300, 30), V("Hũ 500g", 350_000, 650, 12)),
        ocop=DemoOcop(3, 520, "Không duy trì chất lượng sản phẩm như hồ sơ đã được đánh giá."),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=8,
        slug="bo-am-chen-gom-men-lam",
        name="Bộ ấm chén gốm men lam",
        stem="Bộ ấm chén gốm",
        category=CRAFTS,
        ward_code=5860,
        pictures=("teapot",),
        description=(
            "Ấm và chén nặn tay, vẽ men lam, nung củi hai ngày. Mỗi bộ một vẻ, không bộ nào "
            "giống hệt bộ nào.",
        ),
        variants=(V("Bộ 1 ấm 6 chén", 650_000, 1_800, 8),),
        ocop=DemoOcop(3, 260),
    ),
    DemoProduct(
        enterprise=8,
        slug="bo-chen-tong-gom-nung-cui",
        name="Bộ chén tống gốm nung củi",
        stem="Bộ chén tống gốm",
        category=CRAFTS,
        ward_code=5857,
        pictures=("teapot",),
        description=("Chén tống và bốn chén quân, men tro tự nhiên.",),
        variants=(V("Bộ 5 món", 320_000, 1_100, 10),),
        status=S.PENDING_REVIEW,
    ),
    DemoProduct(
        enterprise=9,
        slug="banh-chung-bo-dau",
        name="Bánh chưng Bờ Đậu",
        stem="Bánh chưng",
        category=NOODLES,
        ward_code=5611,
        pictures=("banh-chung",),
        description=(
            "Nếp cái hoa vàng, đỗ xanh và thịt lợn ba chỉ gói trong lá dong, luộc mười giờ.",
            "Bánh luộc trong ngày, giao trong tỉnh Thái Nguyên và Hà Nội.",
        ),
        variants=(V("Chiếc 1kg", 70_000, 1_100, 60), V("Cặp 2 chiếc", 135_000, 2_200, 30)),
        ocop=DemoOcop(3, 610),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=9,
        slug="banh-chung-nep-cam-bo-dau",
        name="Bánh chưng nếp cẩm Bờ Đậu",
        stem="Bánh chưng nếp cẩm",
        category=NOODLES,
        ward_code=5611,
        pictures=("banh-chung",),
        description=("Vỏ bánh nếp cẩm tím, nhân đỗ xanh thịt mỡ.",),
        variants=(V("Chiếc 800g", 80_000, 900, 40),),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=10,
        slug="hong-khong-hat-bang-van",
        name="Hồng không hạt Bằng Vân",
        stem="Hồng không hạt",
        category=RICE,
        ward_code=1942,
        pictures=("persimmon",),
        description=("Hồng giòn, ngọt mát, không hạt; thu hái từ tháng Chín đến tháng Mười một.",),
        variants=(V("Thùng 3kg", 240_000, 3_300, 50), V("Thùng 5kg", 380_000, 5_400, 30)),
        ocop=DemoOcop(4, 400),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=10,
        slug="mien-dong-na-ri",
        name="Miến dong Na Rì",
        stem="Miến dong",
        category=NOODLES,
        ward_code=2155,
        pictures=("noodles",),
        description=("Miến dong từ vùng dong riềng Na Rì, sợi vàng trong, dai và không gãy.",),
        variants=(V("Túi 500g", 75_000, 540, 80), V("Túi 1kg", 140_000, 1_050, 40)),
        ocop=DemoOcop(4, 250),
        has_gtin=True,
    ),
    DemoProduct(
        enterprise=11,
        slug="gao-nep-cai-hoa-vang-phu-binh",
        name="Gạo nếp cái hoa vàng Phú Bình",
        stem="Gạo nếp cái hoa vàng",
        category=RICE,
        ward_code=5908,
        pictures=("rice", "rice-bag"),
        description=("Nếp hạt tròn, đồ xôi dẻo thơm, gói bánh chưng ngày Tết.",),
        variants=(V("Túi 2kg", 90_000, 2_050, 100), V("Túi 5kg", 210_000, 5_100, 40)),
        status=S.DRAFT,
    ),
    DemoProduct(
        enterprise=11,
        slug="ruou-nep-cai-hoa-vang-phu-binh",
        name="Rượu nếp cái hoa vàng Phú Bình",
        stem="Rượu nếp",
        category=WINE,
        ward_code=5917,
        pictures=("wine",),
        description=(
            "Rượu nấu từ nếp cái hoa vàng với men lá, hạ thổ ba tháng. Nồng độ 40% vol.",
            "Không bán cho người dưới 18 tuổi.",
        ),
        variants=(V("Chai 500ml", 90_000, 900, 60), V("Bình 2 lít", 320_000, 2_600, 15)),
        status=S.DRAFT,
    ),
]

# Words that make generated names from a curated product's stem, by category.
GRADES = {
    TEA: ["đặc biệt", "thượng hạng", "loại 1", "vụ xuân", "vụ thu", "hữu cơ", "búp non"],
    HONEY: ["nguyên chất", "vụ xuân", "vụ hè", "loại 1", "thượng hạng"],
    NOODLES: ["truyền thống", "loại 1", "đặc biệt", "gia truyền", "làm tay"],
    RICE: ["vụ mùa", "hữu cơ", "loại 1", "đặc biệt", "mới thu hoạch"],
    WINE: ["hạ thổ", "men lá", "loại 1", "đặc biệt"],
    HERBS: ["loại 1", "sấy lạnh", "nguyên chất", "hữu cơ"],
    CRAFTS: ["men lam", "men tro", "vẽ tay", "nung củi"],
    TOURISM: ["nửa ngày", "cả ngày", "cuối tuần"],
}

# The first paragraph of a generated product's description, by category.
BLURBS = {
    TEA: "Chè hái một tôm hai lá, sao và vò theo cách truyền thống của vùng chè Thái Nguyên.",
    HONEY: "Mật ong quay từ những đàn ong nuôi dưới tán rừng, không pha đường, không cô đặc.",
    NOODLES: "Làm thủ công từ nguyên liệu của địa phương, không chất bảo quản.",
    RICE: "Nông sản của vùng núi Thái Nguyên, thu hái đúng vụ và đóng gói tại cơ sở.",
    WINE: "Rượu nấu thủ công với men lá, để lâu cho êm. Không bán cho người dưới 18 tuổi.",
    HERBS: "Dược liệu trồng dưới tán rừng, sơ chế và sấy tại cơ sở. Không phải là thuốc.",
    CRAFTS: "Đồ thủ công làm tay tại cơ sở, mỗi sản phẩm một vẻ riêng.",
    TOURISM: "Trải nghiệm cùng người làm chè và làm nông ở Thái Nguyên, có người dẫn đường.",
}

# Wards of one former district: a generated product may come from a ward near its enterprise.
AREAS = [
    (5503, 5488, 5500, 5467),  # around Tân Cương
    (5818, 5830, 5773, 5776, 5794, 5800, 5809, 5845, 5851),  # Đại Từ
    (5611, 5620, 5632, 5641),  # Phú Lương
    (5569, 5542, 5551, 5563, 5581, 5587, 5602, 5605),  # Định Hóa
    (5716, 5719, 5722, 5725, 5740, 5746, 5755),  # Võ Nhai
    (5692, 5662, 5665, 5674, 5680, 5707, 5710),  # Đồng Hỷ
    (5860, 5857, 5881, 5890, 5899),  # Phổ Yên
    (5908, 5917, 5923, 5941, 5953),  # Phú Bình
    (1843, 1840, 1849, 2008, 2014),  # former Bắc Kạn town and Bạch Thông
]

# What a generated enterprise sells, from the trade in its name (marketplace.demo).
TRADE_CATEGORIES = {
    "Chè": (TEA,),
    "Mật Ong": (HONEY,),
    "Miến Dong": (NOODLES,),
    "Nông Sản": (RICE, NOODLES),
    "Dược Liệu": (HERBS,),
    "Gạo": (RICE,),
    "Nấm": (RICE,),
    "Đặc Sản": (TEA, HONEY, NOODLES, RICE, WINE, CRAFTS),
}


def nearby_wards(ward_code: int) -> tuple[int, ...]:
    """The wards of the demo area holding `ward_code` (just that ward when it is in none)."""
    return next((area for area in AREAS if ward_code in area), (ward_code,))
