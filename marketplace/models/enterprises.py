"""Enterprises (sellers): companies, cooperatives (HTX) and household businesses."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.vn import mst
from wagtail.fields import RichTextField

from accounts.divisions import validate_ward_code, ward_name
from accounts.phone import validate_phone
from marketplace.models.events import StatusEvent
from marketplace.search.text import fold


def normalize_tax_code(value: str) -> str:
    """`0101234567-001` or `0101234567001` → `0101234567-001`; raises ValidationError."""
    try:
        return str(mst.format(mst.validate(value or "")))
    except StdnumValidationError as error:
        raise ValidationError(
            _(
                "Enter a valid Vietnamese tax code: 10 digits, or 13 for a branch "
                "(for example 0101234567-001)."
            ),
            code="invalid_tax_code",
        ) from error


def validate_tax_code(value: str) -> None:
    normalize_tax_code(value)


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def approved(self) -> EnterpriseQuerySet:
        return self.filter(status=Enterprise.Status.APPROVED)

    def for_member(self, user: settings.AUTH_USER_MODEL) -> EnterpriseQuerySet:  # type: ignore[name-defined]
        return self.filter(memberships__user=user)


class Enterprise(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        COOPERATIVE = "cooperative", _("Cooperative (HTX)")
        HOUSEHOLD = "household", _("Household business")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind of business"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # The name lower-cased without diacritics, for suggestions in the search box ("htx che"
    # finds "HTX Chè Tân Cương"); kept by save().
    name_folded = models.CharField(max_length=200, editable=False, default="")
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=False)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        unique=True,
        validators=[validate_tax_code],
        error_messages={"unique": _("An enterprise with this tax code is already registered.")},
    )
    representative = models.CharField(_("legal representative"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=16, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    ward_code = models.PositiveIntegerField(_("ward or commune"), validators=[validate_ward_code])
    street = models.CharField(_("address"), max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    story = RichTextField(_("story"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("reason of the last decision"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering: ClassVar[list[str]] = ["name"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "name"], name="enterprise_status_name"),
            models.Index(fields=["ward_code"], name="enterprise_ward"),
            models.Index(fields=["created_at"], name="enterprise_created"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "suspended", "rejected"]),
                name="enterprise_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["company", "cooperative", "household"]),
                name="enterprise_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.tax_code:
            self.tax_code = normalize_tax_code(self.tax_code)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def ward_name(self) -> str:
        return ward_name(self.ward_code)

    ward_name.fget.short_description = _("ward or commune")  # type: ignore[attr-defined]


class EnterpriseEvent(StatusEvent):
    """One row per status change of an enterprise: who, when, from what to what, and why."""

    subject_field = "enterprise"
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = _("enterprise event")


class Membership(models.Model):
    """A user's place in an enterprise: the owner manages staff; staff sell."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "staff"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Invitations not yet accepted, revoked or expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An owner's invitation for someone to join the enterprise as staff.

    The link carries a random token; it works once, for the invited phone number, until it
    expires or the owner revokes it.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations")
    phone = models.CharField(_("phone number"), max_length=16, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "phone"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone} → {self.enterprise}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
