"""The daily job: expiring agreements past their end and reminding the parties' admins."""

import datetime as dt

import pytest
from django.core import mail

from agreements import services
from agreements.models import AgreementStatus, ExpiryReminder
from agreements.tasks import agreements_daily
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.notifications import tasks as notification_tasks
from portal.notifications.models import Notification
from tests.agreements.factories import AgreementFactory, PartyFactory, days

pytestmark = pytest.mark.django_db

END = dt.date(2026, 6, 30)


def before_end(n: int, end: dt.date = END) -> dt.date:
    return end - dt.timedelta(days=n)


def expiry_notifications(user=None):
    qs = Notification.objects.filter(kind="agreement_expiry")
    return qs.filter(recipient=user) if user is not None else qs


# --- Expiry --------------------------------------------------------------------------------


def test_expire_due_flips_only_active_agreements_past_their_end():
    ref = dt.date(2026, 3, 1)
    ended_yesterday = AgreementFactory(
        effective_from=dt.date(2025, 1, 1), effective_until=ref - dt.timedelta(days=1)
    )
    ended_long_ago = AgreementFactory(
        effective_from=dt.date(2024, 1, 1), effective_until=dt.date(2025, 1, 1)
    )
    ends_today = AgreementFactory(effective_from=dt.date(2025, 1, 1), effective_until=ref)
    open_ended = AgreementFactory(effective_from=dt.date(2025, 1, 1), effective_until=None)
    draft = AgreementFactory(
        draft=True, effective_from=dt.date(2025, 1, 1), effective_until=dt.date(2025, 6, 1)
    )
    terminated = AgreementFactory(
        terminated=True,
        effective_from=dt.date(2025, 1, 1),
        effective_until=dt.date(2025, 6, 1),
        terminated_on=dt.date(2025, 3, 1),
    )

    expired = services.agreements_expire_due(today=ref)

    assert {a.pk for a in expired} == {ended_yesterday.pk, ended_long_ago.pk}
    statuses = {
        a.pk: type(a).objects.get(pk=a.pk).status
        for a in (ended_yesterday, ended_long_ago, ends_today, open_ended, draft, terminated)
    }
    assert statuses == {
        ended_yesterday.pk: AgreementStatus.EXPIRED,
        ended_long_ago.pk: AgreementStatus.EXPIRED,
        ends_today.pk: AgreementStatus.ACTIVE,
        open_ended.pk: AgreementStatus.ACTIVE,
        draft.pk: AgreementStatus.DRAFT,
        terminated.pk: AgreementStatus.TERMINATED,
    }


def test_expire_due_audits_each_expiry_once():
    ref = dt.date(2026, 3, 1)
    agreement = AgreementFactory(
        effective_from=dt.date(2025, 1, 1), effective_until=dt.date(2026, 2, 28)
    )

    services.agreements_expire_due(today=ref)
    again = services.agreements_expire_due(today=ref)

    assert again == []
    [entry] = AuditEntry.objects.filter(
        action="agreement_expired", target_type="agreements.Agreement", target_id=str(agreement.pk)
    )
    assert entry.actor is None
    assert entry.actor_label == "Sinergi"
    assert entry.data == {"effective_until": "2026-02-28"}


# --- Expiry reminders ----------------------------------------------------------------------


@pytest.fixture
def ending(kanwil, bp3mi):
    """An active agreement ending on END between the Kanwil and BP3MI."""
    agreement = AgreementFactory(
        title="PKS Kanwil Imigrasi Banten - BP3MI Banten",
        effective_from=dt.date(2025, 11, 18),
        effective_until=END,
    )
    PartyFactory(agreement=agreement, agency=kanwil, covers_child_offices=True)
    PartyFactory(agreement=agreement, agency=bp3mi)
    return agreement


@pytest.fixture
def people(make_user, kanwil, bp3mi, polda_admin):
    return {
        "kanwil_admin": make_user(User.Role.AGENCY_ADMIN, kanwil, totp=False),
        "bp3mi_admin": make_user(User.Role.AGENCY_ADMIN, bp3mi, totp=False),
        "bp3mi_admin_2": make_user(User.Role.AGENCY_ADMIN, bp3mi, totp=False),
        "inactive_admin": make_user(User.Role.AGENCY_ADMIN, bp3mi, totp=False, is_active=False),
        "officer": make_user(User.Role.OFFICER, kanwil),
        "supervisor": make_user(User.Role.SUPERVISOR, bp3mi, totp=False),
        "kanwil_system_admin": make_user(User.Role.SYSTEM_ADMIN, kanwil, totp=False),
        "other_agency_admin": polda_admin,
    }


