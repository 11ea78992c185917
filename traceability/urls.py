"""Public traceability URLs. The Digital Link routes have no trailing slash (a trailing slash
makes a Digital Link invalid), and match only paths that start with a GS1 primary-key AI taken
from the syntax dictionary."""

from django.urls import path, re_path

from traceability import views
from traceability.gs1.dictionary import ai_rules

app_name = "traceability"

PRIMARY_KEYS = "|".join(
    sorted((ai for ai, rule in ai_rules().items() if rule.is_primary_key), key=len, reverse=True)
)

urlpatterns = [
    re_path(
        rf"^(?P<dl_path>(?:{PRIMARY_KEYS})/.*)$",
        views.resolve_digital_link,
        name="resolve",
    ),
    path("t/<slug:code>", views.short_link, name="short"),
    path("truy-xuat/bao-cao/", views.report_fake, name="report"),
]
