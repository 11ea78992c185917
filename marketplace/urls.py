from django.urls import path

from marketplace import views, views_orders, views_seller

app_name = "marketplace"

urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product"),
    path("doanh-nghiep/", views.enterprise_directory, name="enterprises"),
    path("doanh-nghiep/<slug:slug>/", views.enterprise_detail, name="enterprise"),
    path("gio-hang/", views_orders.cart, name="cart"),
    path("gio-hang/them/", views_orders.cart_add, name="cart_add"),
    path("gio-hang/dong/<int:line_id>/", views_orders.cart_line, name="cart_line"),
    path("thanh-toan/", views_orders.checkout, name="checkout"),
    path("tra-cuu-don-hang/", views_orders.order_lookup, name="order_lookup"),
    path("don-hang-cua-toi/", views_orders.my_orders, name="my_orders"),
    path("don-hang/<slug:code>/", views_orders.order_detail, name="order"),
    path("don-hang/<slug:code>/huy/", views_orders.order_cancel, name="order_cancel"),
    path("don-hang/<slug:code>/thanh-toan/", views_orders.order_pay, name="order_pay"),
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
    path(
        "ban-hang/loi-moi/<slug:token>/", views_seller.accept_invitation, name="accept_invitation"
    ),
]
