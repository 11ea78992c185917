from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms import roles

        post_migrate.connect(roles.grant_editor_permissions, sender=self)
