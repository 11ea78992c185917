import pytest
from django.template.loader import render_to_string
from wagtail.models import Page, Site

from cms.models import HomePage, OperatorSettings

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_root_of_the_default_site():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page.pk).exists()


def test_home_page_in_vietnamese_by_default(client):
    # given
    OperatorSettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        hotline="0208 3855 123",
        address="Số 4 Hoàng Văn Thụ",
    )
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert (
        '<meta name="description" content="Mua sản phẩm OCOP và chè Thái Nguyên chính gốc' in html
    )
    assert 'rel="icon"' in html
    assert "Chuyển đến nội dung chính" in html
    assert "0208 3855 123" in html
    assert 'hreflang="en" href="http://testserver/en/"' in html


def test_home_page_in_english(client):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert 'hreflang="vi" href="http://testserver/"' in html


def test_language_switcher_keeps_the_current_page(client):
    response = client.get("/tai-khoan/dang-nhap/")
    html = response.content.decode()
    assert 'href="http://testserver/en/tai-khoan/dang-nhap/" hreflang="en"' in html


def test_unknown_page_gets_the_site_404_in_vietnamese(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang bạn cần" in response.content.decode()


def test_server_error_page_is_self_contained():
    html = render_to_string("500.html")
    assert "Xin lỗi, đã có lỗi xảy ra" in html
    assert "{%" not in html
