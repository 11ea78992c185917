"""Traceability in the back office: production areas, batches with their steps, serials and
labels, and the queue of suspected fakes.

Lives on the marketplace side because scoping (who sees which enterprise) belongs here;
every change goes through traceability's services. An enterprise member who guesses another
enterprise's area, batch, serial or step URL gets a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import policy_registry

from accounts.divisions import province_name
from marketplace.admin_forms import ScopedEnterpriseForm, _ward_field
from marketplace.admin_views import Action, ScopedViewSet, status_column
from marketplace.models import OrderLine, Variant
from marketplace.scoping import EnterpriseScopedPolicy, enterprise_ids_for, enterprises_for
from traceability import services
from traceability.conf import setting
from traceability.exceptions import TraceabilityError
from traceability.labels import LABEL_SIZES
from traceability.links import label_url
from traceability.models import (
    Batch,
    Certificate,
    LabelRun,
    ProductionArea,
    Serial,
    SuspicionReport,
    TraceEvent,
)
from traceability.plausibility import flag_messages
from traceability.qr import qr_png, qr_svg
from traceability.selectors import lot_report, scan_history

TEMPLATE = "traceability/admin/tool.html"


class TraversingScopedPolicy(EnterpriseScopedPolicy):
    """Scoping through a relation ("batch__enterprise_id") for rows that do not carry their
    enterprise themselves."""

    def in_scope(self, user: Any, instance: Model) -> bool:
        ids = enterprise_ids_for(user)
        if ids is None:
            return True
        value: Any = instance
        for part in self.enterprise_field.split("__"):
            value = getattr(value, part)
        return value in ids


def scoped(model: type[Model], user: Any) -> QuerySet[Any]:
    policy = policy_registry.get_by_type(model)
    assert isinstance(policy, EnterpriseScopedPolicy)
    return policy.scope(model._default_manager.all(), user)


# --- Forms ------------------------------------------------------------------------------------


class ProductionAreaForm(ScopedEnterpriseForm):
    ward_code = _ward_field(_("Ward or commune"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("certificates")
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = Certificate.objects.filter(
                enterprise__in=self.allowed_enterprises, revoked_at__isnull=True
            )


def _narrowed(form_class: type[forms.BaseForm], **querysets: QuerySet[Any]) -> type[Any]:
    """`form_class` whose choice fields named in `querysets` offer only those rows."""

    class Narrowed(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name, queryset in querysets.items():
                field = self.fields.get(name)
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = queryset

    return Narrowed


class BatchForm(WagtailAdminModelForm):
    """A batch and its steps. Choices are the user's own variants, areas, lots and
    certificates; a published batch is append-only, so its form refuses any change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = enterprises_for(self.for_user)
        narrow = {
            "variant": Variant.objects.filter(enterprise__in=allowed).select_related("product"),
            "areas": ProductionArea.objects.filter(enterprise__in=allowed),
            "input_batches": Batch.objects.filter(enterprise__in=allowed).exclude(
                pk=self.instance.pk
            ),
            "certificates": Certificate.objects.filter(
                enterprise__in=allowed, revoked_at__isnull=True
            ),
        }
        for name, queryset in narrow.items():
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                field.queryset = queryset
        events = self.formsets.get("events")
        if events is not None:
            # Every step form, the blank one the page copies for a new step included.
            events.form = _narrowed(
                events.form, area=narrow["areas"], certificate=narrow["certificates"]
            )
        if self.instance.pk and "variant" in self.fields:
            self.fields["variant"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and self.instance.is_published:
            raise ValidationError(
                _(
                    "This batch is published: its records can no longer be changed. "
                    "Add a new step or a correction instead."
                )
            )
        lot = cleaned.get("lot")
        if lot:
            cleaned["lot"] = lot.strip()
        return cleaned

    def save(self, commit: bool = True) -> Batch:
        batch: Batch = self.instance
        if not batch.short_code:
            batch.short_code = services.new_short_code()
        saved: Batch = super().save(commit=commit)
        if commit:
            services.refresh_plausibility(batch=saved)
        return saved


class CopyBatchForm(forms.Form):
    lot = forms.CharField(label=_("Lot code"), max_length=20)
    production_date = forms.DateField(label=_("Production date"))
    expiry_date = forms.DateField(label=_("Expiry date"), required=False)
    quantity = forms.IntegerField(label=_("Quantity (units)"), min_value=1)


class IssueSerialsForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many serials?"),
        min_value=1,
        help_text=_("One per item: each label then carries its own code."),
    )


class LabelSheetForm(forms.Form):
    size = forms.ChoiceField(
        label=_("Label size"),
        choices=lambda: [(code, size.label) for code, size in LABEL_SIZES.items()],
    )


class EventForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TraceEvent
        fields = [
            "step",
            "occurred_at",
            "area",
            "place",
            "performed_by",
            "description",
            "quantity_kg",
            "destination",
            "correction_reason",
        ]


# --- Tool views on one batch -----------------------------------------------------------------


class BatchToolView(WagtailAdminTemplateMixin, FormView):  # type: ignore[type-arg]
    """A page about one batch the user may see (others are a 404), with a form."""

    template_name = TEMPLATE
    header_icon = "list-ul"
    title: Any = ""
    submit_label: Any = _("Save")
    requires_change = True

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.batch = get_object_or_404(
            scoped(Batch, request.user).select_related("variant__product", "enterprise"),
            pk=kwargs["pk"],
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        # Officers read every batch but never change an enterprise's records.
        self.can_change = user.has_perm("traceability.change_batch") and (
            user.is_superuser or enterprise_ids_for(user) is not None
        )
        if not user.has_perm("traceability.view_batch"):
            raise PermissionDenied
        if not self.can_change and (self.requires_change or request.method == "POST"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.title)

    def get_page_subtitle(self) -> str:
        return f"{self.batch.variant} · {self.batch.lot}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "batch": self.batch,
            "flags": flag_messages(self.batch.plausibility_flags),
            "submit_label": self.submit_label,
            "can_change": self.can_change,
            "cancel_url": reverse("traceability_batches:index"),
        }

    def fail(
        self, form: forms.BaseForm, error: TraceabilityError | ValidationError
    ) -> HttpResponse:
        form.add_error(None, error.message if isinstance(error, TraceabilityError) else error)
        return self.form_invalid(form)


