"""Django's database sessions, one query lighter for every new session, committed without
waiting for the disk.

Django's `SessionStore.create()` picks a random key, asks the database whether the key is taken
(a SELECT), then inserts the row inside a savepoint, and picks another key if the INSERT breaks
the primary key. The INSERT is the check that counts (two processes may pick the same key between
a SELECT and an INSERT), so the SELECT only costs a round trip: for each first-time visitor who
adds to the cart and for each sign-in (the key is renewed). This store draws the key and lets
the INSERT decide. A session's write is committed asynchronously (accounts/transactions.py):
a database crash may lose the last fraction of a second of sign-ins and guest carts' ids, never
an order. Everything else is Django's (`SESSION_ENGINE = "accounts.sessions"`).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string

from accounts.transactions import asynchronous_commit


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        # 32 characters of 36 possible: a collision is practically never, and `create()` retries
        # with a new key when the INSERT finds one.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            # `create()` draws a key and saves through this method again.
            super().save(must_create=must_create)
            return
        with asynchronous_commit():
            super().save(must_create=must_create)
