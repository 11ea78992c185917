"""The marketplace's back office: Wagtail viewsets for enterprises, products and certificates.

Every view of these viewsets is scoped (marketplace/scoping.py): an enterprise member who
guesses another enterprise's URL gets a 404. Status changes are actions that call the same
services as the rest of the code, with a reason form where the decision needs one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from accounts.models import User
from marketplace import services
from marketplace.admin_forms import CertificateAdminForm, EnterpriseAdminForm, ProductAdminForm
from marketplace.exceptions import MarketplaceError
from marketplace.models import Enterprise, Product
from marketplace.scoping import EnterpriseScopedPolicy, enterprise_ids_for, sees_all_enterprises
from marketplace.search.products import in_rank_order, prepare, ranked_ids
from payments.money import format_vnd
from traceability.exceptions import TraceabilityError
from traceability.models import Certificate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A decision on one row: who may take it, whether it needs a reason, what it calls."""

    label: StrOrPromise
    perform: Callable[[Any, User, str], Any]
    allowed: Callable[[User, Any], bool]
    done: StrOrPromise
    reason_required: bool = False


def _officer(user: User, row: Any) -> bool:
    return sees_all_enterprises(user)


def _member(user: User, row: Any) -> bool:
    return not sees_all_enterprises(user) or user.is_superuser


def _status_is(*statuses: str) -> Callable[[Callable[[User, Any], bool]], Any]:
    def wrap(who: Callable[[User, Any], bool]) -> Callable[[User, Any], bool]:
        return lambda user, row: row.status in statuses and who(user, row)

    return wrap


E, P = Enterprise.Status, Product.Status


def _enterprise_decision(
    label: StrOrPromise,
    service: Callable[..., Enterprise],
    status: str,
    *,
    done: StrOrPromise,
    reason_required: bool = True,
) -> Action:
    """An officer's decision on an enterprise in `status`, made by one of its services."""
    return Action(
        label,
        lambda row, user, reason: service(enterprise=row, officer=user, reason=reason),
        _status_is(status)(_officer),
        done=done,
        reason_required=reason_required,
    )


ENTERPRISE_ACTIONS = {
    "approve": _enterprise_decision(
        _("Approve"),
        services.approve_enterprise,
        E.PENDING,
        done=_("The enterprise has been approved; its owner is told by email."),
        reason_required=False,
    ),
    "reject": _enterprise_decision(
        _("Reject"),
        services.reject_enterprise,
        E.PENDING,
        done=_("The registration has been rejected; its owner is told why."),
    ),
    "suspend": _enterprise_decision(
        _("Suspend"),
        services.suspend_enterprise,
        E.APPROVED,
        done=_("The enterprise has been suspended; its products are hidden."),
    ),
    "reinstate": _enterprise_decision(
        _("Reinstate"),
        services.reinstate_enterprise,
        E.SUSPENDED,
        done=_("The enterprise has been reinstated."),
    ),
}

PRODUCT_ACTIONS = {
    "submit": Action(
        _("Submit for review"),
        lambda row, user, reason: services.submit_product(product=row, actor=user),
        _status_is(P.DRAFT, P.REJECTED)(_member),
        done=_("The product has been sent to the department for review."),
    ),
    "publish": Action(
        pgettext_lazy("product review", "Publish"),
        lambda row, user, reason: services.publish_product(
            product=row, officer=user, reason=reason
        ),
        _status_is(P.PENDING_REVIEW)(_officer),
        done=_("The product is now on the storefront."),
    ),
    "reject": Action(
        _("Reject"),
        lambda row, user, reason: services.reject_product(product=row, officer=user, reason=reason),
        _status_is(P.PENDING_REVIEW)(_officer),
        reason_required=True,
        done=_("The product has been sent back to the enterprise with your reason."),
    ),
    "archive": Action(
        _("Archive"),
        lambda row, user, reason: services.archive_product(product=row, actor=user),
        _status_is(P.DRAFT, P.PUBLISHED, P.REJECTED)(_member),
        done=_("The product has been archived."),
    ),
}

