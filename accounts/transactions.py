"""Transactions a database crash may lose without harm.

PostgreSQL makes every commit wait until its WAL is on disk. For a shopper's cart or a session
that wait buys little: a crash in the fraction of a second before the WAL writer flushes would
lose a cart line or a sign-in, never leave anything half-written (the database stays
consistent), and orders, payments and stock keep the full guarantee. PostgreSQL's asynchronous
commit (`SET LOCAL synchronous_commit = off`, for this transaction only) skips the wait; see
docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def asynchronous_commit() -> Iterator[None]:
    """A transaction whose commit does not wait for the disk. Inside a transaction already
    open it is a plain savepoint: that transaction keeps its own guarantee (an order placed
    with a cart written in it stays durable)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield
