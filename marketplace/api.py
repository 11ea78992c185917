"""The catalogue's read API: the storefront's products as JSON, mounted by `config.api`.

Only what the storefront shows is served (published products of approved enterprises); any
other product is a 404, whoever asks. The filters are the storefront's own form, but where the
storefront drops a bad value the API refuses the request with the form's errors, raised as a
`ValidationError` that `config.api` answers with a 400.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from wagtail.images.models import AbstractImage, SourceImageIOError

from marketplace import selectors
from marketplace.forms import CatalogueFilterForm
from marketplace.models import Enterprise, Product, ProductImage, Variant
from marketplace.search.products import MAX_QUERY_LENGTH, search_products, suggest
from traceability.links import batch_trace_url
from traceability.models import Batch, Certificate
from traceability.selectors import published_batches_by_variant

PAGE_SIZE = 24

router = Router(tags=["catalogue"])


class ProductListQuery(CatalogueFilterForm):
    """The storefront's filters plus the page number."""

    page = forms.IntegerField(label=gettext_lazy("Page"), required=False, min_value=1)


def _rendition_url(request: HttpRequest, image: AbstractImage | None, spec: str) -> str | None:
    """The absolute URL of `image` rendered to `spec`, or None without an image. The selectors
    prefetch the renditions, so this costs no query once the rendition exists."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        # The original file is gone: list the product without its picture, as the storefront's
        # {% image %} tag does, rather than fail the whole page.
        return None
    return request.build_absolute_uri(rendition.url)


# --- Response schemas -------------------------------------------------------------------------


class CategoryOut(Schema):
    name: str
    slug: str


class WardOut(Schema):
    code: int
    name: str


class EnterpriseOut(Schema):
    name: str
    slug: str
    url: str

    @staticmethod
    def resolve_url(enterprise: Enterprise, context: dict[str, Any]) -> str:
        location = reverse("marketplace:enterprise", args=[enterprise.slug])
        return context["request"].build_absolute_uri(location)


class EnterpriseDetailOut(EnterpriseOut):
    kind: str = Field(json_schema_extra={"enum": [*Enterprise.Kind.values]})


class ProductOut(Schema):
    name: str
    slug: str
    url: str
    enterprise: EnterpriseOut
    category: CategoryOut
    min_price_vnd: int
    in_stock: bool
    ocop_stars: int | None
    image: str | None
    origin_ward: WardOut

    @staticmethod
    def resolve_url(product: Product, context: dict[str, Any]) -> str:
        location = reverse("marketplace:product", args=[product.slug])
        return context["request"].build_absolute_uri(location)

    @staticmethod
    def resolve_in_stock(product: Product) -> bool:
        return product.total_stock > 0

    @staticmethod
    def resolve_image(product: Product, context: dict[str, Any]) -> str | None:
        return _rendition_url(context["request"], product.main_image, selectors.CARD_IMAGE)

    @staticmethod
    def resolve_origin_ward(product: Product) -> WardOut:
        return WardOut(code=product.origin_ward_code, name=product.origin_ward_name)


class BatchOut(Schema):
    lot: str
    production_date: datetime.date
    expiry_date: datetime.date | None
    trace_url: str = Field(
        description="The lot's Digital Link when the variant has a GTIN, else its short link."
    )

    @staticmethod
    def resolve_trace_url(batch: Batch) -> str:
        return batch_trace_url(batch)


class VariantOut(Schema):
    id: int = Field(description="What the cart takes (`POST /api/v1/cart/lines/`).")
    name: str
    sku: str
    price_vnd: int
    stock: int
    weight_g: int
    gtin: str | None
    batches: list[BatchOut] = Field(description="Published lots of this variant, newest first.")

    @staticmethod
    def resolve_gtin(variant: Variant) -> str | None:
        return variant.gtin or None

    @staticmethod
    def resolve_batches(variant: Variant) -> list[Batch]:
        return getattr(variant, "published_batches", [])


class ImageOut(Schema):
    url: str | None
    alt_text: str

    @staticmethod
    def resolve_url(item: ProductImage, context: dict[str, Any]) -> str | None:
        return _rendition_url(context["request"], item.image, selectors.GALLERY_IMAGE)


class CertificateOut(Schema):
    kind: str = Field(json_schema_extra={"enum": [*Certificate.Kind.values]})
    number: str
    issuing_body: str
    issued_on: datetime.date
    expires_on: datetime.date
    star_level: int | None


class ProductDetailOut(ProductOut):
    enterprise: EnterpriseDetailOut
    description: str
    variants: list[VariantOut]
    images: list[ImageOut]
    certificates: list[CertificateOut]

    @staticmethod
    def resolve_certificates(product: Product) -> list[Certificate]:
        return product.valid_certificates  # type: ignore[attr-defined]  # set by the selector


class ProductPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[ProductOut]


class ErrorBody(Schema):
    code: str = Field(description="Stable, for programs: `not_found`, `out_of_stock`, ...")
    message: str = Field(description="For people, in the language asked for.")
    fields: dict[str, list[str]] = Field(description="Messages by field at fault, if any.")


class Error(Schema):
    error: ErrorBody
    detail: str = Field(description="The same message as `error.message`.")


class InvalidInput(Error):
    errors: dict[str, list[str]] = Field(description="The same messages as `error.fields`.")


# --- The filters, described for OpenAPI from the form itself -----------------------------------


def _choice_values(field: forms.ChoiceField) -> list[Any]:
    """The values a choice field accepts, without the empty "any" choice."""
    choices = cast("list[tuple[Any, Any]]", field.choices)  # flat: Django normalises them
    return [value for value, _label in choices if value != ""]


def _query_parameter(name: str, field: forms.Field) -> dict[str, Any]:
    """The OpenAPI description of a form field read from the query string."""
    schema: dict[str, Any]
    if isinstance(field, forms.ModelChoiceField):
        schema = {"type": "string"}
    elif isinstance(field, forms.TypedChoiceField) and field.coerce is int:
        schema = {"type": "integer", "enum": [int(value) for value in _choice_values(field)]}
    elif isinstance(field, forms.ChoiceField):
        schema = {"type": "string", "enum": _choice_values(field)}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer", "minimum": field.min_value}
    elif isinstance(field, forms.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, forms.CharField):
        schema = {"type": "string", "maxLength": field.max_length}
    else:
        raise TypeError(f"No OpenAPI description for {type(field).__name__} {name!r}")
    with translation.override("en"):  # the OpenAPI document is written in English
        description = str(field.label)
    return {
        "in": "query",
        "name": name,
        "required": False,
        "schema": schema,
        "description": description,
    }


# --- Endpoints --------------------------------------------------------------------------------


@router.get(
    "/products/",
    response={200: ProductPage, 400: InvalidInput, 404: Error},
    summary="List the products on sale",
    description=(
        "The storefront's catalogue, filtered and sorted as there, 24 products a page. "
        "`category` is a category's slug and includes its subcategories; `ward` is a "
        "vietnam-provinces ward code. A value the storefront would ignore is a 400 here, "
        "with the errors by field; a page past the last one is a 404."
    ),
    openapi_extra={
        "parameters": [
            _query_parameter(name, field) for name, field in ProductListQuery().fields.items()
        ]
    },
)
def list_products(request: HttpRequest) -> dict[str, Any]:
    """One page of storefront products: a count and a page query, plus one for the card images'
    renditions when any product has an image and one for a named category's subcategories
    when it has any (the category itself is found in the kept tree)."""
    form = ProductListQuery(request.GET)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    products = search_products(form.cleaned_data["q"], form.to_filters())
    paginator = Paginator(products, PAGE_SIZE)
    number = form.cleaned_data["page"] or 1
    try:
        page = paginator.page(number)
    except EmptyPage as error:
        raise HttpError(
            404,
            _("There is no page %(page)s: the last page is %(last)s.")
            % {"page": number, "last": paginator.num_pages},
        ) from error
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            _page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        "results": list(page.object_list),
    }


def _page_url(request: HttpRequest, number: int) -> str:
    """The absolute URL of this request with its filters kept and another page number."""
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class SuggestionOut(Schema):
    kind: Literal["product", "enterprise"]
    name: str
    slug: str
    url: str


SUGGESTION_PAGES = {"product": "marketplace:product", "enterprise": "marketplace:enterprise"}


@router.get(
    "/search/suggestions/",
    response={200: list[SuggestionOut]},
    summary="Suggest products and enterprises as the shopper types",
    description=(
        "Up to 6 products on sale, then up to 3 approved enterprises, with a word of their "
        "name starting with each word typed, with or without diacritics (`q=che ta` "
        'suggests "Chè Tân Cương"). Never an error: odd input gives an empty list.'
    ),
)
def suggestions(request: HttpRequest, q: str = "") -> list[dict[str, str]]:
    """Suggestions for the search box: one search-engine query and one on enterprises."""
    return [
        {
            "kind": suggestion.kind,
            "name": suggestion.name,
            "slug": suggestion.slug,
            "url": request.build_absolute_uri(
                reverse(SUGGESTION_PAGES[suggestion.kind], args=[suggestion.slug])
            ),
        }
        for suggestion in suggest(q[:MAX_QUERY_LENGTH])
    ]


@router.get(
    "/products/{slug:slug}/",
    response={200: ProductDetailOut, 404: Error},
    summary="One product on sale",
    description=(
        "A product on sale with its variants, gallery and valid certificates. A product that "
        "is not on sale (a draft, under review, rejected, archived, or of an enterprise that "
        "is not approved) is a 404, whoever asks."
    ),
)
def get_product(request: HttpRequest, slug: str) -> Product:
    """The storefront product at `slug`, or a 404 (see `selectors.storefront_product` and
    `selectors.complete_product` for its queries)."""
    product = selectors.storefront_product(slug=slug)
    if product is None:
        raise Http404
    selectors.complete_product(product)
    variants = list(product.variants.all())
    batches = published_batches_by_variant([variant.pk for variant in variants])
    for variant in variants:
        variant.published_batches = batches[variant.pk]  # type: ignore[attr-defined]
    return product
