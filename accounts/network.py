"""Where a request comes from, as the site's own proxies saw it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind PROXY_COUNT proxies (each appending the address it saw to
    X-Forwarded-For) it is the one the outermost of ours saw; what a visitor puts in front
    of that list is ignored. Without proxies, or without the header, REMOTE_ADDR.

    Sign-in lockouts (django-axes), the trace page's limit and its visitor pseudonyms, the
    address sent to VNPay and the one stored with gateway calls all use it: with the proxy's
    address instead, every visitor would share one lockout and one limit."""
    count = int(settings.PROXY_COUNT)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return str(request.META.get("REMOTE_ADDR", ""))
