"""Requests that no view can serve, answered before any view runs."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """A NUL character in the address (`%00` in its path or query) cannot be stored in or
    compared with any text column of PostgreSQL, which refuses it with an error: such a
    request gets a 400 with a message (JSON under /api/), and no view looks anything up.
    Form fields refuse NUL themselves (Django's CharField)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = str(request.META.get("QUERY_STRING", ""))
        if "\x00" in request.path or "\x00" in unquote(query):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
        return self.get_response(request)
