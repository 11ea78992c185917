"""Admin choosers for marketplace rows that editors pick in pages (products, enterprises)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.chooser import ChooserViewSet

from marketplace.models import Enterprise, Product


class ProductChooserViewSet(ChooserViewSet):
    model = Product
    icon = "tag"
    register_widget = False  # marketplace forms keep their own, scoped, widgets
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit this product")

    def get_object_list(self):  # type: ignore[no-untyped-def]
        return Product.objects.on_storefront().select_related("enterprise").order_by("name")


class EnterpriseChooserViewSet(ChooserViewSet):
    model = Enterprise
    icon = "group"
    register_widget = False
    choose_one_text = _("Choose an enterprise")
    choose_another_text = _("Choose another enterprise")
    edit_item_text = _("Edit this enterprise")

    def get_object_list(self):  # type: ignore[no-untyped-def]
        return Enterprise.objects.approved().order_by("name")


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="cms/product-chooser")
enterprise_chooser_viewset = EnterpriseChooserViewSet(
    "enterprise_chooser", url_prefix="cms/enterprise-chooser"
)
ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="cms.choosers"
)
EnterpriseChooserBlock = enterprise_chooser_viewset.get_block_class(
    name="EnterpriseChooserBlock", module_path="cms.choosers"
)
