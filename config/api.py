"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router, documents them all in
one OpenAPI document at /api/v1/openapi.json, answers in the client's language, and gives every
error the same shape:

    {"detail": "<what went wrong>", "errors": {"<field>": ["<message>", ...]}}

(`errors` on 400s only). Apps raise Django's own exceptions (`ValidationError`, `Http404`) or
ninja's `HttpError`; the handlers here turn them into that shape.
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
from ninja.errors import ValidationError as ParameterError

from marketplace.api import router as marketplace_router
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


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A 400 with the messages by field (`__all__` for those about the request as a whole)."""
    if hasattr(error, "error_dict"):
        errors = error.message_dict
    else:
        errors = {NON_FIELD_ERRORS: error.messages}
    body = {"detail": _("Some values are not valid."), "errors": errors}
    return api.create_response(request, body, status=400)


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
    body = {"detail": _("Some values are not valid."), "errors": errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    # The same words whatever was missing: a product that is not on sale and one that never
    # existed must look alike.
    return api.create_response(
        request, {"detail": _("Nothing was found at this address.")}, status=404
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
api.add_router("", traceability_router)
api.add_router("", unknown_paths)
