"""The public "register your business" flow and staff invitations."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace import services
from marketplace.exceptions import InvitationUnusable, NotAMember
from marketplace.models import Enterprise, Invitation, Membership
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.marketplace.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "household",
    "name": "Hộ kinh doanh Chè Bà Hai",
    "tax_code": "0100233488",
    "representative": "Trần Thị Hai",
    "phone": "0987 111 222",
    "email": "chebahai@example.vn",
    "ward_code": "5503",
    "street": "Xóm Nam Đồng",
    "password1": TEST_PASSWORD,
    "password2": TEST_PASSWORD,
}


def test_a_visitor_registers_a_business_and_lands_on_its_status_page(client):
    # when
    response = client.post(reverse("marketplace:register_business"), FORM, follow=True)
    # then
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.status, enterprise.kind) == (
        "Hộ kinh doanh Chè Bà Hai",
        "pending",
        "household",
    )
    owner = User.objects.get(phone="+84987111222")
    assert Membership.objects.get(enterprise=enterprise).user == owner
    assert response.wsgi_request.user == owner
    html = response.content.decode()
    assert "Chờ phê duyệt" in html
    assert "Sở Công Thương sẽ xem xét" in html


def test_a_signed_in_shopper_registers_a_business_without_a_new_account(client):
    # given
    shopper = UserFactory(phone="+84987111222")
    client.force_login(shopper)
    data = {k: v for k, v in FORM.items() if not k.startswith("password")}
    # when
    response = client.post(reverse("marketplace:register_business"), data)
    # then
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert Membership.objects.get().user == shopper


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_code", "0100233489", "Hãy nhập mã số thuế hợp lệ"),
        ("phone", "12345", "số điện thoại Việt Nam hợp lệ"),
        ("ward_code", "1", "Hãy chọn một lựa chọn hợp lệ"),
        ("password2", "khác-hẳn-2026", "Hai mật khẩu không khớp nhau"),
        ("kind", "corporation", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_registration_shows_a_vietnamese_message_and_writes_nothing(
    client, field, value, message
):
    # when
    response = client.post(reverse("marketplace:register_business"), {**FORM, field: value})
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Enterprise.objects.count() == 0
    assert User.objects.count() == 0


def test_a_taken_tax_code_or_phone_is_refused_with_a_way_forward(client):
    # given
    EnterpriseFactory(tax_code="0100233488")
    UserFactory(phone="+84987111222")
    # when
    response = client.post(reverse("marketplace:register_business"), FORM)
    # then
    html = response.content.decode()
    assert "đã được đăng ký" in html
    assert "Hãy đăng nhập trước" in html
    assert Enterprise.objects.count() == 1


def test_seller_home_sends_a_user_without_a_business_to_registration(client):
    client.force_login(UserFactory())
    response = client.get(reverse("marketplace:seller_home"))
    assert response.url == reverse("marketplace:register_business")


def test_an_owner_invites_staff_who_joins_with_the_invited_phone(
    client, django_capture_on_commit_callbacks
):
    # given
    owner = MembershipFactory().user
    enterprise = owner.memberships.get().enterprise
    client.force_login(owner)
    # when: the owner invites, with an email address
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("marketplace:invite_member", args=[enterprise.pk]),
            {"phone": "0977 000 111", "email": "nhanvien@example.vn"},
        )
    # then
    invitation = Invitation.objects.get()
    assert (invitation.phone, invitation.enterprise) == ("+84977000111", enterprise)
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    # when: the invited person signs in and accepts
    staff = UserFactory(phone="+84977000111")
    client.force_login(staff)
    url = reverse("marketplace:accept_invitation", args=[invitation.token])
    assert enterprise.name in client.get(url).content.decode()
    client.post(url)
    # then
    assert Membership.objects.get(user=staff).role == "staff"
    invitation.refresh_from_db()
    assert invitation.accepted_by == staff
    assert staff.groups.filter(name="Thành viên doanh nghiệp").exists()


def test_an_invitation_works_once_and_only_for_the_invited_phone():
    # given
    owner = MembershipFactory().user
    enterprise = owner.memberships.get().enterprise
    invitation = services.invite_member(enterprise=enterprise, phone="0977000111", invited_by=owner)
    stranger = UserFactory(phone="+84977999999")
    invited = UserFactory(phone="+84977000111")
    # when / then: someone else cannot use the link
    with pytest.raises(InvitationUnusable):
        services.accept_invitation(token=invitation.token, user=stranger)
    assert not Membership.objects.filter(user=stranger).exists()
    # when / then: the invited person can, once
    services.accept_invitation(token=invitation.token, user=invited)
    with pytest.raises(InvitationUnusable):
        services.accept_invitation(token=invitation.token, user=invited)
    assert Membership.objects.filter(enterprise=enterprise).count() == 2


def test_expired_and_revoked_invitations_are_refused():
    # given
    owner = MembershipFactory().user
    enterprise = owner.memberships.get().enterprise
    invited = UserFactory(phone="+84977000111")
    expired = services.invite_member(enterprise=enterprise, phone="0977000111", invited_by=owner)
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # when / then
    with pytest.raises(InvitationUnusable):
        services.accept_invitation(token=expired.token, user=invited)
    # given: a new invitation replaces the old one, then is withdrawn
    fresh = services.invite_member(enterprise=enterprise, phone="0977000111", invited_by=owner)
    services.revoke_invitation(invitation=fresh, actor=owner)
    with pytest.raises(InvitationUnusable):
        services.accept_invitation(token=fresh.token, user=invited)
    assert Membership.objects.filter(user=invited).count() == 0


def test_only_owners_invite_and_only_into_their_own_enterprise(client):
    # given
    staff = MembershipFactory(role="staff").user
    enterprise = staff.memberships.get().enterprise
    other = EnterpriseFactory()
    # when / then: staff are refused by the service
    with pytest.raises(NotAMember):
        services.invite_member(enterprise=enterprise, phone="0977000111", invited_by=staff)
    # when / then: another enterprise's id is a 404, never an invitation
    owner = MembershipFactory().user
    client.force_login(owner)
    response = client.post(
        reverse("marketplace:invite_member", args=[other.pk]), {"phone": "0977000111"}
    )
    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_an_unknown_invitation_link_says_so(client):
    client.force_login(UserFactory())
    response = client.get(reverse("marketplace:accept_invitation", args=["khong-co"]))
    assert response.status_code == 410
    assert "không còn hiệu lực" in response.content.decode()
