"""Forms shared by the back office's reports of money (reconciliation here, settlement in the
marketplace)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DayRangeForm(forms.Form):
    """From and to, two Vietnam days (both included), at most `max_days` of them, and none
    more than a year ahead (no figures are there, and the calendar's last day has no next
    day to end a range on)."""

    max_days = 31

    since = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until:
            if until < since:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (until - since).days >= self.max_days:
                raise forms.ValidationError(
                    _("Choose at most %(days)s days at a time.") % {"days": self.max_days}
                )
            if until > timezone.localdate() + dt.timedelta(days=366):
                raise forms.ValidationError(_("Choose dates up to a year from today."))
        return cleaned
