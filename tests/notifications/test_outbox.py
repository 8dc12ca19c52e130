"""The transactional outbox and the notifications it turns into: written with the change,
queued only after the commit, delivered once to the right users, e-mailed once in each
reader's language unless muted; the sweeps; the preferences page and the language switch."""

import datetime as dt
from unittest import mock

import pytest
from celery import current_app
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.notifications import services, tasks
from portal.notifications.kinds import EMAIL_KINDS
from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver, notify, preferences_update, publish
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

MESSAGE = "%(agency)s accepted the referral of report %(number)s."  # as services.py writes it
PARAMS = {"agency": "BP3MI Banten", "number": "IND-36-2025-000042"}
KIND = "referral_accepted"


def event_kwargs(**overrides):
    kwargs = {
        "kind": KIND,
        "message": MESSAGE,
        "params": PARAMS,
        "url": "/reports/referral/1/",
        "dedupe_key": "referral:1:accepted",
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def people(make_user, kanim, bp3mi):
    """Users of Kanim Tangerang in every role, an inactive officer, and a BP3MI officer."""
    inactive = make_user("officer", kanim, username="pensiun")
    inactive.is_active = False
    inactive.save()
    return {
        "officer": make_user("officer", kanim, username="officer1"),
        "officer2": make_user("officer", kanim, username="officer2"),
        "supervisor": make_user("supervisor", kanim, username="supervisor1"),
        "admin": make_user("agency_admin", kanim, username="admin1"),
        "sysadmin": make_user("system_admin", kanim, username="sysadmin1"),
        "inactive": inactive,
        "bp3mi": make_user("officer", bp3mi, username="bp3mi1"),
    }


def usernames(qs) -> set[str]:
    return set(qs.values_list("recipient__username", flat=True))


# --- publish -------------------------------------------------------------------------------


def test_publish_in_a_rolled_back_transaction_leaves_nothing(
    kanim, django_capture_on_commit_callbacks
):
    def change_that_fails():
        with transaction.atomic():
            publish(**event_kwargs(), agency_ids=[kanim.pk])
            assert OutboxEvent.objects.count() == 1
            raise RuntimeError("the change itself failed")

    with (
        mock.patch.object(tasks.deliver_event, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="failed"),
    ):
        change_that_fails()
    assert not OutboxEvent.objects.exists()
    assert callbacks == []
    assert not delay.called


def test_publish_queues_delivery_only_after_the_commit(kanim, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.deliver_event, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            event = publish(**event_kwargs(), agency_ids=[kanim.pk, kanim.pk])
        assert not delay.called
        assert len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(event.pk)
    assert event.agency_ids == [kanim.pk]
    assert event.roles == ["officer", "supervisor"]
    assert event.processed_at is None


def test_the_same_event_twice_is_one_event(kanim, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.deliver_event, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = publish(**event_kwargs(), agency_ids=[kanim.pk])
        second = publish(**event_kwargs(), agency_ids=[kanim.pk])
    assert first is not None
    assert second is None
    assert OutboxEvent.objects.count() == 1
    delay.assert_called_once_with(first.pk)


def test_a_broker_outage_at_commit_loses_nothing(kanim, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.deliver_event, "delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = publish(**event_kwargs(), agency_ids=[kanim.pk])  # no error page
    OutboxEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with mock.patch.object(tasks.deliver_event, "delay") as delay:
        assert tasks.deliver_pending_events() == 1
    delay.assert_called_once_with(event.pk)


# --- deliver -------------------------------------------------------------------------------


def test_deliver_tells_active_officers_and_supervisors_of_the_agency_but_not_the_actor(
    kanim, people
):
    event = publish(**event_kwargs(), agency_ids=[kanim.pk], exclude_user=people["officer"])
    assert deliver(event_id=event.pk) == 2
    assert usernames(Notification.objects.all()) == {"officer2", "supervisor1"}
    event.refresh_from_db()
    assert event.processed_at is not None
    notification = Notification.objects.get(recipient=people["supervisor"])
    assert (notification.kind, notification.url) == (KIND, "/reports/referral/1/")
    assert notification.dedupe_key == "referral:1:accepted"


def test_deliver_is_idempotent(kanim, people):
    event = publish(**event_kwargs(), agency_ids=[kanim.pk])
    assert deliver(event_id=event.pk) == 3
    assert deliver(event_id=event.pk) == 0
    # Even if the event were processed again (a worker died before stamping it), nobody is
    # told twice: a notification is unique per recipient and dedupe key.
    OutboxEvent.objects.filter(pk=event.pk).update(processed_at=None)
    assert deliver(event_id=event.pk) == 0
    assert Notification.objects.count() == 3
    assert deliver(event_id=999_999) == 0


def test_deliver_to_supervisors_only(kanim, people):
    event = publish(**event_kwargs(), agency_ids=[kanim.pk], roles=["supervisor"])
    assert deliver(event_id=event.pk) == 1
    assert usernames(Notification.objects.all()) == {"supervisor1"}


def test_deliver_to_several_agencies(kanim, bp3mi, people):
    event = publish(**event_kwargs(), agency_ids=[kanim.pk, bp3mi.pk])
    deliver(event_id=event.pk)
    assert usernames(Notification.objects.all()) == {
        "officer1",
        "officer2",
        "supervisor1",
        "bp3mi1",
    }


def test_the_delivery_task_delivers(kanim, people):
    event = publish(**event_kwargs(), agency_ids=[kanim.pk])
    assert tasks.deliver_event(event.pk) == 3
    assert tasks.deliver_event(event.pk) == 0


def test_e_mails_are_queued_after_the_commit_except_muted_kinds(
    kanim, people, django_capture_on_commit_callbacks
):
    people["officer2"].muted_email_kinds = [KIND]
    people["officer2"].save()
    User.objects.filter(pk=people["supervisor"].pk).update(email="")
    event = publish(**event_kwargs(), agency_ids=[kanim.pk])
    with mock.patch.object(tasks.send_notification_email, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert deliver(event_id=event.pk) == 3
        assert not delay.called
        assert len(callbacks) == 1
        for callback in callbacks:
            callback()
    # Everyone gets the notification in the portal; only officer1 an e-mail.
    assert usernames(Notification.objects.all()) == {"officer1", "officer2", "supervisor1"}
    mine = Notification.objects.get(recipient=people["officer"])
    delay.assert_called_once_with(mine.pk)


def test_a_muted_kind_is_only_muted_for_that_kind(
    kanim, people, django_capture_on_commit_callbacks
):
    people["officer"].muted_email_kinds = ["referral_comment"]
    people["officer"].save()
    with (
        mock.patch.object(tasks.send_notification_email, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[people["officer"]], kind=KIND, message=MESSAGE, dedupe_key="a")
        notify(
            recipients=[people["officer"]],
            kind="referral_comment",
            message=MESSAGE,
            dedupe_key="b",
        )
    assert delay.call_count == 1
    assert Notification.objects.filter(recipient=people["officer"]).count() == 2


def test_notify_twice_is_one_notification_and_one_e_mail(
    people, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.send_notification_email, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = notify(recipients=[people["officer"]], kind=KIND, message=MESSAGE, dedupe_key="k")
        again = notify(recipients=[people["officer"]], kind=KIND, message=MESSAGE, dedupe_key="k")
        inactive = notify(
            recipients=[people["inactive"]], kind=KIND, message=MESSAGE, dedupe_key="k"
        )
    assert len(first) == 1
    assert again == []
    assert inactive == []
    assert delay.call_count == 1


# --- The e-mail ----------------------------------------------------------------------------


def notification_for(user, message="Report %(number)s submitted.", **kwargs):
    return Notification.objects.create(
        recipient=user,
        kind=kwargs.pop("kind", KIND),
        message=message,
        params=kwargs.pop("params", {"number": "IND-36-2025-000042"}),
        url="/reports/42/",
        dedupe_key=kwargs.pop("dedupe_key", f"test:{user.pk}"),
    )


def test_e_mail_in_english_for_an_english_reader(people):
    user = people["officer"]
    user.language = "en"
    user.save()
    notification = notification_for(user)
    assert tasks.send_notification_email(notification.pk) is True
    (message,) = mail.outbox
    assert message.subject == "[Sinergi] Report IND-36-2025-000042 submitted."
    assert message.to == [user.email]
    assert message.body.startswith(f"Dear {user.full_name},")
    assert f"{settings.PORTAL_BASE_URL}/reports/42/" in message.body
    assert message.extra_headers["Message-ID"] == (
        f"<notification-{notification.pk}@{tasks.MESSAGE_ID_DOMAIN}>"
    )


def test_e_mail_in_indonesian_for_an_indonesian_reader(people):
    user = people["officer2"]
    user.language = "id"
    user.save()
    tasks.send_notification_email(notification_for(user).pk)
    (message,) = mail.outbox
    assert message.subject == "[Sinergi] Laporan IND-36-2025-000042 berhasil diajukan."
    assert message.body.startswith(f"Yth. {user.full_name},")


def test_two_readers_of_one_event_each_in_their_language(kanim, people):
    people["officer"].language = "en"
    people["officer"].save()
    people["supervisor"].language = "id"
    people["supervisor"].save()
    event = publish(**event_kwargs(), agency_ids=[kanim.pk], exclude_user=people["officer2"])
    deliver(event_id=event.pk)
    for notification in Notification.objects.all():
        tasks.send_notification_email(notification.pk)
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address[people["officer"].email]
    assert english.subject == "[Sinergi] BP3MI Banten accepted the referral of report " + (
        "IND-36-2025-000042."
    )
    assert english.body.startswith("Dear ")
    assert by_address[people["supervisor"].email].body.startswith("Yth. ")


def test_e_mail_goes_once(people):
    notification = notification_for(people["officer"])
    assert tasks.send_notification_email(notification.pk) is True
    assert tasks.send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert tasks.send_notification_email(999_999) is False


def test_a_failed_send_leaves_the_notification_unsent(people):
    notification = notification_for(people["officer"])
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")),
        pytest.raises(OSError, match="smtp down"),
    ):
        tasks.send_notification_email.run(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None


# --- The sweeps ----------------------------------------------------------------------------


def test_the_sweep_requeues_only_old_unprocessed_events(kanim):
    old = publish(**event_kwargs(dedupe_key="old"), agency_ids=[kanim.pk])
    fresh = publish(**event_kwargs(dedupe_key="fresh"), agency_ids=[kanim.pk])
    done = publish(**event_kwargs(dedupe_key="done"), agency_ids=[kanim.pk])
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    OutboxEvent.objects.filter(pk__in=[old.pk, done.pk]).update(created_at=long_ago)
    deliver(event_id=done.pk)
    with mock.patch.object(tasks.deliver_event, "delay") as delay:
        assert tasks.deliver_pending_events() == 1
    delay.assert_called_once_with(old.pk)
    assert fresh.pk not in [c.args[0] for c in delay.call_args_list]


def test_the_e_mail_sweep_requeues_only_old_unsent_notifications(people):
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    old = notification_for(people["officer"], dedupe_key="old")
    sent = notification_for(people["officer2"], dedupe_key="sent")
    fresh = notification_for(people["supervisor"], dedupe_key="fresh")
    gone = notification_for(people["inactive"], dedupe_key="gone")
    Notification.objects.filter(pk__in=[old.pk, sent.pk, gone.pk]).update(created_at=long_ago)
    Notification.objects.filter(pk=sent.pk).update(emailed_at=timezone.now())
    with mock.patch.object(tasks.send_notification_email, "delay") as delay:
        assert tasks.send_pending_notification_emails() == 1
    delay.assert_called_once_with(old.pk)
    assert fresh.pk != old.pk


def test_the_services_queue_the_tasks_by_their_names():
    assert tasks.send_notification_email.name == services.SEND_EMAIL_TASK
    assert tasks.deliver_event.name == services.DELIVER_EVENT_TASK
    assert {services.SEND_EMAIL_TASK, services.DELIVER_EVENT_TASK} <= set(current_app.tasks)


def test_the_sweeps_are_scheduled():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.notifications.tasks.deliver_pending_events" in tasks_scheduled
    assert "referrals.tasks.referrals_daily" in tasks_scheduled


# --- Preferences and language --------------------------------------------------------------


def test_every_exchange_event_can_be_muted():
    assert {
        "report_shared",
        "share_requested",
        "referral_sent",
        "referral_accepted",
        "referral_declined",
        "referral_completed",
        "referral_comment",
        "referral_overdue",
    } <= set(EMAIL_KINDS)


def test_preferences_page_saves_the_muted_kinds_and_the_language(client, people):
    user = people["officer"]
    client.force_login(user)
    url = reverse("notifications:preferences")
    response = client.get(url)
    assert response.status_code == 200
    assert set(response.context["form"].initial["email_kinds"]) == set(EMAIL_KINDS)
    response = client.post(url, {"email_kinds": ["referral_sent"], "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.muted_email_kinds == sorted(set(EMAIL_KINDS) - {"referral_sent"})
    assert user.language == "en"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PREFERENCES_UPDATED)
    assert entry.actor == user
    response = client.get(url)
    assert response.context["form"].initial["email_kinds"] == ["referral_sent"]


def test_preferences_page_refuses_unknown_kinds(client, people):
    user = people["officer"]
    client.force_login(user)
    response = client.post(
        reverse("notifications:preferences"), {"email_kinds": ["spam"], "language": "id"}
    )
    assert response.status_code == 200
    assert "email_kinds" in response.context["form"].errors
    user.refresh_from_db()
    assert user.muted_email_kinds == []
    with pytest.raises(ValidationError):
        preferences_update(actor=user, muted_email_kinds=["spam"])


def test_muting_everything_still_notifies_in_the_portal(
    client, kanim, people, django_capture_on_commit_callbacks
):
    user = people["officer"]
    client.force_login(user)
    client.post(reverse("notifications:preferences"), {"language": "id"})
    user.refresh_from_db()
    assert set(user.muted_email_kinds) == set(EMAIL_KINDS)
    with (
        mock.patch.object(tasks.send_notification_email, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[user], kind=KIND, message=MESSAGE, params=PARAMS, dedupe_key="z")
    assert not delay.called
    assert Notification.objects.filter(recipient=user).count() == 1


def test_the_language_switch_stores_the_users_language(client, people):
    user = people["officer"]
    assert user.language == settings.LANGUAGE_CODE == "id"
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    user.refresh_from_db()
    assert user.language == "id"


def test_the_language_switch_works_signed_out(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_supervisors_without_mfa_may_still_switch_language(client, make_user, kanim):
    user = make_user("supervisor", kanim, totp=False)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_notification_pages_need_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["officer", "supervisor", "agency_admin", "system_admin"])
def test_everyone_has_preferences(client, make_user, role):
    client.force_login(make_user(role, AgencyFactory()))
    assert client.get(reverse("notifications:preferences")).status_code == 200
