"""Accounts: one user model for shoppers, enterprise members, officers, editors and admins.

A phone number is every account's identity (Vietnamese shoppers and sellers live on their
phones, and cash on delivery needs one). An email is optional and unique when given. People
sign in with either.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.divisions import province_name, validate_province_code, validate_ward_code, ward_name
from accounts.phone import format_phone, normalize_phone, validate_phone


class AccountManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user(  # type: ignore[override]
        self, phone: str, email: str | None, password: str | None, **extra_fields: Any
    ) -> User:
        user = self.model(
            phone=normalize_phone(phone),
            email=self.normalize_email(email or "").lower(),
            **extra_fields,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, phone: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, phone: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(phone, email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(phone=normalize_phone(username or ""))

    @staticmethod
    def normalize_phone(phone: str) -> str:
        return normalize_phone(phone)


class User(AbstractUser):
    """A person who signs in. Roles come from groups and enterprise memberships."""

    username = None  # type: ignore[assignment]
    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        validators=[validate_phone],
        help_text=_("Vietnamese phone number, used to sign in."),
        error_messages={"unique": _("An account with this phone number already exists.")},
    )
    email = models.EmailField(_("email address"), blank=True)

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_when_given",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.display_phone

    def clean(self) -> None:
        super().clean()
        if self.phone:
            self.phone = normalize_phone(self.phone)
        self.email = (self.email or "").strip().lower()

    def get_full_name(self) -> str:
        # Vietnamese order: family name (last_name) first, given name (first_name) last.
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def get_short_name(self) -> str:
        return self.first_name or self.display_phone

    @property
    def display_phone(self) -> str:
        return format_phone(self.phone)

    def set_full_name(self, full_name: str) -> None:
        """Split a Vietnamese full name: the last word is the given name."""
        words = full_name.split()
        self.first_name = words[-1] if words else ""
        self.last_name = " ".join(words[:-1])


class Address(models.Model):
    """A delivery address a shopper keeps for later orders."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(_("recipient's name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=16, validators=[validate_phone])
    province_code = models.PositiveIntegerField(_("province"), validators=[validate_province_code])
    ward_code = models.PositiveIntegerField(_("ward or commune"), validators=[validate_ward_code])
    street = models.CharField(_("house number and street"), max_length=255)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(
            part
            for part in (self.street, ward_name(self.ward_code), province_name(self.province_code))
            if part
        )
