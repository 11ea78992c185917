from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import checks, roles  # noqa: F401  (checks: registers the system checks)

        post_migrate.connect(roles.ensure_role_groups_after_migrate, sender=self)
