"""Forms of the cart, checkout and order lookup (each works without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.divisions import (
    home_province_code,
    province_choices,
    validate_ward_in_province,
    ward_choices,
)
from accounts.forms import PhoneField
from marketplace.models import PaymentMethod
from payments.providers import available_providers


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=999)


def payment_method_choices() -> list[tuple[str, str]]:
    """COD and the gateways payments offers (credentials or the sandbox), in its order."""
    labels = dict(PaymentMethod.choices)
    return [
        (provider.code, str(labels.get(provider.code, provider.code)))
        for provider in available_providers()
        if provider.code in labels
    ]


class CheckoutForm(forms.Form):
    name = forms.CharField(label=_("Recipient's name"), max_length=120)
    phone = PhoneField()
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=254,
        help_text=_("We send the order confirmation and its progress here."),
    )
    province_code = forms.TypedChoiceField(label=_("Province"), coerce=int)
    ward_code = forms.TypedChoiceField(label=_("Ward or commune"), coerce=int)
    street = forms.CharField(label=_("House number and street"), max_length=200)
    note = forms.CharField(
        label=_("Delivery note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), widget=forms.RadioSelect, initial=PaymentMethod.COD
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province_field = self.fields["province_code"]
        ward_field = self.fields["ward_code"]
        method_field = self.fields["payment_method"]
        assert isinstance(province_field, forms.ChoiceField)
        assert isinstance(ward_field, forms.ChoiceField)
        assert isinstance(method_field, forms.ChoiceField)
        province_field.choices = province_choices()
        province_field.initial = home_province_code()
        province = (
            self.data.get(self.add_prefix("province_code"))
            or self.initial.get("province_code")
            or home_province_code()
        )
        try:
            wards = ward_choices(int(province))
        except (TypeError, ValueError):
            wards = ward_choices(home_province_code())
        ward_field.choices = [("", _("Choose a ward or commune")), *wards]
        method_field.choices = payment_method_choices()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"

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


class OrderLookupForm(forms.Form):
    code = forms.CharField(label=_("Order code"), max_length=20)
    phone = forms.CharField(
        label=_("Phone number used for the order"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