@pytest.fixture
def polda_admin(make_user, db):
    from tests.factories import AgencyFactory

    polda = AgencyFactory(name="Kepolisian Daerah Banten", short_name="Polda Banten", kind="police")
    return make_user(User.Role.AGENCY_ADMIN, polda, totp=False)


ADMINS = ("kanwil_admin", "bp3mi_admin", "bp3mi_admin_2")
OTHERS = ("inactive_admin", "officer", "supervisor", "kanwil_system_admin", "other_agency_admin")


def counts(people):
    return {name: expiry_notifications(user).count() for name, user in people.items()}


def expect(admins: int):
    return {**dict.fromkeys(ADMINS, admins), **dict.fromkeys(OTHERS, 0)}


def test_reminders_go_to_party_admins_at_60_30_and_7_days(ending, people):
    assert services.agreements_send_expiry_reminders(today=before_end(61)) == []
    assert counts(people) == expect(0)

    sent = services.agreements_send_expiry_reminders(today=before_end(60))
    assert [(r.agreement_id, r.days_before) for r in sent] == [(ending.pk, 60)]
    assert counts(people) == expect(1)

    assert services.agreements_send_expiry_reminders(today=before_end(60)) == []  # same day again
    assert counts(people) == expect(1)

    assert services.agreements_send_expiry_reminders(today=before_end(59)) == []
    assert services.agreements_send_expiry_reminders(today=before_end(31)) == []
    assert counts(people) == expect(1)

    sent = services.agreements_send_expiry_reminders(today=before_end(30))
    assert [r.days_before for r in sent] == [30]
    assert counts(people) == expect(2)
    services.agreements_send_expiry_reminders(today=before_end(29))
    assert counts(people) == expect(2)

    sent = services.agreements_send_expiry_reminders(today=before_end(7))
    assert [r.days_before for r in sent] == [7]
    assert counts(people) == expect(3)

    for n in (7, 6, 1, 0):
        assert services.agreements_send_expiry_reminders(today=before_end(n)) == []
    assert counts(people) == expect(3)


def test_reminder_says_how_many_days_are_left(ending, people):
    services.agreements_send_expiry_reminders(today=before_end(60))

    notification = expiry_notifications(people["kanwil_admin"]).get()
    assert notification.params == {"title": ending.title, "end": "30-06-2026", "days": 60}
    assert notification.url == ending.get_absolute_url()
    assert "30-06-2026" in notification.text


def test_reminder_is_audited_on_the_agreement(ending, people):
    services.agreements_send_expiry_reminders(today=before_end(60))
    services.agreements_send_expiry_reminders(today=before_end(60))

    [entry] = AuditEntry.objects.filter(
        action="expiry_reminder_sent", target_id=str(ending.pk), target_type="agreements.Agreement"
    )
    assert entry.data == {"days_before": 60, "days_left": 60}


def test_missed_days_are_caught_up_with_one_reminder_each(ending, people):
    sent = services.agreements_send_expiry_reminders(today=before_end(45))
    assert [r.days_before for r in sent] == [60]
    assert counts(people) == expect(1)
    assert expiry_notifications(people["bp3mi_admin"]).get().params["days"] == 45

    assert services.agreements_send_expiry_reminders(today=before_end(40)) == []
    assert counts(people) == expect(1)

    sent = services.agreements_send_expiry_reminders(today=before_end(20))
    assert [r.days_before for r in sent] == [30]
    assert counts(people) == expect(2)


def test_a_late_first_run_sends_only_the_nearest_reminder(ending, people):
    sent = services.agreements_send_expiry_reminders(today=before_end(5))

    assert [r.days_before for r in sent] == [7]
    assert counts(people) == expect(1)
    assert set(
        ExpiryReminder.objects.filter(agreement=ending).values_list("days_before", flat=True)
    ) == {60, 30, 7}
    assert services.agreements_send_expiry_reminders(today=before_end(4)) == []
    assert counts(people) == expect(1)


@pytest.mark.parametrize(
    "state",
    [
        pytest.param({"draft": True}, id="draft"),
        pytest.param({"status": AgreementStatus.EXPIRED}, id="expired"),
        pytest.param({"terminated": True, "terminated_on": dt.date(2026, 1, 1)}, id="terminated"),
    ],
)
def test_agreements_not_active_get_no_reminder(kanwil, bp3mi, people, state):
    agreement = AgreementFactory(effective_from=dt.date(2025, 11, 18), effective_until=END, **state)
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)

    assert services.agreements_send_expiry_reminders(today=before_end(30)) == []
    assert counts(people) == expect(0)


