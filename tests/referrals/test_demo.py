"""The demo indication reports of `manage.py seed_demo` (referrals/demo.py): a few hundred
realistic, internally consistent reports, valid NIKs, and no duplicates on a second run.

The whole demo (regions, agencies, accounts, agreements, villages, reports) is seeded once for
the module, inside a transaction rolled back at its end; each test runs in a savepoint of it."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from portal.core.categories import ReportCategory
from portal.core.crypto import blind_index
from portal.regions.nik import parse_nik, validate_passport_number
from referrals import demo, selectors
from referrals.indicators import suggest_categories
from referrals.models import PreventionAction, Report, ReportPerson, ReportSequence
from referrals.vocabularies import PASSPORT_KINDS, Checkpoint, PreventionKind, ReportStatus
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


def test_seeding_again_adds_nothing(seeded):
    def counts():
        return (
            Report.objects.count(),
            ReportPerson.objects.count(),
            PreventionAction.objects.count(),
            list(ReportSequence.objects.order_by("year").values_list("year", "last")),
        )

    before = counts()
    assert demo.already_seeded()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    numbers = Report.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith(("IND-36-2024-", "IND-36-2025-")) for n in numbers)
