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


class InvalidDigitalLink(TraceabilityError):
    code = "invalid_digital_link"
    default_message = _("This is not a valid GS1 Digital Link.")


class InvalidLot(TraceabilityError):
    code = "invalid_lot"
    default_message = _("A lot code has 1 to 20 characters from 0-9, A-Z and “-”.")


class TooManySerials(TraceabilityError):
    code = "too_many_serials"
    default_message = _("Too many serials requested at once.")


class BatchNotPublished(TraceabilityError):
    code = "batch_not_published"
    default_message = _("Serials and labels are only made for a published batch.")


class BatchAlreadyPublished(TraceabilityError):
    code = "batch_already_published"
    default_message = _("This batch is published: its records can no longer be changed.")


class ImplausibleBatch(TraceabilityError):
    code = "implausible_batch"
    default_message = _("This batch has impossible data; correct it before publishing.")


class LabelDoesNotFit(TraceabilityError):
    code = "label_does_not_fit"
    default_message = _("The QR code does not fit this label size at 0.4 mm per module.")


class ReportAlreadyHandled(TraceabilityError):
    code = "report_already_handled"
    default_message = _("This report has already been handled.")


class ScanRateLimited(TraceabilityError):
    code = "scan_rate_limited"
    default_message = _("Too many checks from this device; please wait a few minutes.")
