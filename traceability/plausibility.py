"""Plausibility checks on a batch before it is published.

Each check returns flag codes. "Blocking" flags describe impossible data (an expiry before
production, a harvest after packing, dates in the future) and stop publication; the others
are warnings about defaulted or copied data, shown to the enterprise and to officers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traceability.conf import setting
from traceability.models import Batch, TraceEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Viet Nam's mainland and near islands, as a rough box: a GPS point outside is a typo.
VIETNAM_LATITUDE = (Decimal("8.0"), Decimal("23.5"))
VIETNAM_LONGITUDE = (Decimal("102.0"), Decimal("110.0"))


@dataclass(frozen=True)
class Flag:
    code: str
    message: StrOrPromise
    is_blocking: bool


FLAGS = {
    flag.code: flag
    for flag in [
        Flag("expiry_before_production", _("The expiry date is before the production date."), True),
        Flag("production_in_future", _("The production date is in the future."), True),
        Flag("event_in_future", _("A step is dated in the future."), True),
        Flag("harvest_after_packing", _("A harvest is dated after packing."), True),
        Flag(
            "harvest_after_production",
            _("A harvest is dated after the production date of the lot."),
            True,
        ),
        Flag(
            "copied_events",
            _(
                "A step has exactly the same text and time as in several other batches: "
                "check that it was not copied unchanged."
            ),
            False,
        ),
        Flag(
            "no_origin",
            _(
                "No production area, input lot or harvest is recorded: shoppers will not see "
                "where it comes from."
            ),
            False,
        ),
        Flag(
            "area_outside_vietnam", _("A production area's GPS point lies outside Viet Nam."), False
        ),
        Flag("expiry_too_long", _("The expiry is more than five years after production."), False),
    ]
}


def check_batch(batch: Batch, *, today: datetime.date | None = None) -> list[str]:
    """The flag codes for `batch` as saved (events, areas and inputs included), in a fixed
    order. Costs five queries whatever the batch size."""
    today = today or timezone.localdate()
    now = timezone.now()
    flags: list[str] = []
    if batch.expiry_date and batch.expiry_date < batch.production_date:
        flags.append("expiry_before_production")
    if batch.production_date > today:
        flags.append("production_in_future")
    events = list(batch.events.all()) if batch.pk else []
    if any(event.occurred_at > now for event in events):
        flags.append("event_in_future")
    harvests = [e.occurred_at for e in events if e.step == TraceEvent.Step.HARVEST]
    packings = [e.occurred_at for e in events if e.step == TraceEvent.Step.PACKING]
    if harvests and packings and max(harvests) > min(packings):
        flags.append("harvest_after_packing")
    if harvests and max(timezone.localtime(h).date() for h in harvests) > batch.production_date:
        flags.append("harvest_after_production")
    if events and _has_copied_events(batch, events):
        flags.append("copied_events")
    areas = list(batch.areas.all()) if batch.pk else []
    has_inputs = bool(batch.pk) and batch.input_batches.exists()
    if not areas and not has_inputs and not harvests:
        flags.append("no_origin")
    if any(_outside_vietnam(area.latitude, area.longitude) for area in areas):
        flags.append("area_outside_vietnam")
    if batch.expiry_date and (batch.expiry_date - batch.production_date).days > 5 * 366:
        flags.append("expiry_too_long")
    return flags


def _outside_vietnam(latitude: Decimal | None, longitude: Decimal | None) -> bool:
    if latitude is None or longitude is None:
        return False
    return not (
        VIETNAM_LATITUDE[0] <= latitude <= VIETNAM_LATITUDE[1]
        and VIETNAM_LONGITUDE[0] <= longitude <= VIETNAM_LONGITUDE[1]
    )


def _has_copied_events(batch: Batch, events: list[TraceEvent]) -> bool:
    """Whether one of the events has the same step, text and instant in at least N other
    batches of the same enterprise: the "same default values on every product" complaint."""
    condition = Q()
    for event in events:
        if event.description.strip():
            condition |= Q(
                step=event.step, description=event.description, occurred_at=event.occurred_at
            )
    if not condition:
        return False
    copies = (
        TraceEvent.objects.filter(condition, batch__enterprise_id=batch.enterprise_id)
        .exclude(batch_id=batch.pk)
        .values("step", "description", "occurred_at")
        .annotate(batches=Count("batch_id", distinct=True))
        .filter(batches__gte=setting("TRACE_COPIED_EVENT_BATCHES"))
    )
    return copies.exists()


def flag_messages(codes: list[str]) -> list[Flag]:
    return [FLAGS[code] for code in codes if code in FLAGS]


def blocking(codes: list[str]) -> list[Flag]:
    return [flag for flag in flag_messages(codes) if flag.is_blocking]
