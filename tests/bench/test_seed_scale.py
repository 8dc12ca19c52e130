"""seed_scale writes data that passes the rules the services apply one report at a time."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from agreements.sharing_policy import VERSION_KEY, share_bases
from portal.accounts.models import Agency, User
from portal.regions.nik import parse_nik
from referrals import selectors
from referrals.indicators import suggest_categories
from referrals.models import NumberCounter, Referral, Report, ReportPerson, Share
from referrals.vocabularies import ReferralStatus, ReportStatus, ShareStatus
from tests.referrals.factories import search_documents
from villages.models import DesaBinaan

REPORTS = 500

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end (each test's
    own transaction is a savepoint within it, as in Django's TestCase.setUpClass)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_scale", "--reports", str(REPORTS), "--users", "300", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def busiest_officer() -> User:
    agency_id = Report.objects.values_list("agency_id").annotate(n=Count("pk")).order_by("-n")[0][0]
    return User.objects.filter(agency_id=agency_id, role=User.Role.OFFICER).first()


def test_the_fixed_part_and_the_counts(seeded):
    assert Report.objects.count() == REPORTS
    assert Agency.objects.count() == 40
    assert 250 <= User.objects.filter(username__startswith="skala-").count() <= 360
    assert DesaBinaan.objects.count() == 300
    assert all(
        code.startswith("36.") for code in DesaBinaan.objects.values_list("village_id", flat=True)
    )
    # Every agency has officers and supervisors; supervisors and admins have enrolled TOTP.
    roles = Counter(
        User.objects.filter(username__startswith="skala-").values_list("role", flat=True)
    )
    assert roles["officer"] > roles["supervisor"] >= 80
    assert roles["system_admin"] == 1
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user__role="supervisor").count() == roles["supervisor"]


def test_numbers_follow_each_agencys_sequence_without_gaps(seeded):
    counters = NumberCounter.objects.filter(series="IND").values_list("code", "year", "last")
    assert counters
    for code, year, last in counters:
        numbers = sorted(
            int(n.rsplit("-", 1)[1])
            for n in Report.objects.filter(
                number__startswith=f"IND-36-{code}-{year}-", agency__code=code
            ).values_list("number", flat=True)
        )
        assert numbers == list(range(1, last + 1))
    assert sum(last for _c, _y, last in counters) == Report.objects.count()


def test_referral_numbers_follow_each_sending_agencys_sequence(seeded):
    counters = NumberCounter.objects.filter(series="RJK").values_list("code", "year", "last")
    assert counters
    for code, year, last in counters:
        numbers = sorted(
            int(n.rsplit("-", 1)[1])
            for n in Referral.objects.filter(
                number__startswith=f"RJK-{code}-{year}-", from_agency__code=code
            ).values_list("number", flat=True)
        )
        assert numbers == list(range(1, last + 1))
    assert sum(last for _c, _y, last in counters) == Referral.objects.count()


def test_derived_fields_are_those_the_services_compute(seeded):
    reports = Report.objects.prefetch_related("persons").order_by("pk")
    for report in reports[:200]:
        persons = list(report.persons.all())
        assert report.person_count == len(persons) >= 1
        child = selectors.child_victim(report, persons)
        assert report.suggested_categories == list(
            suggest_categories(report.indicators, child_victim=child).categories
        )
        if report.status != ReportStatus.DRAFT:
            assert report.categories
            if set(report.categories) != set(report.suggested_categories):
                assert report.category_reason
        if report.status == ReportStatus.CLOSED:
            assert report.outcome
            assert report.closed_at >= report.review_started_at
    # The search document is the services' own expression.
    saved, expected = search_documents(reports.first())
    assert saved == expected


def test_identifiers_are_encrypted_valid_and_indexed(seeded):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM referrals_reportperson WHERE nik <> '' LIMIT 1")
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAAA")  # a Fernet token, not the number
    persons = ReportPerson.objects.exclude(nik="")[:100]
    for person in persons:
        info = parse_nik(person.nik, sex=person.sex, birth_date=person.birth_date)
        assert info.warnings == ()
        assert info.province_code == "36"
    # A person appears in several reports: the blind index finds them.
    repeated = (
        ReportPerson.objects.exclude(nik_index="")
        .values("nik_index")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert repeated.exists()


def test_search_finds_a_seeded_name_within_what_the_officer_may_see(seeded):
    officer = busiest_officer()
    report = (
        Report.objects.filter(agency_id=officer.agency_id)
        .exclude(status=ReportStatus.DRAFT)
        .order_by("pk")
        .first()
    )
    name = report.persons.first().full_name
    found = selectors.report_list(user=officer, filters=selectors.ReportFilters(q=name))
    assert report in found
    assert all(r.agency_id == officer.agency_id for r in found)


def test_another_agency_sees_only_what_was_shared_with_it(seeded):
    officer = busiest_officer()
    own = set(Report.objects.filter(agency_id=officer.agency_id).values_list("pk", flat=True))
    partner = (
        Share.objects.filter(report__agency_id=officer.agency_id, status=ShareStatus.ACTIVE)
        .values_list("agency_id", flat=True)
        .first()
    )
    assert partner is not None
    other = User.objects.filter(agency_id=partner, role=User.Role.OFFICER).first()
    visible = set(selectors.visible_reports(other).values_list("pk", flat=True))
    shared_with_other = set(
        Share.objects.filter(agency_id=partner, status=ShareStatus.ACTIVE).values_list(
            "report_id", flat=True
        )
    )
    assert visible & own == shared_with_other & own
    assert visible & own  # something was shared
    # Drafts are their authors' only, even within the agency.
    assert (
        not selectors.own_reports(officer)
        .filter(status=ReportStatus.DRAFT)
        .exclude(created_by=officer)
        .exists()
    )


def test_shares_and_referrals_only_under_agreements_and_in_order(seeded):
    shares = Share.objects.select_related("report")
    assert shares.count() > 20
    for share in shares:
        day = (share.shared_at or share.created_at).date()
        bases = share_bases(
            source=share.report.agency_id,
            target=share.agency_id,
            categories=share.report.categories,
            on=day,
        )
        assert share.agreement_id in [b.agreement.pk for b in bases]
        assert share.report.status != ReportStatus.DRAFT
        assert share.created_at >= share.report.submitted_at
    for referral in Referral.objects.select_related("share"):
        assert referral.share.status == ShareStatus.ACTIVE
        assert referral.to_agency_id == referral.share.agency_id
        assert referral.sent_at >= referral.share.shared_at
        if referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
            assert referral.assigned_to.agency_id == referral.to_agency_id
        if referral.status == ReferralStatus.COMPLETED:
            assert referral.outcome
            assert referral.closed_at >= referral.started_at


def test_a_second_run_refuses_unless_appending(seeded):
    with pytest.raises(CommandError):
        call_command("seed_scale", "--reports", "10", verbosity=0)
    cache.set(VERSION_KEY, "before the second run")
    call_command("seed_scale", "--reports", "10", "--append", verbosity=0)
    assert Report.objects.count() == REPORTS + 10
    # Its agencies and agreements exist already (no signal): the COPY run renews the sharing
    # policy's version itself, so that no snapshot cached before it is read after it.
    assert cache.get(VERSION_KEY) not in (None, "before the second run")
    assert Report.objects.values("number").distinct().count() == REPORTS + 10
