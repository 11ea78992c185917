from django.core.cache import caches


def clear_caches() -> None:
    """Empty every cache (the default one, the fragments, the renditions), as a worker has
    when it starts."""
    for kept in caches.all():
        kept.clear()
