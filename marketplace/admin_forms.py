"""Forms of the marketplace's Wagtail admin. Each narrows its choices to what the signed-in
user may touch, so that a member can never attach another enterprise's rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.divisions import home_ward_choices
from marketplace.models import Enterprise, Product, Variant
from marketplace.scoping import enterprises_for, sees_all_enterprises
from marketplace.services.catalogue import (
    refresh_ocop_badges,
    refresh_product_summary,
    unique_product_slug,
)
from traceability.models import Certificate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _ward_field(label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=lambda: [("", _("Choose a ward or commune")), *home_ward_choices()],
    )


class EnterpriseAdminForm(WagtailAdminModelForm):
    """What a member may change about their enterprise. The legal identity (kind, name, tax
    code) and the status are the department's to check, so they are not on the form."""

    ward_code = _ward_field(_("Ward or commune"))


class ScopedEnterpriseForm(WagtailAdminModelForm):
    """A form with an `enterprise` field limited to the user's enterprises."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_enterprises: QuerySet[Enterprise] = enterprises_for(self.for_user)
        field = self.fields.get("enterprise")
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = self.allowed_enterprises
            if self.instance.pk:
                field.disabled = True  # a row never moves to another enterprise
            elif len(choices := list(self.allowed_enterprises[:2])) == 1:
                field.initial = choices[0].pk  # most sellers have one enterprise
                field.empty_label = None


class ProductAdminForm(ScopedEnterpriseForm):
    origin_ward_code = _ward_field(_("Origin ward or commune"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        certificates = self.fields.get("certificates")
        if isinstance(certificates, forms.ModelMultipleChoiceField):
            certificates.queryset = Certificate.objects.filter(
                enterprise__in=self.allowed_enterprises, revoked_at__isnull=True
            ).order_by("kind", "-expires_on")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.slug and cleaned.get("name"):
            # The storefront URL is made once from the first name and never changes after.
            self.instance.slug = unique_product_slug(cleaned["name"])
        return cleaned

    def is_valid(self) -> bool:
        """Field and variant checks first; then what needs both the product and its variants
        (certificates of the same enterprise, SKUs unique in the enterprise)."""
        if not super().is_valid():
            return False
        enterprise = self.cleaned_data.get("enterprise") or self.instance.enterprise
        for certificate in self.cleaned_data.get("certificates") or []:
            if certificate.enterprise_id != enterprise.pk:
                self.add_error(
                    "certificates",
                    _("Certificate %(number)s belongs to another enterprise.")
                    % {"number": certificate.number},
                )
        return self._check_skus(enterprise) and not self.errors

    def save(self, commit: bool = True) -> Product:
        product: Product = super().save(commit=commit)
        if commit:
            refresh_product_summary(product_id=product.pk)
        return product

    def _check_skus(self, enterprise: Enterprise) -> bool:
        """SKUs are unique per enterprise: check the submitted variants against each other and
        against the enterprise's other products before anything is saved."""
        formset = self.formsets.get("variants")
        if formset is None:
            return True
        valid = True
        seen: dict[str, forms.Form] = {}
        kept_ids = []
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            sku = (form.cleaned_data.get("sku") or "").strip()
            if form.instance.pk:
                kept_ids.append(form.instance.pk)
            if not sku:
                continue
            if sku in seen:
                form.add_error("sku", _("This SKU appears twice in this product."))
                valid = False
            seen[sku] = form
        taken = set(
            Variant.objects.filter(enterprise=enterprise, sku__in=seen)
            .exclude(pk__in=kept_ids)
            .values_list("sku", flat=True)
        )
        for sku in taken:
            seen[sku].add_error("sku", _("This SKU is already used by another of your products."))
        return valid and not taken


# What a certificate claims: an enterprise's change to any of it waits for the Department's check.
CERTIFICATE_CLAIMS = ("kind", "number", "issuing_body", "issued_on", "expires_on", "star_level")


class CertificateAdminForm(ScopedEnterpriseForm):
    def save(self, commit: bool = True) -> Certificate:
        claims_changed = self.instance._state.adding or any(
            name in self.changed_data for name in CERTIFICATE_CLAIMS
        )
        if claims_changed and not sees_all_enterprises(self.for_user):
            # An OCOP rating is the province's decision: it shows once an officer has checked it.
            self.instance.verified_at = None
        certificate: Certificate = super().save(commit=commit)
        if commit:
            # new dates or stars change the badge of every product the certificate covers
            covered = Product.objects.filter(certificates=certificate).values_list("pk", flat=True)
            refresh_ocop_badges(product_ids=covered)
        return certificate

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        stars = cleaned.get("star_level")
        if kind == Certificate.Kind.OCOP and stars not in (3, 4, 5):
            self.add_error("star_level", _("An OCOP certificate carries 3, 4 or 5 stars."))
        elif kind and kind != Certificate.Kind.OCOP and stars is not None:
            self.add_error("star_level", _("Only OCOP certificates carry stars."))
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date must not be before the issue date."))
        return cleaned
