from __future__ import annotations

from wagtail import hooks

from cms.choosers import enterprise_chooser_viewset, product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_choosers() -> list:
    return [product_chooser_viewset, enterprise_chooser_viewset]
