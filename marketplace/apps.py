from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from marketplace import categories, page_cache, roles
        from marketplace.cart_session import claim_guest_orders, merge_guest_cart
        from marketplace.payment_backend import MarketplaceOrders
        from payments.orders import register_order_backend

        post_migrate.connect(categories.ensure_default_categories, sender=self)
        post_migrate.connect(roles.grant_marketplace_permissions, sender=self)
        register_order_backend(MarketplaceOrders())
        page_cache.connect_signals()
        user_logged_in.connect(merge_guest_cart, dispatch_uid="marketplace_merge_cart")
        user_logged_in.connect(claim_guest_orders, dispatch_uid="marketplace_claim_orders")
