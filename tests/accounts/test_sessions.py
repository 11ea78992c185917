"""Sessions: Django's database store, without the lookup before a new session's INSERT."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import sessions
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert_with_no_lookup_before_it():
    # given
    store = SessionStore()
    store["cart_id"] = 7
    # when
    with CaptureQueriesContext(connection) as queries:
        store.save()
    # then
    statements = [query["sql"] for query in queries]
    assert not [sql for sql in statements if sql.startswith("SELECT")], statements
    assert len([sql for sql in statements if sql.startswith("INSERT")]) == 1
    assert SessionStore(session_key=store.session_key)["cart_id"] == 7


def test_a_key_already_taken_is_drawn_again_and_the_other_session_is_untouched(monkeypatch):
    # given: a session, and a draw that first gives its key
    existing = SessionStore()
    existing["cart_id"] = 1
    existing.save()
    keys = iter([existing.session_key, "n" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda length, chars: next(keys))
    # when
    store = SessionStore()
    store["cart_id"] = 2
    store.save()
    # then
    assert store.session_key == "n" * 32
    assert SessionStore(session_key=existing.session_key)["cart_id"] == 1
    assert SessionStore(session_key="n" * 32)["cart_id"] == 2
    assert Session.objects.count() == 2