CERTIFICATE_ACTIONS = {
    "verify": Action(
        _("Confirm as checked"),
        lambda row, user, reason: services.verify_certificate(certificate=row, officer=user),
        lambda user, row: (
            row.verified_at is None and row.revoked_at is None and _officer(user, row)
        ),
        done=_("The certificate is checked: its stars show on the products it covers."),
    ),
    "revoke": Action(
        _("Revoke"),
        lambda row, user, reason: services.revoke_certificate(
            certificate=row, officer=user, reason=reason
        ),
        lambda user, row: row.revoked_at is None and _officer(user, row),
        reason_required=True,
        done=_("The certificate has been revoked; badges that relied on it are gone."),
    ),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The enterprise sees this text."),
    )

    def __init__(self, *args: Any, reason_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


class ActionView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    """Confirm an action on one row (with a reason when needed) and run its service."""

    template_name = "marketplace/admin/action.html"
    model: type[Model] | None = None
    actions: dict[str, Action] = {}
    index_url_name = ""
    header_icon = "tick"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        assert self.model is not None
        policy = policy_registry.get_by_type(self.model)
        assert isinstance(policy, EnterpriseScopedPolicy)
        queryset = policy.scope(self.model._default_manager.all(), request.user)
        self.object = get_object_or_404(queryset, pk=kwargs["pk"])
        action = self.actions.get(kwargs["action"])
        if action is None:
            raise Http404
        self.action = action

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.action.allowed(request.user, self.object):  # type: ignore[arg-type]
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.action.label)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(self.object._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "reason_required": self.action.reason_required}

    def get_form_class(self) -> type[ReasonForm]:
        return ReasonForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "object": self.object,
            "action": self.action,
            "cancel_url": reverse(self.index_url_name),
        }

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            self.action.perform(self.object, self.request.user, form.cleaned_data["reason"])  # type: ignore[arg-type]
        except (MarketplaceError, TraceabilityError) as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, str(self.action.done))
        return redirect(self.index_url_name)


# --- Scoped generic views -------------------------------------------------------------------------


class ScopedMixin:
    """Narrow a generic view's rows to the user's enterprises; anything else is a 404."""

    request: HttpRequest
    model: type[Model]

    @property
    def scoped_policy(self) -> EnterpriseScopedPolicy:
        policy = policy_registry.get_by_type(self.model)
        assert isinstance(policy, EnterpriseScopedPolicy)
        return policy

    def get_base_queryset(self) -> QuerySet[Any]:
        return self.scoped_policy.scope(super().get_base_queryset(), self.request.user)  # type: ignore[misc]

    def get_object(self, *args: Any, **kwargs: Any) -> Any:
        instance = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if not self.scoped_policy.in_scope(self.request.user, instance):
            raise Http404
        return instance


class ScopedIndexView(ScopedMixin, generic.IndexView):  # type: ignore[misc]
    actions: dict[str, Action] = {}
    action_url_name = ""

    def get_list_more_buttons(self, instance: Any) -> list[Any]:
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        for name, action in self.actions.items():
            if action.allowed(user, instance):  # type: ignore[arg-type]
                url = reverse(self.action_url_name, args=[instance.pk, name])
                buttons.append(MenuItem(action.label, url=url, icon_name="tick", priority=5))
        return buttons


class ProductIndexView(ScopedIndexView):
    """The back office searches products like the storefront does (folded, SKU and GTIN, best
    first), among the user's own products of any status."""

    def search_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_searching:
            return queryset
        among = self.scoped_policy.scope(Product.objects.all(), self.request.user)
        ids = ranked_ids(prepare(self.search_query), among=among)  # type: ignore[arg-type]
        if self.is_explicitly_ordered:
            return queryset.filter(pk__in=ids)
        return in_rank_order(queryset, ids)


class ScopedCreateView(ScopedMixin, generic.CreateView):  # type: ignore[misc]
    pass


class ScopedEditView(ScopedMixin, generic.EditView):  # type: ignore[misc]
    pass


class ScopedDeleteView(ScopedMixin, generic.DeleteView):  # type: ignore[misc]
    pass


class ScopedInspectView(ScopedMixin, generic.InspectView):  # type: ignore[misc]
    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        """Money as `180.000 ₫` and times in Vietnam's time, as in the lists (Wagtail's inspect
        template localizes the value, which neither groups đồng nor converts the time zone)."""
        value = super().get_field_display_value(field_name, field)
        if value is None:
            return "—"
        if field_name.endswith("_vnd") and isinstance(value, int):
            return format_vnd(value)
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        return value


class ScopedHistoryView(ScopedMixin, generic.HistoryView):  # type: ignore[misc]
    pass


class ScopedUsageView(ScopedMixin, generic.UsageView):  # type: ignore[misc]
    pass


