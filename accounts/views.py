from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts import services
from accounts.divisions import province_name, ward_choices
from accounts.forms import AddressForm, RegistrationForm, SignInForm

AUTH_BACKEND = "accounts.backends.PhoneOrEmailBackend"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def register(request: HttpRequest) -> HttpResponse:
    """Create a shopper account and sign the shopper in."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_user(
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect(_safe_next(request) or "accounts:profile")
    return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request)})


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    addresses = list(request.user.addresses.all())  # type: ignore[union-attr]
    return render(request, "accounts/profile.html", {"addresses": addresses})


@login_required
def add_address(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_address(
                user=request.user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                province_code=form.cleaned_data["province_code"],
                ward_code=form.cleaned_data["ward_code"],
                street=form.cleaned_data["street"],
                make_default=form.cleaned_data["make_default"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The address has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/address_form.html", {"form": form})


@require_GET
@cache_control(public=True, max_age=86400)
def wards_json(request: HttpRequest, province_code: int) -> JsonResponse:
    """Wards of a province, for the address forms' ward list."""
    if not province_name(province_code):
        return JsonResponse(
            {"error": {"code": "unknown_province", "message": _("Unknown province.")}}, status=404
        )
    wards = [{"code": code, "name": name} for code, name in ward_choices(province_code)]
    return JsonResponse({"province_code": province_code, "wards": wards})


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers after too many failed sign-ins (HTTP 429)."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes},
        status=429,
    )
