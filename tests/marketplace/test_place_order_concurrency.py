"""Many shoppers buy the last packets at the same moment: exactly the stock is sold, once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from marketplace.exceptions import OutOfStock
from marketplace.models import Order, OrderLine, Product, Variant
from marketplace.services.orders import place_order
from tests.marketplace.factories import ProductFactory, VariantFactory
from tests.marketplace.order_helpers import cart_with, contact

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _race(carts, workers):
    barrier = threading.Barrier(workers)
    placed: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    timings: list[float] = []
    info = contact()

    def buy(cart) -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            try:
                order = place_order(cart=cart, contact=info, payment_method="cod")
            except OutOfStock as error:
                refused.append(error.message)
            else:
                placed.append(order.code)
            timings.append(time.perf_counter() - started)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return placed, refused, errors, timings


def test_last_units_are_never_sold_twice():
    # given: 3 packets left, 12 shoppers each wanting one
    last = VariantFactory(stock=3)
    workers = 12
    carts = [cart_with((last, 1)) for _ in range(workers)]
    # when
    placed, refused, errors, timings = _race(carts, workers)
    # then
    assert errors == []
    assert len(placed) == 3
    assert len(set(placed)) == 3
    assert len(refused) == workers - 3
    assert all("hết hàng" in message or "sold out" in message for message in refused)
    assert Variant.objects.get(pk=last.pk).stock == 0
    assert sum(OrderLine.objects.filter(variant=last).values_list("quantity", flat=True)) == 3
    assert Product.objects.get(pk=last.product_id).sold_count == 3
    print(f"slowest of {workers} concurrent checkouts: {max(timings) * 1000:.0f} ms")  # noqa: T201


def test_crossing_carts_do_not_deadlock():
    # given: two variants of two products, bought by carts in opposite orders
    first = VariantFactory(stock=4, product=ProductFactory())
    second = VariantFactory(stock=4, product=ProductFactory())
    workers = 10
    carts = [
        cart_with((first, 1), (second, 1)) if n % 2 else cart_with((second, 1), (first, 1))
        for n in range(workers)
    ]
    # when
    placed, refused, errors, _ = _race(carts, workers)
    # then: no deadlock error, exactly four orders, stock at zero on both
    assert errors == []
    assert (len(placed), len(refused)) == (4, workers - 4)
    assert Order.objects.count() == 4
    assert Variant.objects.get(pk=first.pk).stock == 0
    assert Variant.objects.get(pk=second.pk).stock == 0
