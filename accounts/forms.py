from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.divisions import (
    home_province_code,
    province_choices,
    validate_ward_in_province,
    ward_choices,
)
from accounts.models import User
from accounts.phone import normalize_phone


class PhoneField(forms.CharField):
    """A text field that accepts any spelling of a Vietnamese number and cleans to E.164."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("Phone number"))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}
        )

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        return normalize_phone(text)


def new_password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )


def repeat_password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def check_new_password(form: forms.Form, cleaned: dict[str, Any], *, full_name: str) -> None:
    """Add errors to `form` when `password1`/`password2` differ or the password is weak
    (Django's validators, judged against the future user's name, phone and email)."""
    password1 = cleaned.get("password1")
    password2 = cleaned.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", _("The two passwords do not match."))
    elif password1:
        candidate = User(phone=cleaned.get("phone", ""), email=cleaned.get("email", ""))
        candidate.set_full_name(full_name)
        try:
            password_validation.validate_password(password1, candidate)
        except ValidationError as error:
            form.add_error("password1", error)


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField()
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = new_password_field()
    password2 = repeat_password_field()

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(
                _("An account with this phone number already exists. Sign in instead."),
                code="duplicate_phone",
            )
        return phone

    def clean_email(self) -> str:
        email: str = (self.cleaned_data.get("email") or "").lower()
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this email address already exists."), code="duplicate_email"
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_new_password(self, cleaned, full_name=cleaned.get("full_name", ""))
        return cleaned


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The phone number (or email) and password do not match. Please try again."
        ),
        "inactive": _("This account has been disabled."),
    }


class AddressForm(forms.Form):
    full_name = forms.CharField(label=_("Recipient's name"), max_length=120)
    phone = PhoneField()
    province_code = forms.TypedChoiceField(label=_("Province"), coerce=int)
    ward_code = forms.TypedChoiceField(label=_("Ward or commune"), coerce=int)
    street = forms.CharField(label=_("House number and street"), max_length=255)
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province_field = self.fields["province_code"]
        ward_field = self.fields["ward_code"]
        assert isinstance(province_field, forms.ChoiceField)
        assert isinstance(ward_field, forms.ChoiceField)
        province_field.choices = province_choices()
        self.fields["province_code"].initial = home_province_code()
        province = self.data.get(self.add_prefix("province_code")) or home_province_code()
        try:
            wards = ward_choices(int(province))
        except (TypeError, ValueError):
            wards = ward_choices(home_province_code())
        ward_field.choices = [("", _("Choose a ward or commune")), *wards]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ward_code") and cleaned.get("province_code"):
            try:
                validate_ward_in_province(
                    ward_code=cleaned["ward_code"], province_code=cleaned["province_code"]
                )
            except ValidationError as error:
                self.add_error("ward_code", error)
        return cleaned


class AdminLoginForm(WagtailLoginForm):
    """The back office's sign-in: phone number or email, labelled in the user's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Phone number or email")
        username.max_length = 254
        username.widget.attrs.update(
            {"placeholder": "0912 345 678", "autocomplete": "username", "maxlength": 254}
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
