"""Errors of the marketplace, each with a stable code for the API and logs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class MarketplaceError(Exception):
    code = "marketplace_error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class InvalidTransition(MarketplaceError):
    """A status change that the state machine does not allow from the current state."""

    code = "invalid_transition"
    default_message = _("This change is not allowed in the current state.")


class NotAMember(MarketplaceError):
    code = "not_a_member"
    default_message = _("You do not belong to this enterprise.")


class ReasonRequired(MarketplaceError):
    code = "reason_required"
    default_message = _("Please give a reason.")


class InvitationUnusable(MarketplaceError):
    code = "invitation_unusable"
    default_message = _("This invitation link is no longer valid. Ask the owner for a new one.")


class ImportFileError(MarketplaceError):
    """A catalogue import file that cannot be read as a table, or whose header is wrong."""

    code = "import_file_invalid"
    default_message = _("This file cannot be imported.")
