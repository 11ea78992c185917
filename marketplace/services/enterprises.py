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
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.roles import Role, assign_role
from accounts.services import register_user
from marketplace import tasks
from marketplace.models import Enterprise, EnterpriseEvent, Membership, normalize_tax_code
from marketplace.statemachine import StatusMachine, Transition

Status = Enterprise.Status

TRANSITIONS = {
    "approve": Transition(frozenset({Status.PENDING}), Status.APPROVED),
    "reject": Transition(frozenset({Status.PENDING}), Status.REJECTED, reason_required=True),
    "suspend": Transition(frozenset({Status.APPROVED}), Status.SUSPENDED, reason_required=True),
    "reinstate": Transition(frozenset({Status.SUSPENDED}), Status.APPROVED, reason_required=True),
}

MACHINE = StatusMachine(
    model=Enterprise,
    transitions=TRANSITIONS,
    event_model=EnterpriseEvent,
    event_link="enterprise",
    reason_field="status_reason",
    stamps={Status.APPROVED: "approved_at"},
    refused=lambda status: (
        _("An enterprise that is “%(status)s” cannot be changed this way.") % {"status": status}
    ),
)


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
    with transaction.atomic():
        locked, event = MACHINE.apply(enterprise, action, actor=officer, reason=reason)
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