def test_open_ended_agreement_gets_no_reminder(kanwil, bp3mi, people):
    agreement = AgreementFactory(effective_from=dt.date(2025, 11, 18), effective_until=None)
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)

    assert services.agreements_send_expiry_reminders(today=dt.date(2026, 6, 1)) == []
    assert counts(people) == expect(0)


def test_extending_the_end_date_starts_the_reminders_again(ending, people, system_admin):
    for n in (60, 30, 7):
        services.agreements_send_expiry_reminders(today=before_end(n))
    assert counts(people) == expect(3)

    new_end = dt.date(2027, 6, 30)
    services.agreement_update(actor=system_admin, agreement=ending, effective_until=new_end)

    assert services.agreements_send_expiry_reminders(today=before_end(6)) == []
    assert services.agreements_send_expiry_reminders(today=before_end(61, new_end)) == []
    assert counts(people) == expect(3)
    for n, total in ((60, 4), (60, 4), (59, 4), (30, 5), (7, 6)):
        services.agreements_send_expiry_reminders(today=before_end(n, new_end))
        assert counts(people) == expect(total)
    latest = expiry_notifications(people["kanwil_admin"]).order_by("-id").first()
    assert latest.params["end"] == "30-06-2027"


# --- E-mail --------------------------------------------------------------------------------


def test_each_new_notification_is_emailed_after_commit_once(
    ending, people, monkeypatch, django_capture_on_commit_callbacks
):
    scheduled = []
    monkeypatch.setattr(notification_tasks.send_notification_email, "delay", scheduled.append)

    with django_capture_on_commit_callbacks(execute=True):
        services.agreements_send_expiry_reminders(today=before_end(60))
    first = set(expiry_notifications().values_list("pk", flat=True))
    assert len(first) == len(ADMINS)
    assert sorted(scheduled) == sorted(first)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.agreements_send_expiry_reminders(today=before_end(60))
    assert callbacks == []
    assert sorted(scheduled) == sorted(first)

    with django_capture_on_commit_callbacks(execute=True):
        services.agreements_send_expiry_reminders(today=before_end(30))
    second = set(expiry_notifications().values_list("pk", flat=True)) - first
    assert len(second) == len(ADMINS)
    assert sorted(scheduled) == sorted(first | second)


def test_nothing_is_emailed_before_the_commit(
    ending, people, monkeypatch, django_capture_on_commit_callbacks
):
    scheduled = []
    monkeypatch.setattr(notification_tasks.send_notification_email, "delay", scheduled.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.agreements_send_expiry_reminders(today=before_end(60))

    assert scheduled == []
    assert len(callbacks) == len(ADMINS)


def test_notification_email_is_sent_once_however_often_the_task_runs(ending, people):
    services.agreements_send_expiry_reminders(today=before_end(60))
    notification = expiry_notifications(people["bp3mi_admin"]).get()

    assert notification_tasks.send_notification_email(notification.pk) is True
    assert notification_tasks.send_notification_email(notification.pk) is False

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [people["bp3mi_admin"].email]
    assert ending.title in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None


# --- The Celery task -----------------------------------------------------------------------


def test_agreements_daily_expires_and_reminds(kanwil, bp3mi, people):
    past = AgreementFactory(effective_from=days(-400), effective_until=days(-1))
    in_sixty = AgreementFactory(effective_from=days(-400), effective_until=days(60))
    in_thirty = AgreementFactory(effective_from=days(-400), effective_until=days(30))
    AgreementFactory(effective_from=days(-400), effective_until=days(90))
    AgreementFactory(effective_from=days(-400), effective_until=days(61))
    for agreement in (past, in_sixty, in_thirty):
        PartyFactory(agreement=agreement, agency=kanwil)
        PartyFactory(agreement=agreement, agency=bp3mi)

    result = agreements_daily()

    assert result["expired"] == [past.pk]
    assert sorted(result["reminded"]) == sorted([in_sixty.pk, in_thirty.pk])
    past.refresh_from_db()
    assert past.status == AgreementStatus.EXPIRED
    assert set(
        ExpiryReminder.objects.filter(agreement=in_thirty, effective_until=days(30)).values_list(
            "days_before", flat=True
        )
    ) == {60, 30}

    again = agreements_daily()

    assert again == {"expired": [], "reminded": []}
