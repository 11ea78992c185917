"""What the status-change logs of enterprises, products and order parts have in common."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class StatusEvent(models.Model):
    """One row per status change of a subject (its foreign key is `subject_field`): from what,
    to what, why and by whom."""

    subject_field: ClassVar[str]

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.from_status or '∅'} → {self.to_status}"
