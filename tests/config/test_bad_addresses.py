"""A NUL character (`%00`) in an address never reaches a lookup: PostgreSQL refuses NUL in
text and would answer with an error (a 500). Codes and tokens in paths are slugs, so such a
path is no page (404); query values are checked where they are read."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "/t/ABC%00",
        "/don-hang/DH%00/",
        "/don-hang/DH%00/huy/",
        "/ban-hang/loi-moi/abc%00/",
        "/payments/sandbox/momo/pay/abc%00/",
        "/api/v1/products/abc%00/",
        "/api/v1/orders/DH%00/",
    ],
)
def test_a_code_with_a_nul_character_is_no_page(client, address):
    assert client.get(address).status_code == 404


def test_a_gateway_return_with_a_nul_character_names_no_payment(client):
    response = client.get(
        "/payments/zalopay/return/", {"apptransid": "261124_DH\x00", "status": "1"}
    )
    assert response.status_code == 200
    assert response.context["payment"] is None
