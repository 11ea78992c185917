"""Background work of search. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from marketplace.search import elastic


@task()
def update_search_index(product_ids: list[int]) -> int:
    """Bring Elasticsearch in step with these products after they changed (enqueue it on
    commit): index those on the storefront, delete the others. Returns how many were indexed;
    does nothing when Elasticsearch is not the engine (the database engine follows saves by
    itself)."""
    if not elastic.is_enabled():
        return 0
    return elastic.index_products(product_ids)
