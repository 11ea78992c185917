from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product"),
    path("doanh-nghiep/", views.enterprise_directory, name="enterprises"),
    path("doanh-nghiep/<slug:slug>/", views.enterprise_detail, name="enterprise"),
]
