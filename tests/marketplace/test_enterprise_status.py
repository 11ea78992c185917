import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from marketplace import services
from marketplace.exceptions import InvalidTransition, ReasonRequired
from marketplace.models import Enterprise, EnterpriseEvent, Membership
from marketplace.tasks import notify_enterprise_status
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

S = Enterprise.Status


def _register(**overrides):
    data = {
        "kind": "cooperative",
        "name": "HTX Chè Sương Mai",
        "tax_code": "0100233488",
        "representative": "Hoàng Văn Bình",
        "phone": "0912 345 678",
        "email": "suongmai@example.vn",
        "ward_code": 5503,
        "owner_password": "chè-tân-cương-2026",
    }
    data.update(overrides)
    return services.register_enterprise(**data)


def test_register_enterprise_creates_owner_pending_enterprise_and_event():
    # when
    enterprise = _register(tax_code="0100233488001")
    # then
    assert enterprise.status == S.PENDING
    assert enterprise.tax_code == "0100233488-001"
    owner = Membership.objects.get(enterprise=enterprise).user
    assert owner.phone == "+84912345678"
    assert owner.is_staff
    assert list(enterprise.events.values_list("from_status", "to_status")) == [("", "pending")]


@pytest.mark.parametrize(
    ("field", "value"),
    [("tax_code", "0100233489"), ("tax_code", "12345"), ("phone", "123"), ("ward_code", 99999999)],
)
def test_register_enterprise_refuses_bad_input_and_writes_nothing(field, value):
    with pytest.raises(ValidationError):
        _register(**{field: value})
    assert Enterprise.objects.count() == 0
    assert User.objects.count() == 0
    assert Membership.objects.count() == 0


def test_register_enterprise_refuses_a_known_tax_code():
    EnterpriseFactory(tax_code="0100233488")
    with pytest.raises(ValidationError) as error:
        _register(phone="0987654321")
    assert "tax_code" in error.value.message_dict
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("approve", S.PENDING, S.APPROVED),
        ("reject", S.PENDING, S.REJECTED),
        ("suspend", S.APPROVED, S.SUSPENDED),
        ("reinstate", S.SUSPENDED, S.APPROVED),
    ],
)
def test_allowed_transitions_write_an_event_and_email_the_owner(
    action, start, end, django_capture_on_commit_callbacks
):
    # given
    officer = UserFactory()
    owner = UserFactory(email="owner@example.vn")
    enterprise = EnterpriseFactory(status=start)
    Membership.objects.create(enterprise=enterprise, user=owner, role="owner")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = getattr(services, f"{action}_enterprise")(
            enterprise=enterprise, officer=officer, reason="Hồ sơ đầy đủ"
        )
    # then
    assert result.status == end
    event = EnterpriseEvent.objects.get(enterprise=enterprise)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        start,
        end,
        officer,
        "Hồ sơ đầy đủ",
    )
    assert event.notified_at is not None
    assert len(mail.outbox) == 1
    assert "owner@example.vn" in mail.outbox[0].to
    assert enterprise.name in mail.outbox[0].subject


REFUSED = [
    ("approve", S.APPROVED),
    ("approve", S.REJECTED),
    ("approve", S.SUSPENDED),
    ("reject", S.APPROVED),
    ("reject", S.SUSPENDED),
    ("reject", S.REJECTED),
    ("suspend", S.PENDING),
    ("suspend", S.SUSPENDED),
    ("suspend", S.REJECTED),
    ("reinstate", S.PENDING),
    ("reinstate", S.APPROVED),
    ("reinstate", S.REJECTED),
]


@pytest.mark.parametrize(("action", "start"), REFUSED)
def test_refused_transitions_change_nothing(action, start):
    enterprise = EnterpriseFactory(status=start)
    with pytest.raises(InvalidTransition):
        getattr(services, f"{action}_enterprise")(enterprise=enterprise, officer=None, reason="x")
    enterprise.refresh_from_db()
    assert enterprise.status == start
    assert not EnterpriseEvent.objects.exists()
    assert mail.outbox == []


def test_rejection_needs_a_reason():
    enterprise = EnterpriseFactory(status=S.PENDING)
    with pytest.raises(ReasonRequired):
        services.reject_enterprise(enterprise=enterprise, officer=None, reason="  ")
    enterprise.refresh_from_db()
    assert enterprise.status == S.PENDING


def test_the_email_is_sent_once_even_if_the_task_runs_twice(django_capture_on_commit_callbacks):
    owner = UserFactory(email="owner@example.vn")
    enterprise = EnterpriseFactory(status=S.PENDING)
    Membership.objects.create(enterprise=enterprise, user=owner, role="owner")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_enterprise(enterprise=enterprise, officer=None)
    event = EnterpriseEvent.objects.get(enterprise=enterprise)
    notify_enterprise_status.call(event_id=event.pk)
    assert len(mail.outbox) == 1
