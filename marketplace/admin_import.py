"""The product import offered to officers in the Wagtail admin (see marketplace/importer/).

Settings → "Import products" (/admin/marketplace/import/): upload a CSV or XLSX file, choose the
options of the `import_products` command, and read the same report: every problem with its line,
or the counts of what was (or, for a dry run, would be) created and updated.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.admin_menu import OfficerMenuItem
from accounts.models import User
from accounts.roles import Role, has_role
from marketplace.exceptions import ImportFileError
from marketplace.importer import COLUMNS, OPTIONAL_COLUMNS, import_products

MAX_UPLOAD_SIZE = 5 * 1024 * 1024
FILE_SUFFIXES = (".csv", ".xlsx")


class ImportProductsForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    publish = forms.BooleanField(
        label=gettext_lazy("Publish new products and approve new enterprises"),
        help_text=gettext_lazy("Otherwise they wait for review like any other."),
        required=False,
    )
    create_categories = forms.BooleanField(
        label=gettext_lazy("Create unknown categories"),
        help_text=gettext_lazy("Otherwise a category that is not found is an error."),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run)"),
        help_text=gettext_lazy("Check the file and count what would change, but write nothing."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV (UTF-8) or XLSX file of at most %(limit)s, one row per variant. For larger "
            "files, ask an administrator to run the import_products command."
        ) % {"limit": filesizeformat(MAX_UPLOAD_SIZE)}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in FILE_SUFFIXES:
            raise forms.ValidationError(_("Choose a CSV (UTF-8) or XLSX file."), code="file_type")
        if upload.size is not None and upload.size > MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest file accepted here is %(limit)s."),
                code="file_size",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_SIZE),
                },
            )
        return upload


class ImportProductsView(WagtailAdminTemplateMixin, FormView):
    """Upload a catalogue file, import it with the service the command uses, show the report.

    Officers (and administrators) only; anyone else is refused.
    """

    form_class = ImportProductsForm
    template_name = "marketplace/admin/import_products.html"
    page_title = gettext_lazy("Import products")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not has_role(request.user, Role.OFFICER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("marketplace_import_products"),
            submit_button_label=_("Import"),
            submit_button_active_label=_("Importing…"),
            columns=COLUMNS,
            optional_columns=OPTIONAL_COLUMNS,
        )
        return context

    def form_valid(self, form: ImportProductsForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        officer = self.request.user
        assert isinstance(officer, User)  # dispatch() let only officers in
        try:
            report = import_products(
                file=upload,
                filename=upload.name,
                publish=form.cleaned_data["publish"],
                create_categories=form.cleaned_data["create_categories"],
                dry_run=form.cleaned_data["dry_run"],
                actor=officer,
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, report=report))


@hooks.register("register_admin_urls")
def register_import_url() -> list[URLPattern]:
    return [
        path(
            "marketplace/import/",
            ImportProductsView.as_view(),
            name="marketplace_import_products",
        )
    ]


@hooks.register("register_settings_menu_item")
def register_import_menu_item() -> MenuItem:
    return OfficerMenuItem(
        gettext_lazy("Import products"),
        reverse("marketplace_import_products"),
        name="import-products",
        icon_name="upload",
        order=50,
    )
