from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    verbose_name = _("Traceability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from traceability import roles

        post_migrate.connect(roles.grant_traceability_permissions, sender=self)
