"""The demo catalogue at any size: the curated products first, then generated ones up to a count.

Idempotent and growable. A curated product is keyed by its slug; the i-th generated product by
the number its slug ends with ("…-17" is the 17th), so running again with the same count creates
nothing and a larger count creates only the missing products.

Built for 100,000 products: rows are written with `bulk_create` in batches, nothing is queried
per product, and each product's lowest price and stock are computed here (the values
`refresh_product_summary` would store). Each product gets the ProductEvent rows the review
machine writes on the way to its status (submitted by the enterprise's owner, then published or
rejected by the officer), stamped at seeding time; `published_at` is spread over the past year.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.html import format_html_join
from stdnum import ean
from tqdm import tqdm

from accounts.divisions import ward_name
from accounts.models import User
from marketplace.categories import ensure_default_categories
from marketplace.demo import CURATED, generated_trade
from marketplace.demo_catalogue import (
    BLURBS,
    CURATED_PRODUCTS,
    GRADES,
    TRADE_CATEGORIES,
    DemoProduct,
    nearby_wards,
)
from marketplace.demo_certificates import (
    CertificateScope,
    ocop_certificate,
    seed_enterprise_certificates,
)
from marketplace.demo_images import PICTURES_BY_KEY, ensure_demo_pictures
from marketplace.models import (
    Category,
    Enterprise,
    Membership,
    Product,
    ProductEvent,
    ProductImage,
    Variant,
)
from marketplace.search.text import both_spellings
from marketplace.services.catalogue import refresh_ocop_badges
from marketplace.slugs import vietnamese_slug
from traceability.models import Certificate

DEFAULT_PRODUCTS = 120  # the curated products plus about ninety generated ones
BATCH_SIZE = 2_000

Status = Product.Status
GENERATED_SEED = 20261123
GENERATED_SLUG = re.compile(r"-(\d+)$")
# Generated products' shares: statuses, barcodes, OCOP ratings (stars as in Thái Nguyên, 2025).
STATUS_WEIGHTS = {
    Status.PUBLISHED: 86,
    Status.PENDING_REVIEW: 8,
    Status.DRAFT: 4,
    Status.REJECTED: 2,
}
REJECTION_REASONS = [
    "Ảnh sản phẩm chưa rõ nhãn; chụp lại mặt trước và mặt sau bao bì.",
    "Thiếu số tự công bố sản phẩm trên nhãn.",
    "Giá niêm yết chưa khớp với quy cách đóng gói.",
]
GTIN_EVERY = 3  # one generated product in three carries barcodes
OCOP_SHARE = 0.3
STAR_WEIGHTS = {3: 78, 4: 20, 5: 2}
SOLD_OUT_SHARE = 0.06
OWN_WARD_SHARE = 0.6  # the rest come from a nearby ward
# GTIN-13: GS1 Vietnam's prefix 893, a fake company number 9xx per enterprise, a 6-digit item
# number unique among demo products (curated below 1,000), and the check digit.
GS1_VIETNAM = "893"
FIRST_GENERATED_ITEM = 1_000
ITEM_LIMIT = 1_000_000


@dataclass
class ProductRows:
    """The unsaved rows of one product; children point at `product` and get its id on save."""

    product: Product
    variants: list[Variant]
    ocop: Certificate | None = None
    certificate_ids: list[int] = field(default_factory=list)
    gallery: list[ProductImage] = field(default_factory=list)
    events: list[ProductEvent] = field(default_factory=list)


@dataclass(frozen=True)
class SeedContext:
    """What every product of one run is built from, loaded once before the first batch."""

    enterprises: Sequence[Enterprise]
    lines: list[list[DemoProduct]]  # by enterprise index: what each enterprise makes
    categories: dict[str, Category]
    picture_ids: dict[str, int]
    certificate_scopes: dict[int, list[CertificateScope]]
    owner_ids: dict[int, int]
    officer_id: int | None
    now: datetime.datetime
    today: datetime.date


def demo_gtin(*, enterprise_index: int, item: int) -> str:
    """A valid GTIN-13 for a demo variant (see GS1_VIETNAM)."""
    body = f"{GS1_VIETNAM}9{enterprise_index % 100:02d}{item:06d}"
    return body + ean.calc_check_digit(body)


def place_name(ward_code: int) -> str:
    """The ward's name without "Xã " or "Phường ", as a place appears in a product's name."""
    return ward_name(ward_code).removeprefix("Xã ").removeprefix("Phường ")


def curated_for(enterprises: Sequence[Enterprise]) -> list[tuple[int, DemoProduct]]:
    """The curated products (with their index) whose enterprise is among `enterprises`."""
    return [
        (index, item)
        for index, item in enumerate(CURATED_PRODUCTS)
        if item.enterprise < len(enterprises)
    ]


def product_lines(enterprise_index: int) -> list[DemoProduct]:
    """The curated products a demo enterprise's generated products are variations of: its own,
    or, for a generated enterprise, those of the trade in its name."""
    if enterprise_index < len(CURATED):
        return [item for item in CURATED_PRODUCTS if item.enterprise == enterprise_index]
    categories = TRADE_CATEGORIES[generated_trade(enterprise_index)]
    return [item for item in CURATED_PRODUCTS if item.category in categories]


def _paragraphs(paragraphs: Iterable[str]) -> str:
    return str(format_html_join("", "<p>{}</p>", ((text,) for text in paragraphs)))


def _product(
    context: SeedContext,
    *,
    enterprise: Enterprise,
    slug: str,
    name: str,
    template: DemoProduct,
    picture: str,
    ward_code: int,
    description: Iterable[str],
    status: str,
    review_reason: str,
    variants: list[Variant],
    rng: random.Random,
) -> Product:
    """An unsaved product with its summary columns computed from `variants`."""
    published = status == Status.PUBLISHED
    active = [variant for variant in variants if variant.is_active]
    product = Product(
        enterprise=enterprise,
        category=context.categories[template.category],
        name=name,
        search_text=both_spellings(name),
        slug=slug,
        description=_paragraphs(description),
        origin_ward_code=ward_code,
        main_image_id=context.picture_ids[picture],
        status=status,
        review_reason=review_reason,
        min_price_vnd=min((variant.price_vnd for variant in active), default=0),
        total_stock=sum(variant.stock for variant in active),
        sold_count=int(rng.expovariate(1 / 60)) if published else 0,
        published_at=(
            context.now - datetime.timedelta(seconds=rng.randint(3_600, 365 * 86_400))
            if published
            else None
        ),
    )
    for variant in variants:
        variant.product = product
    return product


def _history(context: SeedContext, product: Product) -> list[ProductEvent]:
    """The events the review machine writes on the way from draft to the product's status."""
    if product.status == Status.DRAFT:
        return []
    events = [
        ProductEvent(
            product=product,
            from_status=Status.DRAFT,
            to_status=Status.PENDING_REVIEW,
            actor_id=context.owner_ids.get(product.enterprise_id),
        )
    ]
    if product.status in (Status.PUBLISHED, Status.REJECTED):
        events.append(
            ProductEvent(
                product=product,
                from_status=Status.PENDING_REVIEW,
                to_status=product.status,
                reason=product.review_reason,
                actor_id=context.officer_id,
            )
        )
    return events


