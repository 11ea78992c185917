"""Demo pictures: flat illustrations drawn with Pillow, stored once as Wagtail images.

No network and no bundled assets: each picture is drawn from a few shapes (a tea bud, a honey
jar, an ear of rice...) at twice its size and scaled down for smooth edges. They carry no text, so
one picture serves every product of its kind. Idempotent: images are found by title.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from PIL import ImageColor, ImageDraw
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

SIZE = 800
SCALE = 2  # drawn at 1600×1600, scaled down: Pillow's shapes have no anti-aliasing
CANVAS = SIZE * SCALE
CENTRE = CANVAS // 2

Point = tuple[float, float]
Painter = Callable[[ImageDraw.ImageDraw], None]

TEA_GREEN = "#4d8c3a"
TEA_DARK = "#2f6b2a"
TEA_LIGHT = "#8cc063"
HONEY = "#e9a23b"
HONEY_DARK = "#b8731c"
STRAW = "#d8b45a"
CLAY = "#9c5b34"
PORCELAIN = "#f7f4ec"
COBALT = "#2e5c9a"


@dataclass(frozen=True)
class DemoPicture:
    key: str
    subject: str  # what it shows, for the image's title
    alt: str
    background: str
    paint: Painter
    clip: bool = False  # keep the drawing inside the round plate

    @property
    def title(self) -> str:
        return f"Ảnh mẫu: {self.subject}"

    @property
    def plate(self) -> tuple[int, int, int]:
        """The background colour halfway to white."""
        red, green, blue = ImageColor.getrgb(self.background)[:3]
        return ((red + 255) // 2, (green + 255) // 2, (blue + 255) // 2)


def _rotate(points: Sequence[Point], angle: float, origin: Point) -> list[Point]:
    cos, sin = math.cos(angle), math.sin(angle)
    ox, oy = origin
    return [(ox + x * cos - y * sin, oy + x * sin + y * cos) for x, y in points]


def _leaf(
    draw: ImageDraw.ImageDraw,
    base: Point,
    length: float,
    width: float,
    degrees: float,
    fill: str,
    vein: str | None = None,
) -> None:
    """A pointed leaf growing from `base` in the direction `degrees` (0 = right, 90 = down)."""
    steps = 40
    upper = [
        (length * t / steps, -width / 2 * math.sin(math.pi * t / steps) ** 0.8)
        for t in range(steps + 1)
    ]
    lower = [(x, -y) for x, y in reversed(upper)]
    angle = math.radians(degrees)
    draw.polygon(_rotate(upper + lower, angle, base), fill=fill)
    if vein:
        start, end = _rotate([(0, 0), (length * 0.92, 0)], angle, base)
        draw.line([start, end], fill=vein, width=8)


def _hexagon(
    draw: ImageDraw.ImageDraw,
    centre: Point,
    radius: float,
    fill: str,
    outline: str | None = None,
    width: int = 1,
) -> None:
    cx, cy = centre
    points = [
        (cx + radius * math.cos(math.radians(60 * i)), cy + radius * math.sin(math.radians(60 * i)))
        for i in range(6)
    ]
    draw.polygon(points, fill=fill, outline=outline, width=width)


def _steam(draw: ImageDraw.ImageDraw, x: float, top: float, bottom: float) -> None:
    points = [(x + 28 * math.sin((y - top) / 60), y) for y in range(int(top), int(bottom), 6)]
    draw.line(points, fill="#ffffff", width=14, joint="curve")


def _bowl(
    draw: ImageDraw.ImageDraw,
    top: float,
    width: float,
    depth: float,
    fill: str,
    centre_x: float = CENTRE,
) -> None:
    left, right = centre_x - width / 2, centre_x + width / 2
    draw.chord((left, top - depth, right, top + depth), 0, 180, fill=fill)


def paint_tea_bud(draw: ImageDraw.ImageDraw) -> None:
    stem = [(800, 1280), (790, 1000), (800, 620)]
    draw.line(stem, fill=TEA_DARK, width=22, joint="curve")
    _leaf(draw, (795, 1060), 430, 230, -150, TEA_GREEN, TEA_DARK)
    _leaf(draw, (800, 900), 400, 210, -30, TEA_GREEN, TEA_DARK)
    _leaf(draw, (800, 820), 330, 120, -96, TEA_LIGHT, TEA_GREEN)
    _leaf(draw, (800, 760), 200, 80, -70, "#b7dc8c")


def paint_tea_cup(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((420, 1040, 1180, 1200), fill="#d9cdb4")
    _bowl(draw, 860, 640, 300, PORCELAIN)
    draw.ellipse((480, 800, 1120, 920), fill="#c9b04a")
    draw.ellipse((520, 815, 1080, 905), fill="#d8c25a")
    for x in (680, 800, 920):
        _steam(draw, x, 420, 760)


def paint_tea_box(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle((480, 520, 1120, 1220), radius=40, fill="#2e6b3f")
    draw.rounded_rectangle((460, 470, 1140, 600), radius=30, fill="#245833")
    draw.rectangle((760, 470, 840, 1220), fill="#c8a24a")
    draw.ellipse((610, 760, 990, 1020), fill="#f2ead3")
    _leaf(draw, (660, 930), 300, 130, -30, TEA_GREEN, TEA_DARK)


def paint_tea_bags(draw: ImageDraw.ImageDraw) -> None:
    for dx, dy, angle in ((-220, 60, -12), (200, 0, 10)):
        bag = [(-170, -200), (170, -200), (170, 200), (-170, 200)]
        centre = (CENTRE + dx, CENTRE + 120 + dy)
        draw.polygon(_rotate(bag, math.radians(angle), centre), fill="#fbf6e9")
        inner = [(-120, -90), (120, -90), (120, 150), (-120, 150)]
        draw.polygon(_rotate(inner, math.radians(angle), centre), fill="#7a9a4a")
        top = _rotate([(0, -200), (30, -520)], math.radians(angle), centre)
        draw.line(top, fill="#8c7a5b", width=6)
        tag = [(-10, -520), (70, -520), (70, -440), (-10, -440)]
        draw.polygon(_rotate(tag, math.radians(angle), centre), fill="#c0392b")


def paint_matcha(draw: ImageDraw.ImageDraw) -> None:
    _bowl(draw, 820, 760, 380, "#3d3a36")
    draw.ellipse((420, 760, 1180, 880), fill="#7fb04a")
    draw.ellipse((540, 780, 1060, 860), fill="#9cc75e")
    # the bamboo whisk, leaning on the bowl
    draw.rounded_rectangle((1130, 360, 1190, 700), radius=24, fill="#d9c48f")
    for offset in range(-70, 71, 20):
        draw.line([(1160, 690), (1160 + offset, 880)], fill="#c2a96a", width=8)


def paint_tea_hills(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((1040, 330, 1240, 530), fill="#f4c95d")
    hills = ((1020, "#8cc063"), (1140, "#6aa84f"), (1260, "#4d8c3a"))
    for top, colour in hills:
        draw.ellipse((120, top - 220, 1480, top + 420), fill=colour)
        for row in range(4):
            y = top - 120 + row * 90
            draw.arc((220, y - 60, 1380, y + 240), 200, 340, fill=TEA_DARK, width=10)


def paint_honey_jar(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle((520, 560, 1080, 1260), radius=110, fill=HONEY)
    draw.rounded_rectangle((560, 620, 1040, 1210), radius=90, fill="#f2b84f")
    draw.rounded_rectangle((560, 440, 1040, 580), radius=30, fill=HONEY_DARK)
    draw.rectangle((520, 820, 1080, 1010), fill="#fbf1d6")
    _hexagon(draw, (800, 915), 70, fill=HONEY)
    draw.ellipse((640, 680, 700, 760), fill="#f8d58c")


def paint_honeycomb(draw: ImageDraw.ImageDraw) -> None:
    radius = 120
    for row in range(-3, 4):
        for col in range(-3, 4):
            x = CENTRE + col * radius * 1.5
            y = CENTRE + row * radius * math.sqrt(3) + (col % 2) * radius * math.sqrt(3) / 2
            if math.hypot(x - CENTRE, y - CENTRE) < 560:
                _hexagon(draw, (x, y), radius - 10, fill=HONEY, outline=HONEY_DARK, width=10)
    # a bee
    draw.ellipse((880, 560, 1080, 700), fill="#f4c430")
    for x in (930, 990):
        draw.rectangle((x, 560, x + 30, 700), fill="#3b2f2f")
    draw.ellipse((900, 470, 990, 590), fill="#e8f1f8")
    draw.ellipse((970, 480, 1060, 590), fill="#e8f1f8")


def paint_rice(draw: ImageDraw.ImageDraw) -> None:
    stalk = [(700, 1300), (760, 980), (880, 700), (1040, 520)]
    draw.line(stalk, fill="#9c8a3a", width=16, joint="curve")
    _leaf(draw, (720, 1180), 520, 70, -120, "#9fbf5a")
    for index in range(11):
        t = index / 10
        x = 760 + 280 * t
        y = 980 - 460 * t
        for side in (-1, 1):
            cx, cy = x + side * 60, y + 20
            draw.ellipse((cx - 32, cy - 52, cx + 32, cy + 52), fill=STRAW)


def paint_rice_bag(draw: ImageDraw.ImageDraw) -> None:
    sack = [(560, 560), (1040, 560), (1110, 1240), (490, 1240)]
    draw.polygon(sack, fill="#e9dcc0")
    draw.polygon([(600, 470), (1000, 470), (1040, 560), (560, 560)], fill="#d6c49c")
    draw.rectangle((560, 540, 1040, 590), fill="#8c6d3f")
    draw.rectangle((520, 820, 1080, 1000), fill="#c0392b")
    for x, y in ((500, 1300), (620, 1320), (980, 1310), (1100, 1290), (760, 1330)):
        draw.ellipse((x - 26, y - 16, x + 26, y + 16), fill=PORCELAIN)


def paint_noodles(draw: ImageDraw.ImageDraw) -> None:
    for strand in range(26):
        x = 560 + strand * 19
        points = [(x + 24 * math.sin(y / 38 + strand), y) for y in range(420, 1260, 10)]
        draw.line(points, fill="#b98b5e" if strand % 2 else "#caa07a", width=9, joint="curve")
    draw.rounded_rectangle((520, 780, 1100, 900), radius=30, fill="#c0392b")


def paint_banh_chung(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle((440, 440, 1160, 1160), radius=36, fill="#3f7d3a")
    draw.rounded_rectangle((480, 480, 1120, 1120), radius=24, fill="#5b9a46")
    for offset in (-170, 170):
        draw.rectangle((780 + offset, 400, 820 + offset, 1200), fill="#e8d9a8")
        draw.rectangle((400, 780 + offset, 1200, 820 + offset), fill="#e8d9a8")


def paint_com_lam(draw: ImageDraw.ImageDraw) -> None:
    for dx, dy in ((-180, 60), (40, -40), (240, 80)):
        tube = [(-90, -400), (90, -400), (90, 400), (-90, 400)]
        centre = (CENTRE + dx, CENTRE + dy)
        angle = math.radians(-28)
        draw.polygon(_rotate(tube, angle, centre), fill="#5e8c31")
        for node in (-200, 120):
            ring = [(-96, node), (96, node), (96, node + 26), (-96, node + 26)]
            draw.polygon(_rotate(ring, angle, centre), fill="#456b22")
        top = _rotate([(0, -400)], angle, centre)[0]
        draw.ellipse((top[0] - 92, top[1] - 50, top[0] + 92, top[1] + 50), fill="#f7f1e1")


def paint_wine(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((380, 620, 1020, 1260), fill=CLAY)
    draw.rectangle((580, 470, 820, 680), fill=CLAY)
    draw.ellipse((560, 440, 840, 510), fill="#7d4526")
    draw.rectangle((570, 400, 830, 450), fill="#c94f3d")
    draw.ellipse((500, 760, 680, 900), fill="#b8744a")
    _bowl(draw, 1160, 240, 110, PORCELAIN, centre_x=1160)
    draw.ellipse((1045, 1142, 1275, 1178), fill="#efe6c8")


def paint_persimmon(draw: ImageDraw.ImageDraw) -> None:
    for x, y, r in ((640, 900, 250), (1000, 960, 220), (820, 640, 200)):
        draw.ellipse((x - r, y - r * 0.9, x + r, y + r * 0.9), fill="#e8731f")
        draw.ellipse((x - r * 0.6, y - r * 0.7, x - r * 0.2, y - r * 0.4), fill="#f39a4c")
        for degrees in (0, 90, 180, 270):
            _leaf(draw, (x, y - r * 0.85), r * 0.45, r * 0.3, degrees + 45, "#5a7d2b")
        draw.ellipse((x - 22, y - r * 0.85 - 22, x + 22, y - r * 0.85 + 22), fill="#4a3b22")


def paint_mushroom(draw: ImageDraw.ImageDraw) -> None:
    for x, y, r in ((620, 860, 250), (1010, 960, 200)):
        draw.rounded_rectangle((x - r * 0.28, y, x + r * 0.28, y + r * 1.4), 30, fill="#efe2c4")
        draw.pieslice((x - r, y - r * 0.9, x + r, y + r * 0.7), 180, 360, fill="#7a4b2a")
        for dx, dy in ((-0.45, -0.35), (0.1, -0.55), (0.5, -0.25), (-0.1, -0.2)):
            cx, cy = x + dx * r, y + dy * r
            draw.ellipse((cx - 22, cy - 14, cx + 22, cy + 14), fill="#c9a27a")


def paint_herbs(draw: ImageDraw.ImageDraw) -> None:
    draw.line([(560, 1200), (700, 800), (760, 460)], fill="#4a6b2a", width=14, joint="curve")
    for y, side in ((1050, -1), (900, 1), (760, -1), (620, 1)):
        _leaf(draw, (650 + side * -10, y), 260, 110, -90 + side * 55, "#6f9c3d", "#4a6b2a")
    _bowl(draw, 1020, 460, 200, "#8a5a3b")
    draw.ellipse((790, 960, 1250, 1080), fill="#e5a823")


def paint_teapot(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((480, 560, 1040, 1080), fill=PORCELAIN)
    draw.ellipse((700, 470, 820, 560), fill=COBALT)
    draw.polygon([(1000, 760), (1220, 600), (1240, 640), (1030, 880)], fill=PORCELAIN)
    draw.arc((360, 640, 560, 940), 90, 270, fill=PORCELAIN, width=34)
    draw.arc((540, 660, 980, 980), 20, 160, fill=COBALT, width=18)
    for x in (520, 800, 1080):
        draw.chord((x - 110, 1040, x + 110, 1280), 0, 180, fill=PORCELAIN)
        draw.line([(x - 80, 1200), (x + 80, 1200)], fill=COBALT, width=10)


PICTURES = [
    DemoPicture("tea-bud", "búp chè", "Búp chè một tôm hai lá", "#dfeccd", paint_tea_bud),
    DemoPicture("tea-cup", "chén trà", "Chén trà xanh nước vàng sánh", "#c7dcb5", paint_tea_cup),
    DemoPicture("tea-box", "hộp chè", "Hộp chè xanh làm quà", "#e8e0c8", paint_tea_box),
    DemoPicture("tea-bags", "trà túi lọc", "Hai túi lọc trà xanh", "#d7e6cf", paint_tea_bags),
    DemoPicture("matcha", "bột trà xanh", "Bát bột trà xanh và chổi tre", "#e3ecd3", paint_matcha),
    DemoPicture(
        "tea-hills", "đồi chè", "Những luống chè trên đồi", "#cfe3f0", paint_tea_hills, clip=True
    ),
    DemoPicture("honey-jar", "hũ mật ong", "Hũ mật ong rừng", "#f6e6c4", paint_honey_jar),
    DemoPicture("honeycomb", "sáp ong", "Bánh sáp ong và chú ong", "#f3ddb0", paint_honeycomb),
    DemoPicture("rice", "bông lúa", "Bông lúa chín vàng", "#efe5c9", paint_rice),
    DemoPicture("rice-bag", "túi gạo", "Túi gạo và những hạt gạo", "#e4dcc9", paint_rice_bag),
    DemoPicture("noodles", "miến dong", "Bó miến dong buộc lạt đỏ", "#efe3d2", paint_noodles),
    DemoPicture("banh-chung", "bánh chưng", "Bánh chưng buộc lạt", "#efe6cf", paint_banh_chung),
    DemoPicture("com-lam", "cơm lam", "Ống cơm lam nướng", "#e9e2c6", paint_com_lam),
    DemoPicture("wine", "rượu", "Vò rượu gốm và chén nhỏ", "#eadccf", paint_wine),
    DemoPicture("persimmon", "hồng", "Ba quả hồng chín", "#f3e3cf", paint_persimmon),
    DemoPicture("mushroom", "nấm hương", "Nấm hương rừng", "#e7e0d4", paint_mushroom),
    DemoPicture("herbs", "dược liệu", "Cành lá thuốc và bát nghệ", "#e2e9d2", paint_herbs),
    DemoPicture("teapot", "ấm chén", "Ấm gốm men lam và ba chén", "#d9e2ee", paint_teapot),
]
PICTURES_BY_KEY = {picture.key: picture for picture in PICTURES}


@cache
def picture_bytes(key: str) -> bytes:
    """The PNG of a demo picture (drawn once per process)."""
    picture = PICTURES_BY_KEY[key]
    canvas = PillowImage.new("RGB", (CANVAS, CANVAS), picture.background)
    plate = (160, 160, CANVAS - 160, CANVAS - 160)
    ImageDraw.Draw(canvas).ellipse(plate, fill=picture.plate)
    if picture.clip:
        drawing = canvas.copy()
        picture.paint(ImageDraw.Draw(drawing))
        mask = PillowImage.new("L", canvas.size, 0)
        ImageDraw.Draw(mask).ellipse(plate, fill=255)
        canvas.paste(drawing, mask=mask)
    else:
        picture.paint(ImageDraw.Draw(canvas))
    small = canvas.resize((SIZE, SIZE), PillowImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.quantize(colors=96, method=PillowImage.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


def ensure_demo_pictures() -> dict[str, AbstractImage]:
    """Every demo picture as a Wagtail image, keyed by picture key (creates the missing ones)."""
    image_model = get_image_model()
    titles = {picture.title: picture for picture in PICTURES}
    found = {image.title: image for image in image_model.objects.filter(title__in=titles)}
    images: dict[str, AbstractImage] = {}
    for title, picture in titles.items():
        image = found.get(title)
        if image is None:
            image = image_model(
                title=title,
                description=picture.alt,
                file=ContentFile(picture_bytes(picture.key), name=f"demo-{picture.key}.png"),
            )
            image._set_image_file_metadata()  # size and hash, as Wagtail's upload form does
            image.save()
        images[picture.key] = image
    return images
