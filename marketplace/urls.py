from django.urls import path

from marketplace import views, views_seller

app_name = "marketplace"

urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product"),
    path("doanh-nghiep/", views.enterprise_directory, name="enterprises"),
    path("doanh-nghiep/<slug:slug>/", views.enterprise_detail, name="enterprise"),
    path("ban-hang/", views_seller.seller_home, name="seller_home"),
    path("ban-hang/dang-ky/", views_seller.register_business, name="register_business"),
    path(
        "ban-hang/<int:enterprise_id>/moi-nhan-vien/",
        views_seller.invite_member,
        name="invite_member",
    ),
    path(
        "ban-hang/loi-moi/<int:invitation_id>/thu-hoi/",
        views_seller.revoke_invitation,
        name="revoke_invitation",
    ),
    path("ban-hang/loi-moi/<str:token>/", views_seller.accept_invitation, name="accept_invitation"),
]
