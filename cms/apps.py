from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cms import menus, roles, sites
        from cms.models import OperatorSettings

        post_migrate.connect(roles.grant_editor_permissions, sender=self)
        # What can change a built menu's pages (their titles, addresses, being live) or sites.
        page_published.connect(menus.forget_menus, dispatch_uid="cms.menus.published")
        page_unpublished.connect(menus.forget_menus, dispatch_uid="cms.menus.unpublished")
        post_page_move.connect(menus.forget_menus, dispatch_uid="cms.menus.moved")
        post_delete.connect(menus.forget_menus, sender=Page, dispatch_uid="cms.menus.deleted")
        post_save.connect(menus.forget_menus, sender=Site, dispatch_uid="cms.menus.site")
        post_delete.connect(menus.forget_menus, sender=Site, dispatch_uid="cms.menus.site-gone")
        # The cached site of each host, and each site's cached settings (cms/sites.py).
        post_save.connect(sites.forget_sites, sender=Site, dispatch_uid="cms.sites.site")
        post_delete.connect(sites.forget_sites, sender=Site, dispatch_uid="cms.sites.site-gone")
        for signal in (post_save, post_delete):
            signal.connect(
                sites.forget_settings,
                sender=OperatorSettings,
                dispatch_uid=f"cms.sites.settings.{signal is post_save}",
            )
