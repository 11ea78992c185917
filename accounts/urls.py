from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("", views.profile, name="profile"),
    path("dia-chi/them/", views.add_address, name="add_address"),
    path("tinh/<int:province_code>/phuong-xa.json", views.wards_json, name="wards_json"),
]
