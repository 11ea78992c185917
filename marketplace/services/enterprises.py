"""Enterprise onboarding and its status machine.

    pending ──approve──▶ approved ──suspend──▶ suspended ──reinstate──▶ approved
       └────reject────▶ rejected

Every transition is made by an officer with a reason (optional only for approval), locks the
row, writes an EnterpriseEvent in the same transaction and tells the owner by email after
commit. Anything else raises InvalidTransition and changes nothing.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.roles import Role, assign_role
from accounts.services import register_user
from marketplace import tasks
from marketplace.exceptions import InvitationUnusable, NotAMember
from marketplace.models import (
    Enterprise,
    EnterpriseEvent,
    Invitation,
    Membership,
    normalize_tax_code,
)
from marketplace.search import elastic
from marketplace.search.tasks import update_search_index
from marketplace.slugs import unique_slug
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
    """A public slug for a new enterprise, unique among enterprises."""
    return unique_slug(Enterprise, name, fallback="doanh-nghiep")


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
        if elastic.is_enabled():
            # the database engine checks the enterprise's status at query time; the cluster
            # holds storefront products only, so it must add or drop this seller's products
            product_ids = list(locked.products.values_list("pk", flat=True))
            transaction.on_commit(lambda: update_search_index.enqueue(product_ids=product_ids))
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


INVITATION_LIFETIME = datetime.timedelta(days=7)


def _require_owner(*, enterprise: Enterprise, user: User) -> None:
    if not Membership.objects.filter(
        enterprise=enterprise, user=user, role=Membership.Role.OWNER
    ).exists():
        raise NotAMember(_("Only an owner of this enterprise can manage its staff."))


@transaction.atomic
def invite_member(
    *, enterprise: Enterprise, phone: str, invited_by: User, email: str = ""
) -> Invitation:
    """Invite the holder of `phone` to join `enterprise` as staff, for seven days.

    Raises NotAMember unless `invited_by` owns the enterprise, and ValidationError (keyed by
    field) for a bad phone number or someone who is already a member. An earlier open
    invitation to the same number is replaced. Emails the link after commit when an email
    address is given; the owner can also share the link (for example over Zalo).
    """
    _require_owner(enterprise=enterprise, user=invited_by)
    phone = normalize_phone(phone)
    if Membership.objects.filter(enterprise=enterprise, user__phone=phone).exists():
        raise ValidationError({"phone": [_("This person is already a member of the enterprise.")]})
    now = timezone.now()
    Invitation.objects.filter(
        enterprise=enterprise, phone=phone, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation(
        enterprise=enterprise,
        phone=phone,
        email=(email or "").strip().lower(),
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=now + INVITATION_LIFETIME,
    )
    invitation.full_clean(exclude=["token", "invited_by"])
    invitation.save()
    if invitation.email:
        transaction.on_commit(
            lambda: tasks.send_invitation_email.enqueue(invitation_id=invitation.pk)
        )
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User) -> Invitation:
    """Close an open invitation so that its link stops working. Only owners may."""
    _require_owner(enterprise=invitation.enterprise, user=actor)
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """Make `user` a staff member through an open invitation sent to their phone number.

    Raises InvitationUnusable when the link is unknown, used, revoked or expired, or was sent
    to another number; nothing changes then.
    """
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise InvitationUnusable
    if invitation.phone != user.phone:
        raise InvitationUnusable(
            _("This invitation was sent to another phone number. Sign in with that number.")
        )
    membership = add_member(enterprise=invitation.enterprise, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
