"""Demo site settings: the operator's contacts in the footer."""

from __future__ import annotations

from wagtail.models import Site

from cms.models import OperatorSettings


def seed_site() -> None:
    site = Site.objects.get(is_default_site=True)
    settings = OperatorSettings.for_site(site)
    if not settings.address:
        settings.operator_name = "Sở Công Thương tỉnh Thái Nguyên"
        settings.address = "Số 4 đường Hoàng Văn Thụ, phường Phan Đình Phùng, tỉnh Thái Nguyên"
        settings.hotline = "0208 3855 123"
        settings.email = "hotro@ocop.example.vn"
        settings.save()
