"""Scheduled work of orders. Tasks take ids, reload rows and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from marketplace.services.orders import remind_and_cancel_unconfirmed


@task()
def remind_unconfirmed_orders() -> None:
    """Scheduled (e.g. hourly): reminders and automatic cancellation of unconfirmed parts."""
    remind_and_cancel_unconfirmed()
