"""Put the storefront's HomePage at the root of the default site, replacing Wagtail's welcome page."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    Page.objects.filter(depth=2, content_type__model="page", url_path="/home/").delete()
    homepage_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale, _created = Locale.objects.get_or_create(language_code="vi")
    if HomePage.objects.exists():
        return
    homepage = HomePage.objects.create(
        title="Sàn OCOP Thái Nguyên",
        draft_title="Sàn OCOP Thái Nguyên",
        slug="trang-chu",
        content_type=homepage_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/trang-chu/",
        locale=locale,
        intro="Đặc sản OCOP và chè Thái Nguyên từ doanh nghiệp, hợp tác xã và hộ sản xuất, "
        "truy xuất nguồn gốc bằng mã QR.",
        search_description="Mua sản phẩm OCOP và chè Thái Nguyên chính gốc, "
        "quét mã QR để xem nguồn gốc.",
        seo_title="Sàn OCOP Thái Nguyên – đặc sản và chè chính gốc",
        live=True,
        has_unpublished_changes=False,
        first_published_at=None,
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": homepage, "site_name": "Sàn OCOP Thái Nguyên"},
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


def remove_homepage(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
