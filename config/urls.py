from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from config import views
from config.api import api
from marketplace.admin_views import not_for_enterprise_members

# Wagtail's site history lists log entries by model, not by row: an enterprise's member would
# read other enterprises' product and batch names there. Caught before Wagtail's own URLs.
site_history = require_admin_access(not_for_enterprise_members(LogEntriesView.as_view()))
site_history_results = require_admin_access(
    not_for_enterprise_members(LogEntriesView.as_view(results_only=True))
)

urlpatterns = [
    path("admin/reports/site-history/", site_history),
    path("admin/reports/site-history/results/", site_history_results),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.health, name="health"),
    path("api/v1/", api.urls),
    path("payments/", include("payments.urls")),
    # GS1 Digital Link (/01/…), short links (/t/…): outside the language prefixes, since the
    # printed URLs never change with the language.
    path("", include("traceability.urls")),
    # sitemap.xml, robots.txt and product feeds: one address whatever the language
    path("", include("cms.urls")),
]

urlpatterns += i18n_patterns(
    path("tai-khoan/", include("accounts.urls")),
    path("", include("marketplace.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
