"""What more than one of the referrals services needs: the number counter and the notification
kinds."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy, gettext_noop


def next_serial(*, series: str, code: str, year: int) -> int:
    """The next serial of a series under an agency code in a year. The upsert holds the
    counter row's lock until the caller's transaction ends: two concurrent creators of one
    agency wait for each other and never get the same number (nor leave a gap, unless the
    caller rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO referrals_numbercounter (series, code, year, last) "
            "VALUES (%s, %s, %s, 1) ON CONFLICT (series, code, year) "
            "DO UPDATE SET last = referrals_numbercounter.last + 1 RETURNING last",
            [series, code, year],
        )
        (last,) = cursor.fetchone()
    return last


# Notifications go through the outbox (portal.notifications.models.OutboxEvent); messages are
# gettext_noop, so that each reader gets their own language.

EVENT_SHARED = "report_shared"
EVENT_SHARE_REQUESTED = "share_requested"
EVENT_REFERRAL_SENT = "referral_sent"
EVENT_REFERRAL_ACCEPTED = "referral_accepted"
EVENT_REFERRAL_DECLINED = "referral_declined"
EVENT_REFERRAL_COMPLETED = "referral_completed"
EVENT_REFERRAL_COMMENT = "referral_comment"
EVENT_REFERRAL_ASSIGNED = "referral_assigned"
EVENT_REFERRAL_OVERDUE = "referral_overdue"
EVENT_KINDS = {
    EVENT_SHARED: gettext_lazy("A report is shared with my agency"),
    EVENT_SHARE_REQUESTED: gettext_lazy("A share waits for my approval"),
    EVENT_REFERRAL_SENT: gettext_lazy("A referral arrives for my agency"),
    EVENT_REFERRAL_ASSIGNED: gettext_lazy("A referral is assigned to me"),
    EVENT_REFERRAL_ACCEPTED: gettext_lazy("A referral we sent is accepted"),
    EVENT_REFERRAL_DECLINED: gettext_lazy("A referral we sent is declined"),
    EVENT_REFERRAL_COMPLETED: gettext_lazy("A referral we sent is completed"),
    EVENT_REFERRAL_COMMENT: gettext_lazy("A comment is added to a referral"),
    EVENT_REFERRAL_OVERDUE: gettext_lazy("A referral of my agency is overdue"),
}
# What each event tells its recipients (also written by the demo data, referrals/demo).
EVENT_MESSAGES = {
    EVENT_SHARED: gettext_noop("%(agency)s shared report %(number)s with your agency."),
    EVENT_SHARE_REQUESTED: gettext_noop(
        "%(user)s asks to share report %(number)s with %(agency)s."
    ),
    EVENT_REFERRAL_SENT: gettext_noop(
        "%(agency)s refers report %(number)s to your agency: %(action)s."
    ),
    EVENT_REFERRAL_ACCEPTED: gettext_noop("%(agency)s accepted the referral of report %(number)s."),
    EVENT_REFERRAL_ASSIGNED: gettext_noop("You are assigned the referral of report %(number)s."),
    EVENT_REFERRAL_DECLINED: gettext_noop("%(agency)s declined the referral of report %(number)s."),
    EVENT_REFERRAL_COMPLETED: gettext_noop(
        "%(agency)s completed the referral of report %(number)s."
    ),
    EVENT_REFERRAL_COMMENT: gettext_noop(
        "New comment from %(agency)s on the referral of report %(number)s."
    ),
    EVENT_REFERRAL_OVERDUE: gettext_noop(
        "The referral of report %(number)s was due on %(due)s and is still open."
    ),
}
