"""Enterprise onboarding and its status machine.

    pending ──approve──▶ approved ──suspend──▶ suspended ──reinstate──▶ approved
       └────reject────▶ rejected

Every transition is made by an officer with a reason (optional only for approval), locks the
row, writes an EnterpriseEvent in the same transaction and tells the owner by email after
commit. Anything else raises InvalidTransition and changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.roles import Role, assign_role
from accounts.services import register_user
from marketplace import tasks
from marketplace.exceptions import InvalidTransition, ReasonRequired
from marketplace.models import Enterprise, EnterpriseEvent, Membership, normalize_tax_code

Status = Enterprise.Status

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({Status.PENDING}), Status.APPROVED),
    "reject": (frozenset({Status.PENDING}), Status.REJECTED),
    "suspend": (frozenset({Status.APPROVED}), Status.SUSPENDED),
    "reinstate": (frozenset({Status.SUSPENDED}), Status.APPROVED),
}
REASON_REQUIRED = frozenset({"reject", "suspend", "reinstate"})


def unique_enterprise_slug(name: str) -> str:
    base = slugify(name.replace("đ", "d").replace("Đ", "D"))[:200] or "doanh-nghiep"
    slug = base
    suffix = 2
    while Enterprise.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@transaction.atomic
def register_enterprise(
    *,
    kind: str,
    name: str,
    tax_code: str,
    representative: str,
    phone: str,
    ward_code: int,
    street: str = "",
    email: str = "",
    owner: User | None = None,
    owner_password: str | None = None,
) -> Enterprise:
    """Create an enterprise in `pending` with its owner membership and first event.

    With `owner` the signed-in user becomes the owner; otherwise a new account is created from
    the representative's name, the phone and `owner_password`. Raises ValidationError (keyed by
    field) for a bad tax code, phone, ward or a tax code that is already registered; nothing
    is written then.
    """
    normalized_tax_code = normalize_tax_code(tax_code)
    if Enterprise.objects.filter(tax_code=normalized_tax_code).exists():
        raise ValidationError(
            {"tax_code": [_("An enterprise with this tax code is already registered.")]}
        )
    if owner is None:
        if not owner_password:
            raise ValidationError({"password1": [_("Choose a password for your account.")]})
        owner = register_user(
            full_name=representative, phone=phone, email=email, password=owner_password
        )
    enterprise = Enterprise(
        kind=kind,
        name=name.strip(),
        slug=unique_enterprise_slug(name),
        tax_code=normalized_tax_code,
        representative=representative.strip(),
        phone=normalize_phone(phone),
        email=(email or "").strip().lower(),
        ward_code=ward_code,
        street=street.strip(),
    )
    enterprise.full_clean()
    enterprise.save()
    Membership.objects.create(enterprise=enterprise, user=owner, role=Membership.Role.OWNER)
    assign_role(owner, Role.ENTERPRISE_MEMBER)
    EnterpriseEvent.objects.create(
        enterprise=enterprise, from_status="", to_status=Status.PENDING, actor=owner
    )
    return enterprise


def _transition(
    *, enterprise: Enterprise, action: str, officer: User | None, reason: str
) -> Enterprise:
    allowed_from, target = TRANSITIONS[action]
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ReasonRequired
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if locked.status not in allowed_from:
            raise InvalidTransition(
                _("An enterprise that is “%(status)s” cannot be changed this way.")
                % {"status": locked.get_status_display()}
            )
        previous = locked.status
        locked.status = target
        locked.status_reason = reason
        update_fields = ["status", "status_reason", "updated_at"]
        if target == Status.APPROVED and locked.approved_at is None:
            locked.approved_at = timezone.now()
            update_fields.append("approved_at")
        locked.save(update_fields=update_fields)
        event = EnterpriseEvent.objects.create(
            enterprise=locked, from_status=previous, to_status=target, reason=reason, actor=officer
        )
        transaction.on_commit(lambda: tasks.notify_enterprise_status.enqueue(event_id=event.pk))
    return locked


def approve_enterprise(
    *, enterprise: Enterprise, officer: User | None, reason: str = ""
) -> Enterprise:
    """pending → approved. The enterprise may sell from now on."""
    return _transition(enterprise=enterprise, action="approve", officer=officer, reason=reason)


def reject_enterprise(*, enterprise: Enterprise, officer: User | None, reason: str) -> Enterprise:
    """pending → rejected, with the reason the owner is told."""
    return _transition(enterprise=enterprise, action="reject", officer=officer, reason=reason)


def suspend_enterprise(*, enterprise: Enterprise, officer: User | None, reason: str) -> Enterprise:
    """approved → suspended: its products leave the storefront until reinstated."""
    return _transition(enterprise=enterprise, action="suspend", officer=officer, reason=reason)


def reinstate_enterprise(
    *, enterprise: Enterprise, officer: User | None, reason: str
) -> Enterprise:
    """suspended → approved."""
    return _transition(enterprise=enterprise, action="reinstate", officer=officer, reason=reason)


@transaction.atomic
def add_member(
    *, enterprise: Enterprise, user: User, role: str = Membership.Role.STAFF
) -> Membership:
    """Give a user a place in an enterprise (idempotent) and access to the back office."""
    membership, _created = Membership.objects.get_or_create(
        enterprise=enterprise, user=user, defaults={"role": role}
    )
    assign_role(user, Role.ENTERPRISE_MEMBER)
    return membership