def _scoped_certificates(context: SeedContext, enterprise: Enterprise, category: str) -> list[int]:
    return [
        scope.certificate_id
        for scope in context.certificate_scopes.get(enterprise.pk, [])
        if category in scope.categories
    ]


def curated_rows(context: SeedContext, index: int, item: DemoProduct) -> ProductRows:
    """The rows of the index-th curated product, with its gallery and certificates."""
    rng = random.Random(item.slug)  # noqa: S311 - demo data, reproducible on purpose
    enterprise = context.enterprises[item.enterprise]
    initials = "".join(word[0] for word in item.slug.split("-")).upper()
    variants = [
        Variant(
            enterprise=enterprise,
            name=variant.name,
            sku=f"{initials}-{position + 1}",
            price_vnd=variant.price_vnd,
            stock=variant.stock,
            weight_g=variant.weight_g,
            gtin=(
                demo_gtin(enterprise_index=item.enterprise, item=index * 3 + position)
                if item.has_gtin
                else ""
            ),
            sort_order=position,
        )
        for position, variant in enumerate(item.variants)
    ]
    product = _product(
        context,
        enterprise=enterprise,
        slug=item.slug,
        name=item.name,
        template=item,
        picture=item.pictures[0],
        ward_code=item.ward_code,
        description=item.description,
        status=item.status,
        review_reason=item.review_reason,
        variants=variants,
        rng=rng,
    )
    ocop = None
    if item.ocop is not None:
        ocop = ocop_certificate(
            enterprise=enterprise,
            stars=item.ocop.stars,
            days_left=item.ocop.days_left,
            ward_code=item.ward_code,
            today=context.today,
            rng=rng,
        )
        if item.ocop.revoked_reason:
            ocop.revoked_at = context.now - datetime.timedelta(days=40)
            ocop.revoked_reason = item.ocop.revoked_reason
    gallery = [
        ProductImage(
            product=product,
            image_id=context.picture_ids[key],
            alt_text=PICTURES_BY_KEY[key].alt,
            sort_order=position,
        )
        for position, key in enumerate(item.pictures)
    ]
    return ProductRows(
        product=product,
        variants=variants,
        ocop=ocop,
        certificate_ids=_scoped_certificates(context, enterprise, item.category),
        gallery=gallery,
        events=_history(context, product),
    )


