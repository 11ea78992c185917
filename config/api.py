"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router, documents them all in
one OpenAPI document at /api/v1/openapi.json, answers in the client's language, and gives every
error the same shape:

    {"error": {"code": "<stable code>", "message": "<what went wrong>",
               "fields": {"<field>": ["<message>", ...]}},
     "detail": "<the same message>", "errors": {"<field>": ["<message>", ...]}}

`error` is the envelope the cart, checkout and order clients rely on; `detail` and `errors` (the
latter only when fields are at fault) are the catalogue API's first shape, kept so that neither
kind of client breaks (docs/decisions.md). Apps raise Django's own exceptions
(`ValidationError`, `Http404`), ninja's `HttpError` or a `MarketplaceError`; the handlers here
turn them into that shape.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as ParameterError

from insights.api import router as insights_router
from marketplace.api import router as marketplace_router
from marketplace.api_orders import router as orders_router
from marketplace.exceptions import MarketplaceError
from traceability.api import router as traceability_router

Run = Callable[..., HttpResponseBase]


def in_the_clients_language(run: Run) -> Run:
    """Wrap an operation so that it answers, errors included, in the language the client asks
    for (its language cookie, then Accept-Language), Vietnamese by default.

    LocaleMiddleware cannot do it here: with `prefix_default_language=False` it gives every path
    without a language prefix the default language, whatever Accept-Language says."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return run(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="Sàn OCOP Thái Nguyên API",
    version="1",
    description=(
        "The public read API of the Thái Nguyên province marketplace for OCOP products and tea. "
        "Money is a whole number of đồng, dates are ISO 8601. Errors are JSON: "
        '`{"detail": "...", "errors": {"<field>": ["..."]}}`, in the language asked for by '
        "Accept-Language (Vietnamese by default, or English)."
    ),
    urls_namespace="api-v1",
    # The interactive docs load Swagger UI from ninja's static files, not from a CDN: "ninja"
    # is in INSTALLED_APPS for that (see docs/decisions.md).
    docs_url="/docs",
)
api.add_decorator(in_the_clients_language, mode="view")


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The one shape of every refusal (see the module's docstring)."""
    body: dict[str, Any] = {
        "error": {"code": code, "message": message, "fields": fields or {}},
        "detail": message,
    }
    if fields:
        body["errors"] = fields
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A 400 with the messages by field (`__all__` for those about the request as a whole)."""
    if hasattr(error, "error_dict"):
        errors = error.message_dict
    else:
        errors = {NON_FIELD_ERRORS: error.messages}
    return error_response(
        request, status=400, code="invalid", message=_("Some values are not valid."), fields=errors
    )


@api.exception_handler(ParameterError)
def invalid_parameters(request: HttpRequest, error: ParameterError) -> HttpResponse:
    """A 400 like `invalid_input` for parameters that ninja's type checks refuse. Pydantic's own
    messages are English only, so each is replaced by Django's message for the same mistake."""
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        message = (
            _("This field is required.")
            if problem["type"] == "missing"
            else _("Enter a valid value.")
        )
        errors.setdefault(str(problem["loc"][-1]), []).append(message)
    return error_response(
        request, status=400, code="invalid", message=_("Some values are not valid."), fields=errors
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    # The same words whatever was missing: a product that is not on sale and one that never
    # existed must look alike.
    return error_response(
        request, status=404, code="not_found", message=_("Nothing was found at this address.")
    )


HTTP_ERROR_CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    429: "throttled",
}


@api.exception_handler(HttpError)
def refused(request: HttpRequest, error: HttpError) -> HttpResponse:
    """An operation's own refusal (`raise HttpError(404, message)`)."""
    return error_response(
        request,
        status=error.status_code,
        code=HTTP_ERROR_CODES.get(error.status_code, "error"),
        message=str(error.message),
    )


# The HTTP status of each marketplace refusal: the request was well formed but the cart or the
# order's state does not allow it (409), the phone may not pay cash (403), or the thing named is
# not there (404). Any other is a 400.
MARKETPLACE_STATUSES = {
    "cart_empty": 409,
    "product_unavailable": 409,
    "out_of_stock": 409,
    "invalid_transition": 409,
    "cod_not_allowed": 403,
    "cart_line_not_found": 404,
    "order_not_found": 404,
    "cart_not_found": 404,
    "too_many_lookups": 429,
}


@api.exception_handler(MarketplaceError)
def marketplace_refusal(request: HttpRequest, error: MarketplaceError) -> HttpResponse:
    """A refusal of the marketplace's services, with its stable code and, for checkout
    details, the message of each field at fault."""
    fields = {name: [str(message)] for name, message in getattr(error, "fields", {}).items()}
    return error_response(
        request,
        status=MARKETPLACE_STATUSES.get(error.code, 400),
        code=error.code,
        message=error.message,
        fields=fields,
    )


# Answers the addresses that no app's router knows with a JSON 404 rather than the site's HTML
# page. It matches only addresses that end with a slash, so that CommonMiddleware still
# redirects "/api/v1/products" to "/api/v1/products/".
unknown_paths = Router()
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@unknown_paths.api_operation(ANY_METHOD, "/", include_in_schema=False)
def api_root(request: HttpRequest) -> NoReturn:
    raise Http404


@unknown_paths.api_operation(ANY_METHOD, "/{path:rest}/", include_in_schema=False)
def unknown_endpoint(request: HttpRequest, rest: str) -> NoReturn:
    raise Http404


# Each app's router, in the order the URLs are tried; the catch-all must stay last.
api.add_router("", marketplace_router)
api.add_router("", orders_router)
api.add_router("", traceability_router)
api.add_router("", insights_router)
api.add_router("", unknown_paths)
