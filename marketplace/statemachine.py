"""One way to move a row through its status machine: enterprises, products and sub-orders.

A `StatusMachine` is declared once per model with its transition table. `apply()` locks the row,
checks that the action is allowed from the current status, writes the new status and an event
row in the same transaction, and refuses anything else with `InvalidTransition` (nothing is
written then).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from marketplace.exceptions import InvalidTransition, ReasonRequired

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    reason_required: bool = False


@dataclass(frozen=True)
class StatusMachine(Generic[Row]):
    """The status machine of `model`.

    `event_model` gets one row per transition with `<event_link>`, `from_status`, `to_status`,
    `reason` and `actor`. `stamps` names a timestamp field set the first time a status is
    reached (e.g. `{"published": "published_at"}`). `refused` formats the message shown when an
    action is not allowed, given the current status's label.
    """

    model: type[Row]
    transitions: Mapping[str, Transition]
    event_model: type[models.Model]
    event_link: str
    refused: Callable[[str], str | Promise]
    reason_field: str = ""
    stamps: Mapping[str, str] = field(default_factory=dict)

    def allowed_actions(self, status: str) -> list[str]:
        """The actions possible from `status`, in the table's order (for buttons and tests)."""
        return [name for name, t in self.transitions.items() if status in t.sources]

    def apply(
        self,
        row: Row,
        action: str,
        *,
        actor: Any,
        reason: str = "",
        check: Callable[[Row], None] | None = None,
    ) -> tuple[Row, models.Model]:
        """Run `action` on `row`; return the locked, updated row and the event written.

        `check`, when given, runs on the locked row before anything changes and may raise to
        refuse. Raises ReasonRequired when the transition needs a reason and none is given, and
        InvalidTransition when the current status does not allow the action.
        """
        transition = self.transitions[action]
        reason = (reason or "").strip()
        if transition.reason_required and not reason:
            raise ReasonRequired
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=row.pk)
            current: str = locked.status  # type: ignore[attr-defined]
            if current not in transition.sources:
                label = locked.get_status_display()  # type: ignore[attr-defined]
                raise InvalidTransition(str(self.refused(label)))
            if check is not None:
                check(locked)
            locked.status = transition.target  # type: ignore[attr-defined]
            update_fields = ["status", "updated_at"]
            if self.reason_field:
                setattr(locked, self.reason_field, reason)
                update_fields.append(self.reason_field)
            stamp = self.stamps.get(transition.target)
            if stamp and getattr(locked, stamp) is None:
                setattr(locked, stamp, timezone.now())
                update_fields.append(stamp)
            locked.save(update_fields=update_fields)
            event = self.event_model._default_manager.create(
                **{self.event_link: locked},
                from_status=current,
                to_status=transition.target,
                reason=reason,
                actor=actor,
            )
        return locked, event
