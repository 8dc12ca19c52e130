"""Referrals through the services: sending (and the share it needs), the state machine with
every illegal step refused, assignment, comments and attachments, due dates, the queues, the
overdue reminder, and the history every step leaves on the report."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from referrals import permissions, selectors, services
from referrals.models import Referral, ReferralAttachment, ReferralComment, Share
from referrals.workdays import add_working_days
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages.factories import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    return x.data_agreement(system_admin, kanim, bp3mi)


@pytest.fixture
def bp3mi_colleague(make_user, bp3mi):
    return x.user(make_user, "officer", bp3mi, "bp3micolleague")


@pytest.fixture
def report(officer):
    return f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])


@pytest.fixture
def referral(pks, officer, report, bp3mi):
    return x.refer(officer, report, bp3mi)


@pytest.fixture
def accepted(referral, bp3mi_supervisor, bp3mi_officer):
    return services.referral_accept(
        actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
    )


def reload(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


# --- Sending -------------------------------------------------------------------------------


def test_referral_numbers_run_per_sending_agency_and_year(
    pks, officer, report, kanim, bp3mi, bp3mi_officer
):
    """As report numbers: the sender's code and its own sequence, so that a letter's number
    tells its reader nothing about how many referrals other agencies sent."""
    year = timezone.localdate().year
    first = x.refer(officer, report, bp3mi)
    theirs = x.refer(bp3mi_officer, f.submitted(bp3mi_officer), kanim)
    second = x.refer(officer, f.submitted(officer), bp3mi)

    assert first.number == f"RJK-{kanim.code}-{year}-0001"
    assert second.number == f"RJK-{kanim.code}-{year}-0002"
    assert theirs.number == f"RJK-{bp3mi.code}-{year}-0001"


def test_sending_shares_the_report_first_and_tells_the_partner(
    pks, officer, report, bp3mi, bp3mi_officer
):
    referral = x.refer(officer, report, bp3mi, urgency="urgent")
    share = Share.objects.get(report=report, agency=bp3mi)
    assert share.status == Share.Status.ACTIVE
    assert share.agreement == pks
    assert referral.share == share
    assert referral.status == "sent"
    assert (referral.from_agency, referral.to_agency) == (officer.agency, bp3mi)
    assert referral.sent_by == officer
    assert selectors.visible_reports(bp3mi_officer).filter(pk=report.pk).exists()
    event = OutboxEvent.objects.get(kind=services.EVENT_REFERRAL_SENT)
    assert event.agency_ids == [bp3mi.pk]
    assert event.exclude_user_id == officer.pk
    assert event.url == referral.get_absolute_url()
    actions = set(
        AuditEntry.objects.filter(target_id=str(report.pk)).values_list("action", flat=True)
    )
    assert {AuditEntry.Action.REPORT_SHARED, AuditEntry.Action.REFERRAL_SENT} <= actions


def test_sending_over_an_existing_share_keeps_it(pks, officer, report, bp3mi):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = x.refer(officer, report, bp3mi)
    assert referral.share == share
    assert Share.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_SHARED).count() == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("requested_action", {"requested_action": "arrest_everyone"}),
        ("urgency", {"urgency": "yesterday"}),
        ("message", {"message": "   "}),
        ("due_on", {"due_on": dt.date(2020, 1, 1)}),
    ],
)
def test_sending_validates(pks, officer, report, bp3mi, field, kwargs):
    with pytest.raises(ValidationError) as exc:
        x.refer(officer, report, bp3mi, **kwargs)
    assert field in exc.value.message_dict
    assert not Referral.objects.exists()
    assert not Share.objects.exists()


def test_no_referral_to_an_agency_without_agreement(pks, officer, report, polda):
    with pytest.raises(ValidationError) as exc:
        x.refer(officer, report, polda)
    assert "to_agency" in exc.value.message_dict
    assert not Referral.objects.exists()
    assert not Share.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_no_referral_after_the_agreement_is_terminated(pks, system_admin, officer, report, bp3mi):
    x.terminate(system_admin, pks)
    with pytest.raises(ValidationError):
        x.refer(officer, report, bp3mi)
    assert not Referral.objects.exists()


def test_one_open_referral_per_agency(referral, bp3mi_supervisor, officer, report, bp3mi):
    with pytest.raises(ValidationError) as exc:
        x.refer(officer, report, bp3mi, requested_action="investigation")
    assert "to_agency" in exc.value.message_dict
    assert Referral.objects.count() == 1
    services.referral_decline(actor=bp3mi_supervisor, referral=referral, reason="Bukan wilayah.")
    again = x.refer(officer, report, bp3mi, requested_action="investigation")
    assert again.status == "sent"
    assert Referral.objects.count() == 2


def test_drafts_are_not_referred(pks, officer, bp3mi):
    with pytest.raises(PermissionDenied):
        x.refer(officer, f.draft(officer), bp3mi)


@pytest.mark.parametrize("who", ["bp3mi_officer", "bp3mi_supervisor", "agency_admin"])
def test_only_the_reporting_side_refers(request, referral, report, bp3mi, who):
    with pytest.raises(PermissionDenied):
        x.refer(request.getfixturevalue(who), report, bp3mi)


# --- Due dates -----------------------------------------------------------------------------


def test_due_date_counts_the_receiving_agencys_working_days(
    pks, officer, kanim, report, bp3mi, bp3mi_supervisor
):
    kanim.referral_days_normal, kanim.referral_days_urgent = 20, 10  # the sender's: not used
    kanim.save()
    bp3mi.referral_days_normal, bp3mi.referral_days_urgent = 7, 2
    bp3mi.save()
    today = timezone.localdate()
    normal = x.refer(officer, report, bp3mi)
    assert normal.due_on == add_working_days(today, 7)
    services.referral_decline(
        actor=bp3mi_supervisor, referral=normal, reason="Dikirim ulang sebagai mendesak."
    )
    urgent = x.refer(officer, report, bp3mi, urgency="urgent")
    assert urgent.due_on == add_working_days(today, 2)
    assert urgent.due_on < normal.due_on


def test_referral_due_date_defaults(bp3mi):
    friday = dt.date(2025, 3, 28)
    assert services.referral_due_date(agency=bp3mi, urgency="urgent", sent_on=friday) == (
        add_working_days(friday, 1)
    )
    assert services.referral_due_date(agency=bp3mi, urgency="normal", sent_on=friday) == (
        add_working_days(friday, 5)
    )


def test_an_explicit_due_date_is_kept(pks, officer, report, bp3mi):
    wanted = days(30)
    assert x.refer(officer, report, bp3mi, due_on=wanted).due_on == wanted


# --- Accept, decline, assign ---------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["officer", "kanim_supervisor", "bp3mi_officer", "cilegon_supervisor"]
)
def test_only_a_supervisor_of_the_receiving_agency_accepts(request, referral, who):
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=request.getfixturevalue(who), referral=referral)
    assert reload(referral).status == "sent"


@pytest.mark.parametrize(
    "who", ["officer", "kanim_supervisor", "bp3mi_officer", "cilegon_supervisor"]
)
def test_only_a_supervisor_of_the_receiving_agency_declines(request, referral, who):
    with pytest.raises(PermissionDenied):
        services.referral_decline(
            actor=request.getfixturevalue(who), referral=referral, reason="Tidak."
        )
    assert reload(referral).status == "sent"


def test_accept_assigns_and_tells_both_sides(
    referral, officer, kanim_supervisor, bp3mi_supervisor, bp3mi_officer, kanim
):
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    referral = reload(referral)
    assert referral.status == "accepted"
    assert referral.accepted_at is not None
    assert referral.assigned_to == bp3mi_officer
    # The assignee is told directly; the sending agency through the outbox.
    assert Notification.objects.filter(
        recipient=bp3mi_officer, kind=services.EVENT_REFERRAL_ASSIGNED
    ).exists()
    event = OutboxEvent.objects.get(kind=services.EVENT_REFERRAL_ACCEPTED)
    assert event.agency_ids == [kanim.pk]
    deliver(event_id=event.pk)
    told = set(
        Notification.objects.filter(kind=services.EVENT_REFERRAL_ACCEPTED).values_list(
            "recipient", flat=True
        )
    )
    assert told == {officer.pk, kanim_supervisor.pk}


def test_accept_twice_is_refused(accepted, bp3mi_supervisor):
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=bp3mi_supervisor, referral=accepted)


def test_assignee_must_be_an_active_case_worker_of_the_receiving_agency(
    referral, bp3mi_supervisor, officer, cilegon_officer, bp3mi_colleague, make_user, bp3mi
):
    bp3mi_admin = x.user(make_user, "agency_admin", bp3mi, "bp3miadmin")
    for wrong in (officer, cilegon_officer, bp3mi_admin):
        with pytest.raises(ValidationError) as exc:
            services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=wrong)
        assert "assigned_to" in exc.value.message_dict
    bp3mi_colleague.is_active = False
    bp3mi_colleague.save()
    with pytest.raises(ValidationError):
        services.referral_accept(
            actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_colleague
        )
    assert reload(referral).status == "sent"


def test_decline_needs_a_reason(referral, bp3mi_supervisor, kanim):
    with pytest.raises(ValidationError) as exc:
        services.referral_decline(actor=bp3mi_supervisor, referral=referral, reason="  ")
    assert "reason" in exc.value.message_dict
    assert reload(referral).status == "sent"
    services.referral_decline(
        actor=bp3mi_supervisor, referral=referral, reason="Di luar kewenangan kami."
    )
    referral = reload(referral)
    assert referral.status == "declined"
    assert referral.decline_reason == "Di luar kewenangan kami."
    assert referral.closed_at is not None
    assert not referral.is_open
    event = OutboxEvent.objects.get(kind=services.EVENT_REFERRAL_DECLINED)
    assert event.agency_ids == [kanim.pk]


def test_nothing_follows_a_decline(referral, bp3mi_supervisor, bp3mi_officer):
    services.referral_decline(actor=bp3mi_supervisor, referral=referral, reason="Tidak.")
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=bp3mi_supervisor, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_start(actor=bp3mi_supervisor, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_complete(
            actor=bp3mi_supervisor, referral=referral, outcome="action_taken"
        )
    with pytest.raises(PermissionDenied):
        services.referral_assign(
            actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
        )


def test_start_and_complete_before_accept_are_refused(referral, bp3mi_supervisor):
    with pytest.raises(PermissionDenied):
        services.referral_start(actor=bp3mi_supervisor, referral=referral)
    with pytest.raises(PermissionDenied):
        services.referral_complete(
            actor=bp3mi_supervisor, referral=referral, outcome="action_taken"
        )
    assert reload(referral).status == "sent"


def test_assign_only_after_accept_by_a_receiving_supervisor(
    referral, bp3mi_supervisor, bp3mi_officer, bp3mi_colleague, officer, kanim_supervisor
):
    with pytest.raises(PermissionDenied):
        services.referral_assign(
            actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
        )
    services.referral_accept(actor=bp3mi_supervisor, referral=referral)
    for who in (bp3mi_officer, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.referral_assign(actor=who, referral=referral, assigned_to=bp3mi_colleague)
    with pytest.raises(ValidationError):
        services.referral_assign(actor=bp3mi_supervisor, referral=referral, assigned_to=officer)
    services.referral_assign(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_colleague)
    assert reload(referral).assigned_to == bp3mi_colleague
    assert Notification.objects.filter(
        recipient=bp3mi_colleague, kind=services.EVENT_REFERRAL_ASSIGNED
    ).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.REFERRAL_ASSIGNED, target_id=str(referral.report_id)
    ).exists()


# --- Work on it ----------------------------------------------------------------------------


def test_the_assigned_officer_starts_and_completes(accepted, bp3mi_officer, kanim):
    services.referral_start(actor=bp3mi_officer, referral=accepted)
    referral = reload(accepted)
    assert referral.status == "in_progress"
    assert referral.started_at is not None
    with pytest.raises(PermissionDenied):  # started already
        services.referral_start(actor=bp3mi_officer, referral=referral)
    services.referral_complete(
        actor=bp3mi_officer,
        referral=referral,
        outcome="victim_assisted",
        outcome_note="Korban didampingi ke shelter.",
    )
    referral = reload(referral)
    assert referral.status == "completed"
    assert referral.outcome == "victim_assisted"
    assert referral.outcome_note == "Korban didampingi ke shelter."
    assert referral.closed_at is not None
    event = OutboxEvent.objects.get(kind=services.EVENT_REFERRAL_COMPLETED)
    assert event.agency_ids == [kanim.pk]
    with pytest.raises(PermissionDenied):  # completed already
        services.referral_complete(actor=bp3mi_officer, referral=referral, outcome="repatriated")


def test_complete_straight_from_accepted_records_the_start(accepted, bp3mi_supervisor):
    services.referral_complete(actor=bp3mi_supervisor, referral=accepted, outcome="repatriated")
    referral = reload(accepted)
    assert referral.status == "completed"
    assert referral.started_at == referral.closed_at


@pytest.mark.parametrize("outcome", ["", "solved_by_magic"])
def test_complete_needs_an_outcome(accepted, bp3mi_officer, outcome):
    with pytest.raises(ValidationError) as exc:
        services.referral_complete(actor=bp3mi_officer, referral=accepted, outcome=outcome)
    assert "outcome" in exc.value.message_dict
    assert reload(accepted).status == "accepted"


@pytest.mark.parametrize("who", ["bp3mi_colleague", "officer", "kanim_supervisor"])
def test_others_do_not_work_on_it(request, accepted, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.referral_start(actor=actor, referral=accepted)
    with pytest.raises(PermissionDenied):
        services.referral_complete(actor=actor, referral=accepted, outcome="action_taken")
    assert reload(accepted).status == "accepted"


def test_a_receiving_supervisor_works_on_it_unassigned(referral, bp3mi_supervisor):
    services.referral_accept(actor=bp3mi_supervisor, referral=referral)
    services.referral_start(actor=bp3mi_supervisor, referral=referral)
    assert reload(referral).status == "in_progress"


# --- Identifiers follow acceptance ---------------------------------------------------------


def test_identifiers_open_to_the_partner_once_accepted(
    referral, report, bp3mi_supervisor, bp3mi_officer
):
    person = report.persons.get()
    assert not permissions.may_see_identifiers(bp3mi_officer, report)
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=bp3mi_officer, person=person, field="nik")
    services.referral_accept(actor=bp3mi_supervisor, referral=referral)
    assert permissions.may_see_identifiers(bp3mi_officer, report)
    assert services.person_reveal(actor=bp3mi_officer, person=person, field="nik") == (f.NIK_FEMALE)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PII_REVEALED)
    assert entry.agency == bp3mi_officer.agency
    assert entry.target_id == str(report.pk)


def test_a_declined_referral_opens_nothing(referral, report, bp3mi_supervisor, bp3mi_officer):
    services.referral_decline(actor=bp3mi_supervisor, referral=referral, reason="Tidak.")
    assert not permissions.may_see_identifiers(bp3mi_officer, report)


# --- Comments and attachments --------------------------------------------------------------


def test_comments_from_both_sides_tell_the_other_side(
    referral, officer, bp3mi_officer, kanim, bp3mi
):
    services.referral_comment(actor=officer, referral=referral, body="Korban sudah dihubungi?")
    services.referral_comment(actor=bp3mi_officer, referral=referral, body="Sudah, besok.")
    assert [c.agency for c in ReferralComment.objects.order_by("id")] == [kanim, bp3mi]
    events = OutboxEvent.objects.filter(kind=services.EVENT_REFERRAL_COMMENT).order_by("id")
    assert [e.agency_ids for e in events] == [[bp3mi.pk], [kanim.pk]]
    assert [e.exclude_user_id for e in events] == [officer.pk, bp3mi_officer.pk]
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.REFERRAL_COMMENTED, target_id=str(referral.report_id)
        ).count()
        == 2
    )


def test_outsiders_do_not_comment_and_empty_comments_are_refused(
    referral, cilegon_officer, officer
):
    with pytest.raises(PermissionDenied):
        services.referral_comment(actor=cilegon_officer, referral=referral, body="Halo")
    with pytest.raises(ValidationError) as exc:
        services.referral_comment(actor=officer, referral=referral, body="  ")
    assert "body" in exc.value.message_dict
    assert not ReferralComment.objects.exists()


def test_a_png_attachment_is_stored(referral, bp3mi_officer, bp3mi):
    services.referral_comment(
        actor=bp3mi_officer, referral=referral, body="Foto surat.", upload=f.png_upload(5)
    )
    item = ReferralAttachment.objects.get()
    assert item.content_type == "image/png"
    assert item.agency == bp3mi
    assert item.uploaded_by == bp3mi_officer
    assert item.referral == referral
    with pytest.raises(ValidationError) as exc:  # the same file twice
        services.referral_comment(
            actor=bp3mi_officer, referral=referral, body="Lagi.", upload=f.png_upload(5)
        )
    assert "file" in exc.value.message_dict
    assert ReferralAttachment.objects.count() == 1
    assert ReferralComment.objects.count() == 1


def test_html_disguised_as_png_is_refused_and_the_comment_not_saved(referral, officer):
    with pytest.raises(ValidationError) as exc:
        services.referral_comment(
            actor=officer, referral=referral, body="Lihat ini", upload=f.html_as_png()
        )
    assert "file" in exc.value.message_dict
    assert not ReferralAttachment.objects.exists()
    assert not ReferralComment.objects.exists()
    assert not OutboxEvent.objects.filter(kind=services.EVENT_REFERRAL_COMMENT).exists()


# --- History -------------------------------------------------------------------------------


def test_every_step_is_in_the_reports_history(
    pks, officer, report, bp3mi, bp3mi_supervisor, bp3mi_officer, bp3mi_colleague
):
    referral = x.refer(officer, report, bp3mi)
    services.referral_accept(actor=bp3mi_supervisor, referral=referral)
    services.referral_assign(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    services.referral_start(actor=bp3mi_officer, referral=referral)
    services.referral_comment(actor=bp3mi_officer, referral=referral, body="Sedang ditangani.")
    services.referral_complete(actor=bp3mi_officer, referral=referral, outcome="victim_assisted")
    timeline = list(selectors.report_timeline(report=report))
    actions = [e.action for e in sorted(timeline, key=lambda e: e.pk)]
    A = AuditEntry.Action
    assert actions[-7:] == [
        A.REPORT_SHARED,
        A.REFERRAL_SENT,
        A.REFERRAL_ACCEPTED,
        A.REFERRAL_ASSIGNED,
        A.REFERRAL_STARTED,
        A.REFERRAL_COMMENTED,
        A.REFERRAL_COMPLETED,
    ]
    referral_entries = [e for e in timeline if e.action.startswith("referral_")]
    assert all(e.data["referral"] == referral.pk for e in referral_entries)
    # The receiving side's steps are filed under the receiving agency.
    assert {e.agency for e in referral_entries if e.actor.agency == bp3mi} == {bp3mi}


def test_a_declined_referral_is_in_the_history_with_its_reason(referral, bp3mi_supervisor):
    services.referral_decline(actor=bp3mi_supervisor, referral=referral, reason="Bukan wilayah.")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REFERRAL_DECLINED)
    assert entry.target_id == str(referral.report_id)
    assert entry.data["reason"] == "Bukan wilayah."


# --- Queues --------------------------------------------------------------------------------


@pytest.fixture
def three(pks, officer, bp3mi):
    """Three referrals to BP3MI: normal due in 3 days, urgent due in 10, normal due in 1."""
    made = []
    for urgency, due in (("normal", 3), ("urgent", 10), ("normal", 1)):
        report = f.submitted(officer)
        made.append(x.refer(officer, report, bp3mi, urgency=urgency, due_on=days(due)))
    return made


def test_incoming_queue_urgent_first_then_by_due_date(three, bp3mi_supervisor, bp3mi_officer):
    normal_3, urgent_10, normal_1 = three
    expected = [urgent_10, normal_1, normal_3]
    assert list(selectors.referral_queue(user=bp3mi_supervisor, incoming=True)) == expected
    assert list(selectors.referral_queue(user=bp3mi_officer, incoming=True)) == expected
    assert not selectors.referral_queue(user=bp3mi_supervisor, incoming=False).exists()


def test_outgoing_queue_and_closed_ones(three, officer, bp3mi_supervisor, cilegon_officer):
    normal_3, urgent_10, normal_1 = three
    services.referral_decline(actor=bp3mi_supervisor, referral=normal_1, reason="Tidak.")
    assert list(selectors.referral_queue(user=officer, incoming=True)) == []
    assert list(selectors.referral_queue(user=officer, incoming=False)) == [urgent_10, normal_3]
    everything = selectors.referral_queue(user=officer, incoming=False, open_only=False)
    assert set(everything) == set(three)
    assert not selectors.referral_queue(user=cilegon_officer, incoming=True).exists()
    assert not selectors.referral_queue(user=cilegon_officer, incoming=False).exists()


def test_overdue_is_an_open_referral_past_its_due_date(three, bp3mi_supervisor):
    normal_3, urgent_10, normal_1 = three
    Referral.objects.filter(pk=normal_1.pk).update(due_on=days(-1))
    Referral.objects.filter(pk=normal_3.pk).update(due_on=days(-2))
    assert reload(normal_1).is_overdue()
    assert not reload(urgent_10).is_overdue()
    services.referral_decline(actor=bp3mi_supervisor, referral=normal_3, reason="Tidak.")
    assert not reload(normal_3).is_overdue()  # closed: no longer overdue


# --- The overdue reminder ------------------------------------------------------------------


def test_overdue_reminder_once_a_day_to_receiving_supervisors(
    three, bp3mi, bp3mi_supervisor, bp3mi_officer, officer, kanim_supervisor
):
    normal_1 = three[2]
    Referral.objects.filter(pk=normal_1.pk).update(due_on=days(-1))
    today = timezone.localdate()
    assert services.remind_overdue_referrals(today=today) == 1
    assert services.remind_overdue_referrals(today=today) == 0
    event = OutboxEvent.objects.get(kind=services.EVENT_REFERRAL_OVERDUE)
    assert event.agency_ids == [bp3mi.pk]
    assert event.roles == ["supervisor"]
    assert event.params["number"] == normal_1.report.number
    deliver(event_id=event.pk)
    told = Notification.objects.filter(kind=services.EVENT_REFERRAL_OVERDUE)
    assert list(told.values_list("recipient", flat=True)) == [bp3mi_supervisor.pk]
    # The next day it is reminded again; a closed referral no longer.
    tomorrow = today + dt.timedelta(days=1)
    assert services.remind_overdue_referrals(today=tomorrow) == 1
    services.referral_decline(actor=bp3mi_supervisor, referral=normal_1, reason="Tidak.")
    assert services.remind_overdue_referrals(today=tomorrow + dt.timedelta(days=1)) == 0


def test_overdue_reminder_skips_referrals_not_yet_due(three):
    assert services.remind_overdue_referrals(today=timezone.localdate()) == 0
    assert not OutboxEvent.objects.filter(kind=services.EVENT_REFERRAL_OVERDUE).exists()


def test_the_daily_task_runs_the_reminder(three):
    from referrals.tasks import referrals_daily

    Referral.objects.filter(pk=three[0].pk).update(due_on=days(-3))
    assert referrals_daily() == 1
    assert referrals_daily() == 0
