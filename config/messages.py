"""Django messages whose Vietnamese in Django itself reads badly; listed here so that
makemessages keeps our own translation of them in locale/vi (ours take precedence)."""

from django.utils.translation import gettext_noop

OVERRIDDEN = (
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Remember me"),
)
