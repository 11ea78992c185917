from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.divisions import home_ward_choices
from accounts.forms import (
    PhoneField,
    check_new_password,
    new_password_field,
    repeat_password_field,
)
from accounts.models import User
from marketplace.models import Category, Enterprise, normalize_tax_code
from marketplace.search.products import MAX_QUERY_LENGTH
from marketplace.selectors import SORTS, CatalogueFilters, category_tree


class SearchQueryField(forms.CharField):
    """A shopper's search text: never an error. Control characters (NUL included) become
    spaces and overlong input is cut, because a search box should always answer."""

    def to_python(self, value: Any) -> str:
        text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value or ""))
        return super().to_python(text[:MAX_QUERY_LENGTH]) or ""


class CategoryField(forms.ModelChoiceField):
    """A category chosen by its slug, found in the kept category tree
    (`selectors.category_tree`) rather than by a query on every catalogue page."""

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        for category in category_tree():
            if category.slug == value:
                return category
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class CatalogueFilterForm(forms.Form):
    """The storefront's filters. Bad values are ignored, never an error page."""

    q = SearchQueryField(label=_("Search"), required=False)
    category = CategoryField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    stars = forms.TypedChoiceField(
        label=_("OCOP stars"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Any")), (3, _("3★ and above")), (4, _("4★ and above")), (5, _("5★"))],
    )
    ward = forms.TypedChoiceField(
        label=_("Commune of origin"), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind of seller"),
        required=False,
        choices=[("", _("Any")), *Enterprise.Kind.choices],
    )
    min_price = forms.IntegerField(label=_("Price from (đồng)"), required=False, min_value=0)
    max_price = forms.IntegerField(label=_("Price up to (đồng)"), required=False, min_value=0)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Most relevant")),
            ("newest", _("Newest")),
            ("best_selling", _("Best-selling")),
            ("price_asc", _("Price: low to high")),
            ("price_desc", _("Price: high to low")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward = self.fields["ward"]
        assert isinstance(ward, forms.ChoiceField)
        ward.choices = [("", _("Anywhere in the province")), *home_ward_choices()]

    def to_filters(self) -> CatalogueFilters:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # invalid fields are dropped; the valid ones still filter
            data = self.cleaned_data
        # Without a chosen order, a search is sorted by relevance and the catalogue by date.
        sort = data.get("sort") or ("relevance" if (data.get("q") or "").strip() else "newest")
        return CatalogueFilters(
            category=data.get("category"),
            min_stars=data.get("stars"),
            ward_code=data.get("ward"),
            enterprise_kind=data.get("kind") or None,
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            sort=sort if sort in SORTS or sort == "relevance" else "newest",
        )


class EnterpriseRegistrationForm(forms.Form):
    """ "Register your business": the enterprise, and an account for its owner when the visitor
    is not signed in yet."""

    kind = forms.ChoiceField(
        label=_("Kind of business"), choices=Enterprise.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Registered name"),
        max_length=200,
        help_text=_("As on the business registration certificate."),
    )
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("10 digits, or 13 for a branch (0101234567-001)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative = forms.CharField(
        label=_("Legal representative"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(help_text=_("The owner signs in with this number."))
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("We send the approval decision here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    ward_code = forms.TypedChoiceField(label=_("Ward or commune"), coerce=int)
    street = forms.CharField(label=_("House number and street"), max_length=255, required=False)
    password1 = new_password_field()
    password2 = repeat_password_field()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if getattr(user, "is_authenticated", False) else None
        ward = self.fields["ward_code"]
        assert isinstance(ward, forms.ChoiceField)
        ward.choices = [("", _("Choose a ward or commune")), *home_ward_choices()]
        if self.user is not None:
            del self.fields["password1"]
            del self.fields["password2"]
            self.fields["phone"].initial = self.user.display_phone
            self.fields["representative"].initial = self.user.get_full_name()
            self.fields["email"].initial = self.user.email

    def clean_tax_code(self) -> str:
        tax_code = normalize_tax_code(self.cleaned_data["tax_code"])
        if Enterprise.objects.filter(tax_code=tax_code).exists():
            raise ValidationError(
                _("An enterprise with this tax code is already registered."), code="duplicate"
            )
        return tax_code

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"]
        if self.user is None and User.objects.filter(phone=phone).exists():
            raise ValidationError(
                _(
                    "An account with this phone number already exists. Sign in first, then "
                    "register your business."
                ),
                code="duplicate_phone",
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_new_password(self, cleaned, full_name=cleaned.get("representative", ""))
        return cleaned


class InvitationForm(forms.Form):
    phone = PhoneField(help_text=_("The person signs in with this number to accept."))
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We email the link too; you can also send it yourself over Zalo or SMS."),
    )
