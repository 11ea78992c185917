"""Generation tokens for cached values that an edit makes stale, and counters kept in the cache.

A generation is a random token kept in the cache under a fixed name. Whatever depends on it
puts the token in its own cache key; renewing the token retires every value kept under the
old one without finding and deleting them. When the cache has lost the token, a fresh one is
drawn, so a value kept before can never be taken for current.

With a shared cache (REDIS_URL) every worker sees a renewal at once. With the embedded
per-process cache, only the worker that renewed does; the others keep what they had until it
expires, so the values kept under a generation carry a short lifetime of their own.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache


def generation(key: str) -> str:
    """The token kept under `key` (a fresh one when the cache has lost it)."""
    return str(cache.get_or_set(key, lambda: uuid.uuid4().hex, timeout=None))


def renew(key: str) -> None:
    """Replace the token under `key`: whatever was kept under the old one is no longer read."""
    cache.set(key, uuid.uuid4().hex, timeout=None)


def count(key: str, seconds: int) -> int:
    """Add one to the counter under `key`, which starts at 0 and lives `seconds` from its first
    count; the new value."""
    cache.add(key, 0, seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1
