"""Background work of the storefront's content."""

from __future__ import annotations

from django_tasks import task

from cms.feeds import write_product_feeds


@task()
def regenerate_product_feeds() -> int:
    """Rebuild the XML and CSV product feeds from the catalogue; returns the item count."""
    return write_product_feeds()