class PublishBatchView(BatchToolView):
    title = _("Check and publish")
    submit_label = _("Publish")
    form_class = forms.Form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.refresh_plausibility(batch=self.batch)  # the checks as of now
        return super().get_context_data(**kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            services.publish_batch(batch=self.batch, actor=self.request.user)
        except TraceabilityError as error:
            self.batch.refresh_from_db()
            return self.fail(form, error)
        messages.success(self.request, str(_("The batch is published; you can issue serials.")))
        return redirect("traceability_batches:serials", pk=self.batch.pk)


class CopyBatchView(BatchToolView):
    title = _("New batch from this one")
    submit_label = _("Create the new batch")
    form_class = CopyBatchForm

    def get_initial(self) -> dict[str, Any]:
        return {"quantity": self.batch.quantity, "production_date": timezone.localdate()}

    def form_valid(self, form: CopyBatchForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            batch = services.create_batch(
                variant=self.batch.variant,
                lot=data["lot"],
                production_date=data["production_date"],
                expiry_date=data["expiry_date"],
                quantity=data["quantity"],
                copy_from=self.batch,
            )
        except (TraceabilityError, ValidationError) as error:
            return self.fail(form, error)
        messages.success(
            self.request, str(_("Copied: check the dates of each step, then publish."))
        )
        return redirect("traceability_batches:edit", batch.pk)


class SerialsView(BatchToolView):
    title = _("Serials and labels")
    submit_label = _("Issue serials")
    form_class = IssueSerialsForm
    requires_change = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        serials = list(self.batch.serials.order_by("id")[:50])
        gtin = self.batch.variant.gtin
        return {
            **super().get_context_data(**kwargs),
            "serials": [
                (serial, label_url(gtin=gtin, lot=self.batch.lot, serial=serial.value))
                for serial in serials
            ],
            "serial_count": self.batch.serials.count(),
            "lot_url": label_url(gtin=gtin, lot=self.batch.lot, short_code=self.batch.short_code),
            "label_form": LabelSheetForm(),
            "runs": self.batch.label_runs.all()[:5],
            "maximum": setting("TRACE_MAX_SERIALS_PER_REQUEST"),
        }

    def form_valid(self, form: IssueSerialsForm) -> HttpResponse:
        try:
            issued = services.issue_serials(batch=self.batch, count=form.cleaned_data["count"])
        except TraceabilityError as error:
            return self.fail(form, error)
        messages.success(self.request, str(_("%(count)s serials issued.") % {"count": len(issued)}))
        return redirect("traceability_batches:serials", pk=self.batch.pk)


class LabelSheetView(BatchToolView):
    title = _("Print labels")
    submit_label = _("Make the PDF")
    form_class = LabelSheetForm
    requires_change = False

    def form_valid(self, form: LabelSheetForm) -> HttpResponse:
        try:
            run = services.start_label_run(
                batch=self.batch, size=form.cleaned_data["size"], actor=self.request.user
            )
        except (TraceabilityError, ValidationError) as error:
            return self.fail(form, error)
        return redirect("traceability_batches:label_run", pk=self.batch.pk, run=run.pk)


class LabelRunView(BatchToolView):
    """The progress of a label sheet (the page reloads itself without script until done)."""

    title = _("Label sheet")
    form_class = forms.Form
    requires_change = False
    template_name = "traceability/admin/label_run.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        run = get_object_or_404(LabelRun, pk=self.kwargs["run"], batch=self.batch)
        return {**super().get_context_data(**kwargs), "run": run}


def label_file(request: HttpRequest, pk: int, run: int) -> FileResponse:
    batch = get_object_or_404(scoped(Batch, request.user), pk=pk)
    label_run = get_object_or_404(LabelRun, pk=run, batch=batch, status=LabelRun.Status.DONE)
    return FileResponse(
        label_run.file.open("rb"),
        as_attachment=True,
        filename=f"nhan-{batch.lot}.pdf",
        content_type="application/pdf",
    )


def serial_qr(request: HttpRequest, serial_pk: int, kind: str) -> HttpResponse:
    """The QR image (SVG or PNG) of one of the user's serials; another's is a 404."""
    serial = get_object_or_404(
        scoped(Serial, request.user).select_related("batch__variant"), pk=serial_pk
    )
    url = label_url(gtin=serial.batch.variant.gtin, lot=serial.batch.lot, serial=serial.value)
    if kind == "svg":
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")
    return HttpResponse(qr_png(url), content_type="image/png")


class AddEventView(BatchToolView):
    """Append a step to a batch (the way to add to a published one), or a correction of one
    of its steps (`?corrects=<event id>`, scoped: another enterprise's step is a 404)."""

    title = _("Add a step")
    submit_label = _("Add the step")
    form_class = EventForm

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.corrects = None
        corrects = request.GET.get("corrects") or request.POST.get("corrects")
        if corrects:
            self.corrects = get_object_or_404(
                scoped(TraceEvent, request.user),
                pk=int(corrects) if corrects.isdecimal() else 0,  # not a number: no such step
                batch=self.batch,
            )

    def get_form(self, form_class: Any = None) -> EventForm:
        form: EventForm = super().get_form(form_class)
        form.fields["area"].queryset = ProductionArea.objects.filter(  # type: ignore[attr-defined]
            enterprise_id=self.batch.enterprise_id
        )
        if self.corrects is None:
            del form.fields["correction_reason"]
        else:
            form.fields["correction_reason"].required = True
        return form

    def get_initial(self) -> dict[str, Any]:
        if self.corrects is None:
            return {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
        event = self.corrects
        return {
            "step": event.step,
            "occurred_at": timezone.localtime(event.occurred_at),
            "area": event.area_id,
            "place": event.place,
            "performed_by": event.performed_by,
            "description": event.description,
            "quantity_kg": event.quantity_kg,
            "destination": event.destination,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "corrects": self.corrects}

    def form_valid(self, form: EventForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.append_trace_event(
                batch=self.batch,
                step=data["step"],
                occurred_at=data["occurred_at"],
                area=data.get("area"),
                place=data.get("place", ""),
                performed_by=data.get("performed_by", ""),
                description=data.get("description", ""),
                quantity_kg=data.get("quantity_kg"),
                destination=data.get("destination", ""),
                corrects=self.corrects,
                correction_reason=data.get("correction_reason", ""),
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(self.request, str(_("The step has been added.")))
        return redirect("traceability_batches:inspect", self.batch.pk)


class LotReportView(WagtailAdminTemplateMixin, TemplateView):
    """One step back (areas, input lots) and one step forward (lots made from it, shipments)
    from any lot the user may see."""

    template_name = "traceability/admin/lot_report.html"
    header_icon = "site"

    def get_page_title(self) -> str:
        return str(_("One step back, one step forward"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        batch = get_object_or_404(
            scoped(Batch, self.request.user).select_related("variant__product", "enterprise"),
            pk=self.kwargs["pk"],
        )
        # forward into the orders shipped from this lot (traceability does not know orders)
        order_lines = (
            OrderLine.objects.filter(batch=batch)
            .select_related("sub_order__order")
            .order_by("-sub_order__shipped_at", "-pk")
        )
        return {
            **super().get_context_data(**kwargs),
            **lot_report(batch=batch),
            "order_lines": list(order_lines),
        }


# --- Viewsets ---------------------------------------------------------------------------------


class ProductionAreaViewSet(ScopedViewSet):
    model = ProductionArea
    icon = "site"
    menu_label = _("Production areas")
    add_to_admin_menu = False
    base_form_class = ProductionAreaForm
    list_select_related = ("enterprise",)
    list_display = ["name", "code", "enterprise", "ward_name", "area_ha"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    panels = [
        FieldPanel("enterprise"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldPanel("ward_code"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude"), FieldPanel("area_ha")]),
        FieldPanel("certificates", widget=forms.CheckboxSelectMultiple),
    ]


def _flags_text(batch: Batch) -> str:
    return " ".join(str(flag.message) for flag in flag_messages(batch.plausibility_flags))


class BatchViewSet(ScopedViewSet):
    model = Batch
    icon = "list-ul"
    menu_label = _("Batches")
    add_to_admin_menu = False
    base_form_class = BatchForm
    list_select_related = ("variant__product", "enterprise")
    list_display = [
        "lot",
        "variant",
        "production_date",
        status_column(_("Status")),
        Column("flags", label=_("Warnings"), accessor=_flags_text),
    ]
    list_filter = ["status"]
    search_fields = ["lot", "variant__product__name"]
    ordering = ["-production_date"]
    inspect_view_fields = [
        "lot",
        "variant",
        "enterprise",
        "production_date",
        "expiry_date",
        "quantity",
        "status",
        "published_at",
        "short_code",
    ]
    panels = [
        FieldPanel("variant"),
        FieldRowPanel([FieldPanel("lot"), FieldPanel("quantity")]),
        FieldRowPanel([FieldPanel("production_date"), FieldPanel("expiry_date")]),
        MultiFieldPanel(
            [
                FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("input_batches", widget=forms.CheckboxSelectMultiple),
                FieldPanel("certificates", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Origin"),
        ),
        InlinePanel("events", label=_("Steps"), heading=_("Harvest and processing")),
        FieldPanel("notes"),
    ]

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/publish/", PublishBatchView.as_view(), name="publish"),
            path("<int:pk>/copy/", CopyBatchView.as_view(), name="copy"),
            path("<int:pk>/serials/", SerialsView.as_view(), name="serials"),
            path("<int:pk>/labels/", LabelSheetView.as_view(), name="labels"),
            path("<int:pk>/labels/<int:run>/", LabelRunView.as_view(), name="label_run"),
            path("<int:pk>/labels/<int:run>/pdf/", label_file, name="label_file"),
            path("<int:pk>/steps/add/", AddEventView.as_view(), name="add_event"),
            path("<int:pk>/report/", LotReportView.as_view(), name="report"),
            path("serial/<int:serial_pk>/qr.<str:kind>", serial_qr, name="serial_qr"),
        ]


REPORT_ACTIONS = {
    "handle": Action(
        _("Mark handled"),
        lambda row, user, reason: services.handle_report(report=row, actor=user, note=reason),
        lambda user, row: row.status == SuspicionReport.Status.OPEN,
        reason_required=True,
        done=_("The report is marked handled."),
    ),
}


def _history(report: SuspicionReport) -> str:
    if report.serial is None:
        return ""
    return "; ".join(
        f"{row['day']:%d/%m} {province_name(row['province_code']) or '?'}: {row['count']}"
        for row in scan_history(serial=report.serial)
    )


class SuspicionReportViewSet(ScopedViewSet):
    model = SuspicionReport
    icon = "warning"
    menu_label = _("Suspected fakes")
    add_to_admin_menu = False
    add_view_enabled = False
    actions = REPORT_ACTIONS
    list_select_related = ("enterprise", "serial", "batch")
    list_display = [
        "__str__",
        "enterprise",
        "created_at",
        status_column(_("Status")),
        Column("history", label=_("Checks by day"), accessor=_history),
    ]
    list_filter = ["status", "kind"]
    search_fields = ["code", "message"]
    ordering = ["status", "-created_at"]
    inspect_view_fields = [
        "kind",
        "status",
        "enterprise",
        "batch",
        "serial",
        "code",
        "message",
        "contact",
        "created_at",
        "handled_at",
        "handling_note",
    ]
    panels = [FieldPanel("handling_note")]


class TraceabilityGroup(ViewSetGroup):
    menu_label = _("Traceability")
    menu_icon = "site"
    menu_order = 160
    items = (
        ProductionAreaViewSet("traceability_areas"),
        BatchViewSet("traceability_batches"),
        SuspicionReportViewSet("traceability_reports"),
    )


def register_policies(register: Any) -> None:
    register(
        ProductionArea, EnterpriseScopedPolicy(ProductionArea, enterprise_field="enterprise_id")
    )
    register(Batch, EnterpriseScopedPolicy(Batch, enterprise_field="enterprise_id"))
    register(
        TraceEvent, TraversingScopedPolicy(TraceEvent, enterprise_field="batch__enterprise_id")
    )
    register(Serial, TraversingScopedPolicy(Serial, enterprise_field="batch__enterprise_id"))
    register(
        SuspicionReport,
        EnterpriseScopedPolicy(SuspicionReport, enterprise_field="enterprise_id"),
    )
