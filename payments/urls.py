"""Gateway URLs: outside i18n_patterns, so they never depend on the shopper's language."""

from django.urls import path

from payments import views
from payments.sandbox import momo as sandbox_momo
from payments.sandbox import vnpay as sandbox_vnpay
from payments.sandbox import zalopay as sandbox_zalopay

app_name = "payments"

urlpatterns = [
    path("vnpay/return/", views.vnpay_return, name="vnpay_return"),
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("momo/return/", views.momo_return, name="momo_return"),
    path("momo/ipn/", views.momo_ipn, name="momo_ipn"),
    path("zalopay/return/", views.zalopay_return, name="zalopay_return"),
    path("zalopay/callback/", views.zalopay_callback, name="zalopay_callback"),
    # The offline sandbox (404 unless PAYMENTS_SANDBOX is on).
    path("sandbox/vnpay/pay/", sandbox_vnpay.pay, name="sandbox_vnpay_pay"),
    path("sandbox/vnpay/api/", sandbox_vnpay.api, name="sandbox_vnpay_api"),
    path("sandbox/momo/v2/gateway/api/create", sandbox_momo.create, name="sandbox_momo_create"),
    path("sandbox/momo/v2/gateway/api/query", sandbox_momo.query, name="sandbox_momo_query"),
    path("sandbox/momo/v2/gateway/api/refund", sandbox_momo.refund, name="sandbox_momo_refund"),
    path("sandbox/momo/pay/<slug:token>/", sandbox_momo.pay, name="sandbox_momo_pay"),
    path("sandbox/zalopay/v2/create", sandbox_zalopay.create, name="sandbox_zalopay_create"),
    path("sandbox/zalopay/v2/query", sandbox_zalopay.query, name="sandbox_zalopay_query"),
    path("sandbox/zalopay/v2/refund", sandbox_zalopay.refund, name="sandbox_zalopay_refund"),
    path(
        "sandbox/zalopay/v2/query_refund",
        sandbox_zalopay.query_refund,
        name="sandbox_zalopay_query_refund",
    ),
    path("sandbox/zalopay/pay/<slug:token>/", sandbox_zalopay.pay, name="sandbox_zalopay_pay"),
]
