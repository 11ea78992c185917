"""Demo people: the officer, the editor and an administrator. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import Role, assign_role

DEMO_PASSWORD = "ocop-demo-2026"  # noqa: S105 - printed by seed_demo, demo data only


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    phone: str
    email: str


STAFF = [
    DemoLogin(Role.ADMINISTRATOR, "Quản Trị Hệ Thống", "0912000001", "admin@ocop.example.vn"),
    DemoLogin(Role.OFFICER, "Nguyễn Thị Thu Hà", "0912000002", "canbo@ocop.example.vn"),
    DemoLogin(Role.EDITOR, "Trần Minh Đức", "0912000003", "bientap@ocop.example.vn"),
    DemoLogin(Role.SHOPPER, "Lê Thị Mai", "0912000004", "khach@ocop.example.vn"),
]


def demo_password_hash() -> str:
    """One hash for every demo account: hashing is deliberately slow, demo data is not."""
    return make_password(DEMO_PASSWORD)


def ensure_user(*, name: str, phone: str, email: str, password_hash: str) -> User:
    user = User.objects.filter(phone=User.objects.normalize_phone(phone)).first()
    if user is None:
        user = User(phone=User.objects.normalize_phone(phone), email=email, password=password_hash)
        user.set_full_name(name)
        user.save()
    return user


def demo_user(role: str) -> User:
    """The demo account holding `role` (made by seed_people)."""
    login = next(login for login in STAFF if login.role == role)
    return User.objects.get(phone=User.objects.normalize_phone(login.phone))


def seed_people(password_hash: str) -> list[DemoLogin]:
    for login in STAFF:
        user = ensure_user(
            name=login.name, phone=login.phone, email=login.email, password_hash=password_hash
        )
        if login.role == Role.ADMINISTRATOR and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        elif login.role in (Role.OFFICER, Role.EDITOR):
            assign_role(user, login.role)
    return list(STAFF)
