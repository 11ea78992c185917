"""Changes to traceability records. Certificates are never deleted: they are revoked."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traceability.exceptions import AlreadyRevoked, ReasonMissing
from traceability.models import Certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, officer: Any, reason: str) -> Certificate:
    """Withdraw a certificate from today on, with the reason shown to the enterprise.

    Products lose the badges it gave them at once (the storefront only counts unrevoked
    certificates). Raises ReasonMissing without a reason and AlreadyRevoked the second time;
    nothing changes then.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise AlreadyRevoked(
            _("This certificate was already revoked on %(day)s.")
            % {"day": timezone.localtime(locked.revoked_at).strftime("%d/%m/%Y")}
        )
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    return locked
