"""The demo indication reports of `manage.py seed_demo` (referrals/demo): a few hundred
realistic, internally consistent reports, valid NIKs, and no duplicates on a second run.

The whole demo (regions, agencies, accounts, agreements, villages, reports) is seeded once for
the module, inside a transaction rolled back at its end; each test runs in a savepoint of it.
The shares and referrals between the agencies are dated relative to today, so the tests check
rules (the sharing policy on each share's date, working-day due dates), not fixed dates."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from agreements.sharing_policy import share_bases
from portal.accounts.models import Agency, User
from portal.core.categories import ReportCategory
from portal.core.crypto import blind_index
from portal.notifications.models import Notification, OutboxEvent
from portal.regions.nik import parse_nik, validate_passport_number
from referrals import demo, selectors, services
from referrals.indicators import suggest_categories
from referrals.models import (
    NumberCounter,
    PreventionAction,
    Referral,
    ReferralComment,
    Report,
    ReportPerson,
    Share,
)
from referrals.vocabularies import (
    PASSPORT_KINDS,
    Checkpoint,
    PreventionKind,
    ReferralOutcome,
    ReferralStatus,
    ReportStatus,
    RequestedAction,
    ShareStatus,
    Urgency,
)
from referrals.workdays import add_working_days, is_working_day
from tests.referrals.factories import search_documents
from villages.models import DesaBinaan


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("seed_demo", stdout=StringIO())
        # Run the deferred foreign-key checks once, not again at every test's teardown.
        connection.check_constraints()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(demo_seeded, db):
    """Database access with the whole demo loaded."""


def _with_category(code: str) -> int:
    return Report.objects.filter(categories__contains=[code]).count()


def test_a_few_hundred_reports_over_the_demo_villages_and_agencies(seeded):
    reports = Report.objects.all()
    assert 250 <= reports.count() <= 400
    assert {r.occurred_at.year for r in reports} == {2024, 2025}
    agencies = Counter(reports.values_list("agency__short_name", flat=True))
    assert set(agencies) >= {"Kanim Tangerang", "Kanim Cilegon", "Polda Banten", "BP3MI Banten"}
    immigration = sum(n for name, n in agencies.items() if name.startswith("Kanim"))
    assert immigration > reports.count() / 2
    used = set(reports.exclude(desa=None).values_list("desa", flat=True))
    assert len(used) >= DesaBinaan.objects.count() - 2
    for report in reports.exclude(desa=None).select_related("desa"):
        assert report.region_id == report.desa.village_id


def test_many_more_nonprocedural_migrant_workers_than_tppo_than_tppm(seeded):
    nonprocedural = _with_category(ReportCategory.PMI_NONPROCEDURAL)
    tppo = _with_category(ReportCategory.TPPO)
    tppm = _with_category(ReportCategory.TPPM)
    assert nonprocedural > 2 * tppo > 0
    assert tppo > tppm > 0
    assert Report.objects.filter(categories__contains=["tppo", "tppm"]).exists()


def test_categories_follow_the_ticked_indicators_unless_a_reason_is_given(seeded):
    overridden = 0
    for report in Report.objects.prefetch_related("persons"):
        persons = list(report.persons.all())
        child = selectors.child_victim(report, persons)
        expected = list(suggest_categories(report.indicators, child_victim=child).categories)
        assert report.suggested_categories == expected, report.number
        assert report.person_count == len(persons)
        assert 1 <= len(persons) <= 3
        assert persons[0].role == ReportPerson.Role.POTENTIAL_VICTIM
        if report.status != ReportStatus.DRAFT:
            assert report.categories, report.number
            assert report.submitted_at, report.number
        if report.status == ReportStatus.CLOSED:
            assert report.outcome
            assert report.closed_at >= report.review_started_at
        if report.categories and set(report.categories) != set(report.suggested_categories):
            overridden += 1
            assert report.category_reason.strip(), report.number
    assert 0 < overridden < 20


def test_every_nik_is_valid_and_agrees_with_the_recorded_sex_and_birth_date(seeded):
    persons = ReportPerson.objects.exclude(nik="")
    assert persons.count() > 300
    for person in persons:
        info = parse_nik(person.nik, sex=person.sex, birth_date=person.birth_date)
        assert info.warnings == (), (person.nik, person.sex, person.birth_date)
        assert info.province_code in ("31", "32", "36")
        assert person.nik_index == blind_index("nik", person.nik)
        assert person.nik_warnings == []
        if person.passport_number:
            validate_passport_number(person.passport_number)
            assert person.passport_index == blind_index("passport", person.passport_number)


def test_some_persons_appear_in_more_than_one_report(seeded):
    reports_per_nik = Counter(
        ReportPerson.objects.exclude(nik_index="")
        .values_list("nik_index", "report")
        .distinct()
        .values_list("nik_index", flat=True)
    )
    repeated = [n for n in reports_per_nik.values() if n > 1]
    assert 3 <= len(repeated) <= 60


def test_prevention_actions_follow_the_immigration_procedure(seeded):
    actions = PreventionAction.objects.select_related("office", "person", "report")
    assert actions.count() > 100
    kinds = Counter(actions.values_list("kind", flat=True))
    assert kinds[PreventionKind.DEPARTURE_DEFERRED]
    assert kinds[PreventionKind.PASSPORT_DEFERRED]
    for action in actions:
        assert action.office.kind == "immigration"
        assert action.person.report_id == action.report_id
        at_office = action.checkpoint == Checkpoint.PASSPORT_OFFICE
        assert at_office == (action.kind in PASSPORT_KINDS)
        if action.kind == PreventionKind.DEPARTURE_DEFERRED:
            assert action.interviewed
        if action.lifted_on:
            assert action.lifted_on >= action.date
            assert action.lifted_documents
            assert action.kind != PreventionKind.PASSPORT_REFUSED
    assert actions.exclude(lifted_on=None).exists()


def test_reports_are_found_by_a_persons_name(seeded):
    assert not Report.objects.filter(search_vector=None).exists()
    person = ReportPerson.objects.exclude(nik="").order_by("id").first()
    found = Report.objects.filter(search_vector=selectors.search_query(person.full_name))
    assert found.filter(pk=person.report_id).exists()


def test_the_search_document_is_the_services_one(seeded):
    """The demo writes the documents in bulk SQL (`search.document_sql`): the same as the
    expression `services.reports._refresh_derived` saves, agency lexeme included."""
    for report in Report.objects.order_by("id")[:3]:
        saved, expected = search_documents(report)
        assert saved == expected


def test_seeding_again_adds_nothing(seeded):
    def counts():
        return (
            Report.objects.count(),
            ReportPerson.objects.count(),
            PreventionAction.objects.count(),
            list(NumberCounter.objects.order_by("series", "code", "year").values_list("last")),
        )

    before = counts()
    assert demo.already_seeded()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    numbers = Report.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)
    codes = "|".join(Agency.objects.values_list("code", flat=True))
    assert all(re.fullmatch(rf"IND-36-({codes})-202[45]-\d{{6}}", n) for n in numbers)


# --- Shares and referrals between the demo agencies -----------------------------------------


def _day(moment):
    return timezone.localdate(moment)


def test_shares_only_where_the_policy_allowed_them_on_their_date(seeded):
    shares = Share.objects.select_related("report", "agreement", "agency")
    assert 40 <= shares.count() <= 60
    today = timezone.localdate()
    for share in shares:
        report = share.report
        assert report.status != ReportStatus.DRAFT
        assert share.agency_id != report.agency_id
        assert share.created_at > report.submitted_at
        for moment in {share.created_at, share.shared_at} - {None}:
            day = _day(moment)
            assert share.agreement.effective_from <= day <= today, report.number
            bases = share_bases(
                source=report.agency_id,
                target=share.agency_id,
                categories=report.categories,
                on=day,
            )
            # the agreement the policy names first, as services.report_share takes it
            assert bases, (report.number, day)
            assert bases[0].agreement.pk == share.agreement_id, (report.number, day)
        if share.shared_at:
            assert share.shared_at >= share.created_at
    # the KNPI agreement exchanges no case data: the youth committee receives nothing
    assert not shares.filter(agency__short_name="DPD KNPI Kota Tangerang").exists()
    used = set(shares.values_list("agreement__signed_on", flat=True))
    assert len(used) == 2  # Kanwil-Polda and Kanwil-BP3MI


def test_one_agency_needs_approval_its_shares_wait_or_were_decided(seeded):
    approving = Agency.objects.filter(share_requires_approval=True)
    assert list(approving.values_list("short_name", flat=True)) == [demo.APPROVAL_AGENCY]
    statuses = Counter(Share.objects.values_list("status", flat=True))
    assert statuses[ShareStatus.ACTIVE] > 30
    assert 2 <= statuses[ShareStatus.PENDING] <= 5
    assert statuses[ShareStatus.REFUSED] == 1
    for share in Share.objects.exclude(status=ShareStatus.ACTIVE).select_related("report"):
        assert share.report.agency.share_requires_approval
        assert share.shared_at is None
        assert share.shared_by.role == User.Role.OFFICER
        if share.status == ShareStatus.PENDING:
            assert share.decided_by is None
        else:
            assert share.decided_by.role == User.Role.SUPERVISOR
            assert share.decided_by.agency_id == share.report.agency_id
    # Its other shares were approved by a supervisor, or made by sending a referral.
    for share in Share.objects.filter(
        status=ShareStatus.ACTIVE, report__agency__in=approving
    ).select_related("decided_by"):
        by_referral = share.referrals.filter(sent_by=share.shared_by, sent_at=share.shared_at)
        assert share.decided_by.role == User.Role.SUPERVISOR or by_referral.exists()
    supervisor = User.objects.get(username="kanim-serang-supervisor")
    assert selectors.pending_shares(user=supervisor).count() == statuses[ShareStatus.PENDING]


def test_referrals_in_every_status_some_overdue(seeded):
    referrals = list(
        Referral.objects.select_related("report", "share", "to_agency", "assigned_to", "sent_by")
    )
    assert 20 <= len(referrals) <= 30
    assert {r.status for r in referrals} == set(ReferralStatus.values)
    assert {r.urgency for r in referrals} == set(Urgency.values)
    now, today = timezone.now(), timezone.localdate()
    overdue = [r for r in referrals if r.is_overdue(today)]
    assert overdue
    assert {r.status for r in overdue} - {ReferralStatus.SENT}  # accepted but not done in time
    assert any(r.is_open and not r.is_overdue(today) for r in referrals)
    open_pairs = Counter((r.report_id, r.to_agency_id) for r in referrals if r.is_open)
    assert max(open_pairs.values()) == 1
    for r in referrals:
        assert r.message.strip()
        assert r.from_agency_id == r.report.agency_id != r.to_agency_id
        assert r.sent_by.agency_id == r.from_agency_id
        assert r.share.status == ShareStatus.ACTIVE
        assert (r.share.report_id, r.share.agency_id) == (r.report_id, r.to_agency_id)
        assert r.share.shared_at <= r.sent_at
        assert share_bases(
            source=r.from_agency_id,
            target=r.to_agency_id,
            categories=r.report.categories,
            on=_day(r.sent_at),
        )
        steps = [t for t in (r.sent_at, r.accepted_at, r.started_at, r.closed_at) if t]
        assert steps == sorted(steps)
        assert steps[-1] <= now
        assert r.updated_at == steps[-1]
        if r.status in (ReferralStatus.SENT, ReferralStatus.DECLINED):
            assert r.accepted_at is None
            assert r.assigned_to is None
        else:  # accepted by the receiving agency and assigned to one of its officers
            assert r.accepted_at
            assert r.assigned_to.agency_id == r.to_agency_id
            assert r.assigned_to.role == User.Role.OFFICER
        assert bool(r.started_at) == (
            r.status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED)
        )
        assert bool(r.closed_at) == (not r.is_open)
        assert bool(r.decline_reason) == (r.status == ReferralStatus.DECLINED)
        if r.status == ReferralStatus.COMPLETED:
            assert r.outcome in ReferralOutcome.values
            assert r.outcome_note
        else:
            assert not r.outcome


def test_due_dates_are_working_days_counted_from_the_sent_date(seeded):
    for r in Referral.objects.select_related("to_agency"):
        agency = r.to_agency
        days = (
            agency.referral_days_urgent
            if r.urgency == Urgency.URGENT
            else agency.referral_days_normal
        )
        sent_on = _day(r.sent_at)
        assert is_working_day(sent_on)
        assert r.due_on == add_working_days(sent_on, days)
        assert is_working_day(r.due_on)


def test_referral_comments_come_from_both_sides(seeded):
    comments = ReferralComment.objects.select_related("referral", "author")
    assert comments.count() >= 8
    now = timezone.now()
    sides = Counter()
    for comment in comments:
        referral = comment.referral
        assert comment.agency_id == comment.author.agency_id
        assert comment.agency_id in (referral.from_agency_id, referral.to_agency_id)
        assert referral.sent_at <= comment.created_at <= now
        sides[comment.agency_id == referral.from_agency_id] += 1
    assert sides[True]  # the sending agency
    assert sides[False]  # the receiving agency


def test_notifications_fill_the_bell_without_any_email(seeded):
    notifications = Notification.objects.select_related("recipient")
    assert 10 <= notifications.count() <= 300
    assert not notifications.filter(emailed_at=None).exists()  # nothing left to e-mail
    assert notifications.filter(read_at=None).exists()
    assert not OutboxEvent.objects.filter(processed_at=None).exists()
    now = timezone.now()
    for notification in notifications:
        # the untranslated message of the services, so that it is translated when shown
        assert notification.message == services.EVENT_MESSAGES[notification.kind]
        assert notification.kind in services.EVENT_KINDS
        assert "%(" not in notification.text
        assert notification.created_at <= now
        assert notification.recipient.role in (User.Role.OFFICER, User.Role.SUPERVISOR)
    supervisor = User.objects.get(username="kanim-serang-supervisor")
    waiting = notifications.filter(
        recipient=supervisor, kind=services.EVENT_SHARE_REQUESTED, read_at=None
    )
    assert waiting.count() == Share.objects.filter(status=ShareStatus.PENDING).count()


def test_referral_notifications_name_the_action_as_the_services_do(seeded):
    """The source label, which Notification.text translates for each reader."""
    with translation.override("en"):
        labels = {str(label) for label in RequestedAction.labels}
    sent = Notification.objects.filter(kind=services.EVENT_REFERRAL_SENT)
    assert sent.exists()
    assert {n.params["action"] for n in sent} <= labels


def test_seeding_again_adds_no_shares_referrals_or_notifications(seeded):
    def counts():
        return (
            Share.objects.count(),
            Referral.objects.count(),
            ReferralComment.objects.count(),
            Notification.objects.count(),
            OutboxEvent.objects.count(),
            list(Agency.objects.filter(share_requires_approval=True)),
        )

    before = counts()
    assert demo.exchanges_seeded()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
