from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from marketplace import categories, roles

        post_migrate.connect(categories.ensure_default_categories, sender=self)
        post_migrate.connect(roles.grant_marketplace_permissions, sender=self)
