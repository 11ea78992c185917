"""Addresses no view can serve get a 400 with a message before any view runs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

NUL_ADDRESSES = [
    "/t/ABC%00",
    "/01/08936012345679%00",
    "/don-hang/DH%00/",
    "/san-pham/?q=ch%C3%A8%00",
    "/san-pham/?page=1&sort=%00",
    "/payments/zalopay/return/?apptransid=%00",
    "/ban-hang/loi-moi/abc%00/",
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_character_in_an_address_is_a_400_with_a_message(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "Địa chỉ có ký tự không được phép." in response.content.decode()


def test_the_api_answers_it_in_json(client):
    for address in ("/api/v1/products/abc%00/", "/api/v1/orders/DH%00/"):
        response = client.get(address)
        assert response.status_code == 400
        assert response.json() == {"detail": "Địa chỉ có ký tự không được phép."}
