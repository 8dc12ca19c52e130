"""The notification endpoints (/api/v1/notifications/): the caller's own, read one by one or
all at once, from the selector the page uses."""

from __future__ import annotations

import pytest

from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_of
from portal.notifications.services import notification_mark_read, notify
from tests.api.fixtures import fresh

pytestmark = pytest.mark.django_db


def _notify(user, key: str):
    (made,) = notify(
        recipients=[user],
        kind="referral_comment",
        message="Note %(n)s.",
        params={"n": key},
        dedupe_key=key,
        email=False,
    )
    return made


def test_notifications_list_read_and_read_all(officer, bp3mi_officer, api):
    first, _second, _third = (_notify(officer, k) for k in ("a", "b", "c"))
    _notify(bp3mi_officer, "other")
    client = api(officer)
    listed = client.get("/api/v1/notifications/").json()
    assert listed["count"] == 3
    assert {n["text"] for n in listed["results"]} == {"Note a.", "Note b.", "Note c."}

    read = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    # another user's notifications stay unread and unseen
    assert api(bp3mi_officer).get("/api/v1/notifications/?unread=1").json()["count"] == 1


@pytest.mark.parametrize("unread", [1, 500])
def test_read_all_is_one_update_whatever_the_count(
    unread, officer, bp3mi_officer, api, django_assert_num_queries
):
    for user in (officer, bp3mi_officer):
        Notification.objects.bulk_create(
            Notification(recipient=user, kind="k", message="m", dedupe_key=str(i))
            for i in range(unread)
        )
    client = api(officer)
    with django_assert_num_queries(1) as captured:
        response = client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": unread}
    assert captured.captured_queries[0]["sql"].count("UPDATE") == 1
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bp3mi_officer, read_at__isnull=True).count() == (
        unread
    )


def test_read_all_through_the_session_drops_the_loaded_unread_count(officer, client):
    """The session's user carries its unread count (portal.accounts.backends): marking read
    in that request must not leave the old count on it."""
    _notify(officer, "a")
    client.force_login(officer)
    assert client.get("/").context["unread_notifications"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/").context["unread_notifications"] == 0


def test_notifications_come_from_one_selector_for_page_and_api(officer, api, client):
    for n in (1, 2):
        notify(
            recipients=[officer],
            kind="referral_comment",
            message="Note %(n)s.",
            params={"n": n},
            url=f"/referrals/{n}/",
            dedupe_key=f"note-{n}",
            email=False,
        )
    notifications_of(officer).filter(url="/referrals/1/").update(read_at="2026-01-01T00:00Z")
    unread = [n.pk for n in notifications_of(officer, unread=True)]
    assert len(unread) == 1
    rows = api(officer).get("/api/v1/notifications/?unread=1").json()["results"]
    assert [row["id"] for row in rows] == unread
    client.force_login(officer)
    page = client.get("/notifications/").context["page"]
    assert [n.pk for n in page] == [n.pk for n in notifications_of(officer)]


def test_the_notification_list_reads_a_fixed_number_of_queries(
    officer, api, django_assert_max_num_queries
):
    """Four notifications, one read: a query per row would pass the bound."""
    made = [_notify(officer, key) for key in ("a", "b", "c", "d")]
    notification_mark_read(user=officer, notification_id=made[0].pk)
    client = api(fresh(officer))
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/notifications/")
    assert response.json()["count"] == 4
