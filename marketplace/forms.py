from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.divisions import home_ward_choices
from marketplace.models import Category, Enterprise
from marketplace.selectors import SORTS, CatalogueFilters


class CatalogueFilterForm(forms.Form):
    """The storefront's filters. Bad values are ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(
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
        sort = data.get("sort") or "newest"
        return CatalogueFilters(
            category=data.get("category"),
            min_stars=data.get("stars"),
            ward_code=data.get("ward"),
            enterprise_kind=data.get("kind") or None,
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            sort=sort if sort in SORTS else "newest",
        )
