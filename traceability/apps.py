from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    verbose_name = _("Traceability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from traceability import page_cache, roles, scanlog

        page_cache.connect_signals()
        request_finished.connect(scanlog.flush_if_due, dispatch_uid="trace-scan-flush")
        post_migrate.connect(roles.grant_traceability_permissions, sender=self)
