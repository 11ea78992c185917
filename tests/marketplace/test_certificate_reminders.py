"""Reminders 90, 30 and 7 days before a certificate expires, each sent once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role, assign_role
from marketplace.reminders import due_threshold, remind_expiring_certificates
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import CertificateFactory, EnterpriseFactory
from traceability.models import CertificateReminder

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def expiring_in(days, **kwargs):
    return CertificateFactory(
        expires_on=TODAY + datetime.timedelta(days=days),
        issued_on=TODAY - datetime.timedelta(days=800),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_the_most_urgent_threshold_reached_is_due(days_left, threshold):
    assert due_threshold(days_left) == threshold


def test_each_enterprise_is_reminded_once_per_threshold_and_officers_get_a_digest():
    # given
    officer = UserFactory(email="canbo@sct.example.vn")
    assign_role(officer, Role.OFFICER)
    enterprise = EnterpriseFactory(email="htx@example.vn")
    ninety = expiring_in(90, enterprise=enterprise, number="90/QĐ-UBND")
    expiring_in(30, enterprise=enterprise, number="30/QĐ-UBND")
    not_yet = expiring_in(120, enterprise=enterprise)
    expiring_in(5, enterprise=enterprise, revoked_at=timezone.now())  # revoked: never
    # when
    first = remind_expiring_certificates(today=TODAY)
    second = remind_expiring_certificates(today=TODAY)
    # then
    assert sorted((r.certificate.number, r.days_before) for r in first) == [
        ("30/QĐ-UBND", 30),
        ("90/QĐ-UBND", 90),
    ]
    assert second == []
    assert [message.to for message in mail.outbox] == [
        ["htx@example.vn"],
        ["htx@example.vn"],
        ["canbo@sct.example.vn"],
    ]
    assert "30/QĐ-UBND" in mail.outbox[2].body
    # when: sixty days later the first certificate reaches the 30-day threshold and the
    # one that was not yet due reaches the 90-day one
    later = remind_expiring_certificates(today=TODAY + datetime.timedelta(days=60))
    # then
    assert [(r.certificate, r.days_before) for r in later] == [(ninety, 30), (not_yet, 90)]
    assert CertificateReminder.objects.count() == 4


def test_a_reminder_is_not_recorded_when_the_email_cannot_be_sent(monkeypatch):
    # given
    expiring_in(7, enterprise=EnterpriseFactory(email="htx@example.vn"))

    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("marketplace.mail.send_mail", broken)
    # when
    with pytest.raises(ConnectionRefusedError):
        remind_expiring_certificates(today=TODAY)
    # then: tomorrow's run will try again
    assert CertificateReminder.objects.count() == 0


def test_the_daily_command_sends_the_reminders(monkeypatch):
    # given
    expiring_in(7, enterprise=EnterpriseFactory(email="htx@example.vn"))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    # when
    call_command("run_daily_jobs")
    call_command("run_daily_jobs")
    # then
    assert len(mail.outbox) == 1
    assert "7 ngày" in mail.outbox[0].subject