def generated_rows(context: SeedContext, index: int) -> ProductRows:
    """The rows of the index-th generated product: a variation of one of its enterprise's
    curated lines, with a place and a grade in its name. Depends only on `index` and the
    enterprises, never on how many products are made."""
    rng = random.Random(GENERATED_SEED + index)  # noqa: S311 - demo data, reproducible on purpose
    enterprise_index = index % len(context.enterprises)
    enterprise = context.enterprises[enterprise_index]
    template = rng.choice(context.lines[enterprise_index])
    ward_code = enterprise.ward_code
    if rng.random() >= OWN_WARD_SHARE:
        ward_code = rng.choice(nearby_wards(ward_code))
    name = f"{template.stem} {place_name(ward_code)} {rng.choice(GRADES[template.category])}"
    status = Status.DRAFT
    if enterprise.status != Enterprise.Status.PENDING:
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    price_factor = rng.uniform(0.85, 1.25)
    sold_out = rng.random() < SOLD_OUT_SHARE
    with_gtin = index % GTIN_EVERY == 0 and FIRST_GENERATED_ITEM + index + 2 < ITEM_LIMIT
    variants = [
        Variant(
            enterprise=enterprise,
            name=variant.name,
            sku=f"SP{index + 1:06d}-{position + 1}",
            price_vnd=max(1_000, round(variant.price_vnd * price_factor / 1_000) * 1_000),
            stock=0 if sold_out else rng.randint(0, 3 * variant.stock),
            weight_g=variant.weight_g,
            gtin=(
                demo_gtin(
                    enterprise_index=enterprise_index,
                    item=FIRST_GENERATED_ITEM + index + position,
                )
                if with_gtin
                else ""
            ),
            sort_order=position,
        )
        for position, variant in enumerate(
            template.variants[: rng.randint(1, len(template.variants))]
        )
    ]
    if len(variants) > 1 and rng.random() < 0.05:
        variants[-1].is_active = False  # a pack no longer sold
    product = _product(
        context,
        enterprise=enterprise,
        slug=f"{vietnamese_slug(name)}-{index + 1}",
        name=name,
        template=template,
        picture=rng.choice(template.pictures),
        ward_code=ward_code,
        description=[
            BLURBS[template.category],
            f"Sản phẩm của {enterprise.name}, làm tại {ward_name(ward_code)}, tỉnh Thái Nguyên.",
        ],
        status=status,
        review_reason=rng.choice(REJECTION_REASONS) if status == Status.REJECTED else "",
        variants=variants,
        rng=rng,
    )
    ocop = None
    if rng.random() < OCOP_SHARE:
        ocop = ocop_certificate(
            enterprise=enterprise,
            stars=rng.choices(list(STAR_WEIGHTS), weights=list(STAR_WEIGHTS.values()))[0],
            days_left=rng.randint(-240, 1_094),
            ward_code=ward_code,
            today=context.today,
            rng=rng,
        )
    return ProductRows(
        product=product,
        variants=variants,
        ocop=ocop,
        certificate_ids=_scoped_certificates(context, enterprise, template.category),
        events=_history(context, product),
    )