class ScopedViewSet(ModelViewSet):
    """A ModelViewSet whose every view is scoped, with an `actions/<pk>/<name>/` URL for the
    status decisions listed in `actions`."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    actions: dict[str, Action] = {}
    list_select_related: tuple[str, ...] = ()
    base_form_class: type[Any] | None = None

    def get_edit_handler(self) -> Any:
        return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(
            self.model
        )

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(  # type: ignore[no-any-return]
            actions=self.actions,
            action_url_name=self.get_url_name("action"),
            queryset=self.model._default_manager.select_related(*self.list_select_related),
            **kwargs,
        )

    @property
    def action_view(self) -> Callable[..., HttpResponseBase]:
        return ActionView.as_view(
            model=self.model,
            actions=self.actions,
            index_url_name=self.get_url_name("index"),
        )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("actions/<int:pk>/<slug:action>/", self.action_view, name="action"),
        ]


def not_for_enterprise_members(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """Wrap a Wagtail admin view that shows rows of every enterprise by kind, not by row
    (Wagtail's site history: every product's, batch's and certificate's changes, with their
    names). An enterprise's member who is not an officer is refused (Wagtail sends them back to
    the dashboard with its message); officers and the site's editors (who belong to no
    enterprise) keep it. Each row's own history page stays scoped."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if enterprise_ids_for(request.user):  # None: sees all; empty: belongs to none
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def status_column(label: StrOrPromise) -> Column:
    return Column("get_status_display", label=label, sort_key="status")


def money_column(name: str, label: StrOrPromise) -> Column:
    """A column of đồng (`name` is an integer field), shown as `180.000 ₫`."""
    return Column(
        name, label=label, sort_key=name, accessor=lambda row: format_vnd(getattr(row, name))
    )


class EnterpriseViewSet(ScopedViewSet):
    model = Enterprise
    icon = "group"
    menu_label = _("Enterprises")
    add_to_admin_menu = False
    actions = ENTERPRISE_ACTIONS
    base_form_class = EnterpriseAdminForm
    list_display = [
        "name",
        "tax_code",
        Column("get_kind_display", label=_("Kind"), sort_key="kind"),
        status_column(_("Status")),
        "ward_name",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["name", "tax_code", "representative"]
    ordering = ["status", "name"]
    inspect_view_fields = [
        "kind",
        "name",
        "tax_code",
        "representative",
        "phone",
        "email",
        "ward_name",
        "street",
        "status",
        "status_reason",
        "approved_at",
        "created_at",
    ]
    panels = [
        FieldRowPanel([FieldPanel("representative"), FieldPanel("phone")]),
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("ward_code"), FieldPanel("street")]),
        FieldPanel("logo"),
        FieldPanel("story"),
    ]


class ProductViewSet(ScopedViewSet):
    model = Product
    icon = "pick"
    menu_label = _("Products")
    add_to_admin_menu = False
    actions = PRODUCT_ACTIONS
    index_view_class = ProductIndexView
    base_form_class = ProductAdminForm
    list_select_related = ("enterprise", "category")
    list_display = [
        "name",
        "enterprise",
        "category",
        money_column("min_price_vnd", _("Price from")),
        status_column(_("Status")),
    ]
    list_filter = ["status", "category"]
    search_fields = ["name", "variants__sku"]
    ordering = ["-updated_at"]
    inspect_view_fields = [
        "name",
        "enterprise",
        "category",
        "origin_ward_name",
        "status",
        "review_reason",
        "min_price_vnd",
        "total_stock",
        "published_at",
    ]
    panels = [
        FieldPanel("enterprise"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("origin_ward_code")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("main_image"), InlinePanel("images", label=_("Gallery"))],
            heading=_("Photos"),
        ),
        InlinePanel("variants", label=_("Variants"), min_num=1),
        FieldPanel("certificates", widget=forms.CheckboxSelectMultiple),
    ]


class CertificateFilterSet(WagtailFilterSet):
    unchecked = django_filters.BooleanFilter(
        field_name="verified_at",
        lookup_expr="isnull",
        label=_("Waiting for the Department's check"),
    )

    class Meta:
        model = Certificate
        fields = ["kind"]


class CertificateViewSet(ScopedViewSet):
    model = Certificate
    icon = "success"
    menu_label = _("Certificates")
    add_to_admin_menu = False
    actions = CERTIFICATE_ACTIONS
    base_form_class = CertificateAdminForm
    list_select_related = ("enterprise",)
    list_display = [
        "__str__",
        "enterprise",
        "star_level",
        "expires_on",
        "verified_at",
        "revoked_at",
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["number", "enterprise__name"]
    ordering = ["expires_on"]
    panels = [
        FieldPanel("enterprise"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number")]),
        FieldPanel("issuing_body"),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("expires_on")]),
        FieldRowPanel(
            [
                FieldPanel("star_level"),
                FieldPanel("score_part_a"),
                FieldPanel("score_part_b"),
                FieldPanel("score_part_c"),
            ],
            heading=_("OCOP rating"),
        ),
        FieldPanel("document"),
    ]


class MarketplaceGroup(ViewSetGroup):
    menu_label = _("Marketplace")
    menu_icon = "pick"
    menu_order = 150
    items = (
        EnterpriseViewSet("enterprises"),
        ProductViewSet("products"),
        CertificateViewSet("certificates"),
    )
