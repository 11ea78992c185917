"""Errors of traceability, each with a stable code for the API and logs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class TraceabilityError(Exception):
    code = "traceability_error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class ReasonMissing(TraceabilityError):
    code = "reason_required"
    default_message = _("Please give a reason.")


class AlreadyRevoked(TraceabilityError):
    code = "already_revoked"
    default_message = _("This certificate has already been revoked.")
