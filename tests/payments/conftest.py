"""Payments tests: a fake order backend, and gateway HTTP routed to our own sandbox in-process."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from requests.adapters import BaseAdapter

from payments import conf
from payments.orders import register_order_backend

GATEWAY_IP = "203.0.113.5"


@dataclass
class FakeOrder:
    reference: str
    amount_vnd: int
    description: str = "Chè Tân Cương – hộp 200g, đơn #1"
    is_payable: bool = True


@dataclass
class FakeOrders:
    """A test-only implementation of payments.orders.OrderBackend."""

    orders: dict[str, FakeOrder] = field(default_factory=dict)
    paid: list[tuple[str, int]] = field(default_factory=list)
    refunded: list[tuple[str, int]] = field(default_factory=list)

    def add(self, reference: str, amount_vnd: int, **kwargs: object) -> FakeOrder:
        order = FakeOrder(reference=reference, amount_vnd=amount_vnd, **kwargs)  # type: ignore[arg-type]
        self.orders[reference] = order
        return order

    def get_order(self, reference: str) -> FakeOrder | None:
        return self.orders.get(reference)

    def order_paid(self, *, reference: str, payment: object) -> None:
        self.paid.append((reference, payment.pk))  # type: ignore[attr-defined]

    def order_refunded(self, *, reference: str, payment: object, amount_vnd: int) -> None:
        self.refunded.append((reference, amount_vnd))

    def order_url(self, reference: str) -> str:
        return f"/don-hang/{reference}/"


@pytest.fixture
def orders():
    backend = FakeOrders()
    register_order_backend(backend)
    yield backend
    register_order_backend(None)


class DjangoAdapter(BaseAdapter):
    """Sends a `requests` call to our own Django views (the sandbox, our IPN) in-process."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client(enforce_csrf_checks=True, REMOTE_ADDR=GATEWAY_IP)
        self.calls: list[tuple[str, str]] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        assert timeout is not None, "every outbound call needs a timeout"
        url = urlsplit(request.url)
        self.calls.append((request.method, url.path))
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        path = url.path + (f"?{url.query}" if url.query else "")
        django_response = self.client.generic(
            request.method,
            path,
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response._content = django_response.content
        response.headers.update(dict(django_response.items()))
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


class BrokenAdapter(BaseAdapter):
    """A gateway that times out, or answers 5xx."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def send(self, request, **kwargs):
        if self.mode == "timeout":
            raise requests.ReadTimeout("gateway too slow")
        response = requests.Response()
        response.status_code = 503
        response._content = b"<html>Service Unavailable</html>"
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def gateway_http(monkeypatch):
    """Route every gateway call (and the sandbox's notifications) to our own views."""
    adapter = DjangoAdapter()

    def session() -> requests.Session:
        s = requests.Session()
        s.mount(settings.PAYMENTS_PUBLIC_URL + "/", adapter)
        return s

    monkeypatch.setattr(conf, "http_session", session)
    adapter.session_factory = session
    return adapter


@pytest.fixture
def broken_gateway(monkeypatch):
    """Returns a function switching every gateway call to `timeout` or `5xx`."""

    def switch(mode: str) -> None:
        def session() -> requests.Session:
            s = requests.Session()
            s.mount(settings.PAYMENTS_PUBLIC_URL + "/", BrokenAdapter(mode))
            return s

        monkeypatch.setattr(conf, "http_session", session)

    return switch


def local_path(url: str) -> str:
    """`http://127.0.0.1:8000/payments/...?x=1` → `/payments/...?x=1` for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
