"""Asynchronous commits: for carts and sessions only, and never inside a durable transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.transactions import asynchronous_commit
from tests.marketplace.factories import VariantFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting"),
]

SETTING = "SET LOCAL synchronous_commit = off"


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@pytest.fixture
def durable_connection():
    """The test cluster runs without durability; the connection asks for it as production has
    it, so that what the block turns off can be seen."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def test_the_block_commits_asynchronously_and_the_next_transaction_is_durable_again(
    durable_connection,
):
    # when
    with asynchronous_commit():
        inside = _synchronous_commit()
    with transaction.atomic():
        after = _synchronous_commit()
    # then
    assert (inside, after) == ("off", "on")


def test_inside_a_durable_transaction_the_block_changes_nothing(durable_connection):
    # when: a cart written inside an order's transaction, say
    with transaction.atomic(), asynchronous_commit():
        inside = _synchronous_commit()
    # then
    assert inside == "on"


def test_a_first_add_to_cart_commits_the_cart_and_the_session_asynchronously(client):
    # given
    variant = VariantFactory(stock=5)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("marketplace:cart_add"), {"variant": variant.pk, "quantity": 1}
        )
    # then: two transactions, each with the setting first
    assert response.status_code == 302
    statements = [query["sql"] for query in queries]
    assert statements.count(SETTING) == 2
    cart_insert = next(i for i, sql in enumerate(statements) if "marketplace_cart" in sql)
    session_insert = next(i for i, sql in enumerate(statements) if "django_session" in sql)
    assert statements.index(SETTING) < cart_insert
    assert max(i for i, sql in enumerate(statements) if sql == SETTING) < session_insert
