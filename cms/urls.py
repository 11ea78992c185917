from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feeds/products.xml", views.product_feed, {"fmt": "xml"}, name="feed_xml"),
    path("feeds/products.csv", views.product_feed, {"fmt": "csv"}, name="feed_csv"),
]
