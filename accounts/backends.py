"""Sign in with a phone number or an email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User
from accounts.phone import looks_like_phone, normalize_phone


def find_user_by_identifier(identifier: str) -> User | None:
    """The active-or-not user whose phone (any spelling) or email matches, else None."""
    text = (identifier or "").strip()
    if not text:
        return None
    if looks_like_phone(text):
        try:
            phone = normalize_phone(text)
        except ValidationError:
            return None
        return User.objects.filter(phone=phone).first()
    return User.objects.filter(email__iexact=text).first()


def canonical_identifier(identifier: str) -> str:
    """One spelling per account, so that lockouts count `0912…` and `+84912…` together."""
    text = (identifier or "").strip()
    if looks_like_phone(text):
        try:
            return normalize_phone(text)
        except ValidationError:
            return text
    return text.lower()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    if credentials:
        identifier = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
        return canonical_identifier(str(identifier))
    if request is not None:
        return canonical_identifier(request.POST.get("username", ""))
    return ""


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username or kwargs.get(User.USERNAME_FIELD) or ""
        if password is None:
            return None
        user = find_user_by_identifier(identifier)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
