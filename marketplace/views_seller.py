"""The seller's front door: register a business, follow its approval, manage staff invitations.

Products, certificates and orders are managed in the Wagtail admin; these pages are what a
first-time seller meets before and around it, and they work on a phone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from marketplace import services
from marketplace.exceptions import InvitationUnusable, NotAMember
from marketplace.forms import EnterpriseRegistrationForm, InvitationForm
from marketplace.models import Enterprise, Invitation, Membership

AUTH_BACKEND = "accounts.backends.PhoneOrEmailBackend"


def _user(request: HttpRequest) -> User:
    """The signed-in user of a view behind login_required."""
    assert isinstance(request.user, User)
    return request.user


def _add_errors(form: EnterpriseRegistrationForm | InvitationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def register_business(request: HttpRequest) -> HttpResponse:
    """ "Đăng ký bán hàng": create the enterprise in `pending` with its owner (a new account
    unless the visitor is signed in), then show where the registration stands."""
    form = EnterpriseRegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user if request.user.is_authenticated else None
        try:
            services.register_enterprise(
                kind=data["kind"],
                name=data["name"],
                tax_code=data["tax_code"],
                representative=data["representative"],
                phone=data["phone"],
                email=data["email"],
                ward_code=data["ward_code"],
                street=data["street"],
                owner=signed_in,  # type: ignore[arg-type]
                owner_password=data.get("password1"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if signed_in is None:
                owner = User.objects.get(phone=data["phone"])
                login(request, owner, backend=AUTH_BACKEND)
            messages.success(
                request,
                _(
                    "Thank you! The Department of Industry and Trade will review your "
                    "registration and tell you by email."
                ),
            )
            return redirect("marketplace:seller_home")
    return render(request, "marketplace/seller/register.html", {"form": form})


@login_required
def seller_home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's enterprises: status and reason, members and open invitations."""
    memberships = list(
        Membership.objects.filter(user=_user(request))
        .select_related("enterprise")
        .prefetch_related(
            Prefetch(
                "enterprise__memberships",
                queryset=Membership.objects.select_related("user").order_by("role", "created_at"),
            ),
            Prefetch(
                "enterprise__invitations",
                queryset=Invitation.objects.open().order_by("-created_at"),
                to_attr="open_invitations",
            ),
        )
        .order_by("enterprise__name")
    )
    if not memberships:
        return redirect("marketplace:register_business")
    return render(
        request,
        "marketplace/seller/home.html",
        {"memberships": memberships, "invitation_form": InvitationForm()},
    )


@login_required
@require_POST
def invite_member(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.for_member(_user(request)), pk=enterprise_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_member(
                enterprise=enterprise,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                invited_by=_user(request),
            )
        except NotAMember as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            link = request.build_absolute_uri(
                reverse("marketplace:accept_invitation", args=[invitation.token])
            )
            messages.success(
                request,
                _("Invitation created. Send this link to the person: %(link)s") % {"link": link},
            )
            return redirect("marketplace:seller_home")
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))
    return redirect("marketplace:seller_home")


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.filter(enterprise__memberships__user=_user(request)),
        pk=invitation_id,
    )
    try:
        services.revoke_invitation(invitation=invitation, actor=_user(request))
    except NotAMember as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("marketplace:seller_home")


@login_required
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show whose invitation this is; joining takes a POST from the invited phone's account."""
    invitation = Invitation.objects.select_related("enterprise").filter(token=token).first()
    error = ""
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token=token, user=_user(request))
        except InvitationUnusable as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("You are now a member of %(name)s.") % {"name": membership.enterprise.name},
            )
            return redirect("marketplace:seller_home")
    elif invitation is None or not invitation.is_open:
        error = str(InvitationUnusable.default_message)
    status = 410 if error and (invitation is None or not invitation.is_open) else 200
    return render(
        request,
        "marketplace/seller/invitation.html",
        {"invitation": invitation if invitation and invitation.is_open else None, "error": error},
        status=status,
    )
