"""Django's database sessions, one query lighter for every new session.

Django's `SessionStore.create()` picks a random key, asks the database whether the key is taken
(a SELECT), then inserts the row inside a savepoint, and picks another key if the INSERT breaks
the primary key. The INSERT is the check that counts (two processes may pick the same key between
a SELECT and an INSERT), so the SELECT only costs a round trip: for each first-time visitor who
adds to the cart and for each sign-in (the key is renewed). This store draws the key and lets
the INSERT decide. Everything else is Django's (`SESSION_ENGINE = "accounts.sessions"`).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        # 32 characters of 36 possible: a collision is practically never, and `create()` retries
        # with a new key when the INSERT finds one.
        return get_random_string(32, VALID_KEY_CHARS)
