"""Rendered storefront fragments kept in the cache: the product page's own parts and grids of
product cards. Each is keyed on a digest of the rows its page reads anyway, so a change to any
of them is a new key on every worker with no signal needed; what the page does not read (a
gallery image, a certificate, a lot) moves `Product.updated_at` through the signals below.

Nothing personal is kept: the "add to cart" forms carry each visitor's own CSRF token, put in
where the fragment holds CSRF_HOLE.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.core.cache import caches
from django.db.models import Model, Prefetch, Q, prefetch_related_objects
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.forms import Form
from django.http import HttpRequest, QueryDict
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.images import get_image_model

from marketplace import selectors
from marketplace.models import Category, Product, ProductImage, Variant
from marketplace.selectors import CARD_IMAGE, categories_generation
from traceability.models import Batch, Certificate

FRAGMENT_SECONDS = 6 * 3600
# The product parts' template marks where its head part ends and its body begins.
CUT = "<!--product:cut-->"
CSRF_HOLE = "<!--product:csrf-->"


def _row(instance: Model | None) -> tuple[Any, ...]:
    if instance is None:
        return ()
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def _kept(key: str, seconds: int, render: Callable[[], str]) -> str:
    """The text kept under `key` in the fragments cache, or `render()`'s, kept `seconds`."""
    return str(caches["fragments"].get_or_set(key, lambda: str(render()), seconds))


# --- The product page -------------------------------------------------------------------------


def product_key(product: Product, variants: Sequence[Variant], *, path: str) -> str:
    """The key of a product page's parts: the product's row (with its OCOP stars today), its
    enterprise, category and main image, its variants (prices and stock), the day (certificates
    and badges expire), the language and the page's address (the forms' return path)."""
    rows = (
        _row(product),
        product.ocop_stars,  # type: ignore[attr-defined]
        _row(product.enterprise),
        _row(product.category),
        _row(product.main_image),
        [_row(variant) for variant in variants],
    )
    today = timezone.localdate().isoformat()
    return f"product-page:{product.pk}:{get_language()}:{today}:{_digest((rows, path))}"


def product_parts(
    request: HttpRequest, key: str, render: Callable[[], str]
) -> tuple[SafeString, SafeString]:
    """The product page's head and body parts, from the cache or from `render()` (which returns
    the rendered parts' text), with this visitor's CSRF token in the forms."""
    head, _cut, body = _kept(key, FRAGMENT_SECONDS, render).partition(CUT)
    return mark_safe(head), mark_safe(body.replace(CSRF_HOLE, str(csrf_input(request))))  # noqa: S308


# --- Grids of product cards -------------------------------------------------------------------


def _card_row(product: Product) -> tuple[Any, ...]:
    image = product.main_image
    return (
        product.pk,
        product.slug,
        product.name,
        getattr(product, "ocop_stars", None),
        product.min_price_vnd,
        product.total_stock > 0,
        product.enterprise.name,
        _row(image),
    )


def product_grid(products: Iterable[Product], *, query: str = "") -> SafeString:
    """A `<ul class="grid">` of the products' cards (words of `query` highlighted), kept under
    a digest of what the cards show. The card images' renditions are read only to render it."""
    products = list(products)
    if not products:
        return mark_safe("")
    key = "product-grid:" + _digest(([_card_row(p) for p in products], query, get_language()))

    def render() -> str:
        _prefetch_card_images(products)
        context = {"products": products, "query": query}
        return render_to_string("marketplace/_product_grid.html", context)

    return mark_safe(_kept(key, FRAGMENT_SECONDS, render))  # noqa: S308


def _prefetch_card_images(products: list[Product]) -> None:
    """Read the card renditions of the images not read with the rows (one query)."""
    images = [
        p.main_image
        for p in products
        if p.main_image is not None and not hasattr(p.main_image, "prefetched_renditions")
    ]
    if images:
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_IMAGE)
        prefetch_related_objects(
            images,
            Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions"),
        )


# --- The catalogue's filter form ----------------------------------------------------------------

FILTERS_SECONDS = 300


def filter_fields(form: Form, render: Callable[[], str]) -> SafeString:
    """The catalogue filter form's fields as rendered by `render()`, kept per language and
    choices made (its category list changes with the categories: saving one renews the key,
    and with the per-process cache another worker shows it within FILTERS_SECONDS)."""
    chosen = []
    if form.is_bound:
        data = cast(QueryDict, form.data)
        chosen = [(name, data.getlist(name)) for name in form.fields if name in data]
    key = f"catalogue-filters:{get_language()}:{categories_generation()}:{_digest(chosen)}"
    return mark_safe(_kept(key, FILTERS_SECONDS, render))  # noqa: S308


# --- Invalidation -----------------------------------------------------------------------------


def touch_products(condition: Q) -> int:
    """Move `updated_at` of the products matching `condition`: their pages' keys change."""
    return Product.objects.filter(condition).update(updated_at=timezone.now())


def _image_changed(sender: Any, instance: ProductImage, **kwargs: Any) -> None:
    touch_products(Q(pk=instance.product_id))


def _batch_changed(sender: Any, instance: Batch, **kwargs: Any) -> None:
    # The page lists the product's newest published lots.
    touch_products(Q(variants__pk=instance.variant_id))


def _certificate_changed(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    touch_products(Q(certificates=instance))


def _certificates_linked(
    sender: Any, instance: Model, action: str, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Product):
        touch_products(Q(pk=instance.pk))
    elif action == "pre_clear":
        touch_products(Q(certificates=instance))
    elif pk_set:
        touch_products(Q(pk__in=pk_set))


def _wagtail_image_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    # A gallery image's file or focal point (the main image is in the key itself).
    touch_products(Q(images__image=instance))


def connect_signals() -> None:
    """Connect the receivers above (from `MarketplaceConfig.ready()`)."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_image_changed, sender=ProductImage, dispatch_uid=f"page-cache.image.{name}")
        signal.connect(_batch_changed, sender=Batch, dispatch_uid=f"page-cache.batch.{name}")
        signal.connect(
            selectors.forget_categories,
            sender=Category,
            dispatch_uid=f"page-cache.category.{name}",
        )
    post_save.connect(
        _certificate_changed, sender=Certificate, dispatch_uid="page-cache.certificate.saved"
    )
    # Before the certificate's links are deleted with it.
    pre_delete.connect(
        _certificate_changed, sender=Certificate, dispatch_uid="page-cache.certificate.deleted"
    )
    m2m_changed.connect(
        _certificates_linked,
        sender=Product.certificates.through,
        dispatch_uid="page-cache.certificate.links",
    )
    post_save.connect(
        _wagtail_image_changed, sender=get_image_model(), dispatch_uid="page-cache.wagtail-image"
    )