def write_rows(batch: list[ProductRows]) -> None:
    """Insert a batch of products with their variants, gallery, certificates and events."""
    Product.objects.bulk_create([rows.product for rows in batch])
    Certificate.objects.bulk_create([rows.ocop for rows in batch if rows.ocop is not None])
    link = Product.certificates.through
    links = []
    for rows in batch:
        certificate_ids = list(rows.certificate_ids)
        if rows.ocop is not None:
            certificate_ids.append(rows.ocop.pk)
        links += [
            link(product_id=rows.product.pk, certificate_id=certificate_id)
            for certificate_id in certificate_ids
        ]
    link.objects.bulk_create(links)
    Variant.objects.bulk_create([variant for rows in batch for variant in rows.variants])
    ProductImage.objects.bulk_create([image for rows in batch for image in rows.gallery])
    ProductEvent.objects.bulk_create([event for rows in batch for event in rows.events])


def _context(enterprises: Sequence[Enterprise], officer: User | None) -> SeedContext:
    now = timezone.now()
    today = timezone.localdate(now)
    ensure_default_categories()
    owners = Membership.objects.filter(
        enterprise__in=enterprises, role=Membership.Role.OWNER
    ).values_list("enterprise_id", "user_id")
    return SeedContext(
        enterprises=enterprises,
        lines=[product_lines(index) for index in range(len(enterprises))],
        categories={category.slug: category for category in Category.objects.all()},
        picture_ids={key: image.pk for key, image in ensure_demo_pictures().items()},
        certificate_scopes=seed_enterprise_certificates(enterprises=enterprises, today=today),
        owner_ids=dict(owners),
        officer_id=officer.pk if officer is not None else None,
        now=now,
        today=today,
    )


def _batches(rows: Iterator[ProductRows]) -> Iterator[list[ProductRows]]:
    while batch := list(islice(rows, BATCH_SIZE)):
        yield batch


def seed_products(
    *,
    count: int,
    enterprises: Sequence[Enterprise],
    officer: User | None,
    progress: bool = False,
) -> int:
    """Make the demo catalogue hold `count` products of `enterprises` (the demo enterprises in
    their demo order): the curated ones whose enterprise is present, then generated ones.

    Creates only what is missing, plus the demo pictures and the enterprises' VietGAP and food
    safety certificates, in one transaction. Shows a progress bar on stderr when `progress`.
    Returns the number of products created; raises ValueError when products are asked of no
    enterprise.
    """
    if count and not enterprises:
        raise ValueError("Demo products need at least one enterprise.")
    with transaction.atomic():
        context = _context(enterprises, officer)
        slugs = set(Product.objects.values_list("slug", flat=True))
        generated_done = {
            int(match[1]) - 1 for slug in slugs if (match := GENERATED_SLUG.search(slug))
        }
        wanted_curated = curated_for(enterprises)[:count]
        curated = [(index, item) for index, item in wanted_curated if item.slug not in slugs]
        generated = [
            index for index in range(count - len(wanted_curated)) if index not in generated_done
        ]
        missing = chain(
            (curated_rows(context, index, item) for index, item in curated),
            (generated_rows(context, index) for index in generated),
        )
        with tqdm(total=len(curated) + len(generated), unit="product", disable=not progress) as bar:
            for batch in _batches(missing):
                write_rows(batch)
                bar.update(len(batch))
        refresh_ocop_badges()
    return len(curated) + len(generated)


def refresh_planner_statistics() -> None:
    """Update the database's statistics on the catalogue tables after a bulk load (run it after
    the commit), so that the planner picks the catalogue's indexes from the first page on.
    """
    models: list[type[Model]] = [
        Product,
        Variant,
        ProductImage,
        ProductEvent,
        Certificate,
        Product.certificates.through,
    ]
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
