"""System checks of what production needs from the operator's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@checks.register(checks.Tags.security, deploy=True)
def check_email_is_sent(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production, mail must leave the server: with the console backend (the default, for
    `make run`), password resets, staff invitations and order mails are written to the log."""
    if settings.EMAIL_BACKEND != CONSOLE_EMAIL or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "EMAIL_BACKEND is the console: password reset links, staff invitations and order "
            "mails would be written to the log instead of being sent.",
            hint="Set EMAIL_BACKEND (django.core.mail.backends.smtp.EmailBackend) and EMAIL_HOST.",
            id="accounts.W001",
        )
    ]
