"""Who sees which indication report, and the lists built on that rule
(referrals/selectors.py)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from portal import access
from referrals import permissions, search, selectors, services
from referrals.models import Report, ReportPerson
from referrals.selectors import ReportFilters
from tests.referrals import factories as f
from tests.referrals.factories import NIK_FEMALE, NIK_MALE

pytestmark = pytest.mark.django_db


def listed(user, **filters) -> list[Report]:
    return list(selectors.report_list(user=user, filters=ReportFilters(**filters)))


def review(supervisor, report: Report) -> Report:
    return services.report_start_review(actor=supervisor, report=report)


# --- Visibility ----------------------------------------------------------------------------


def test_officer_cannot_see_report_of_another_agency(officer, cilegon_officer, bp3mi_officer):
    report = f.submitted(officer)

    for outsider in (cilegon_officer, bp3mi_officer):
        assert not selectors.visible_reports(outsider).filter(pk=report.pk).exists()
        with pytest.raises(Http404):
            selectors.get_report_for(outsider, report.pk)
        assert report not in listed(outsider)
    assert selectors.get_report_for(officer, report.pk) == report


def test_missing_and_forbidden_reports_raise_the_same_404(officer, cilegon_officer):
    report = f.submitted(officer)
    missing = report.pk + 1000

    errors = []
    for pk in (report.pk, missing):
        with pytest.raises(Http404) as excinfo:
            selectors.get_report_for(cilegon_officer, pk)
        errors.append((type(excinfo.value), str(excinfo.value)))
    assert errors[0] == errors[1]


def test_a_draft_is_seen_by_its_author_only_until_submitted(
    officer, colleague, kanim_supervisor, kanwil_supervisor
):
    report = f.draft(officer)

    assert selectors.get_report_for(officer, report.pk) == report
    for someone in (colleague, kanim_supervisor, kanwil_supervisor):
        assert not selectors.visible_reports(someone).filter(pk=report.pk).exists()
        with pytest.raises(Http404):
            selectors.get_report_for(someone, report.pk)

    services.report_submit(actor=officer, report=report)

    for someone in (colleague, kanim_supervisor, kanwil_supervisor):
        assert selectors.get_report_for(someone, report.pk) == report


def test_a_kanwil_supervisor_sees_submitted_reports_of_the_offices_below(
    officer, cilegon_officer, kanwil_supervisor, kanwil_officer_report
):
    tangerang = f.submitted(officer)
    cilegon = f.submitted(cilegon_officer)
    f.draft(cilegon_officer)

    assert set(selectors.visible_reports(kanwil_supervisor)) == {
        tangerang,
        cilegon,
        kanwil_officer_report,
    }


@pytest.fixture
def kanwil_officer_report(make_user, kanwil):
    return f.submitted(make_user("officer", kanwil, username="kanwilofficer"))


def test_an_officer_of_the_kanwil_does_not_see_the_offices_below(officer, kanwil_officer_report):
    f.submitted(officer)
    kanwil_officer = kanwil_officer_report.created_by

    assert list(selectors.visible_reports(kanwil_officer)) == [kanwil_officer_report]


def test_a_supervisor_of_a_sibling_office_sees_nothing_of_another(officer, cilegon_supervisor):
    f.submitted(officer)
    assert not selectors.visible_reports(cilegon_supervisor).exists()


def test_a_system_admin_does_not_see_other_agencies_reports(officer, system_admin, cilegon_officer):
    f.submitted(officer)
    f.submitted(cilegon_officer)

    assert not selectors.visible_reports(system_admin).exists()
    assert listed(system_admin) == []


def test_an_inactive_user_sees_nothing(officer, colleague):
    f.submitted(officer)
    colleague.is_active = False

    assert not selectors.visible_reports(colleague).exists()


def test_who_may_edit_a_report(officer, colleague, kanim_supervisor, kanwil_supervisor):
    draft = f.draft(officer)
    assert permissions.can_edit_report(officer, draft)
    assert not permissions.can_edit_report(colleague, draft)
    assert not permissions.can_edit_report(kanim_supervisor, draft)

    report = f.submitted(officer)
    assert permissions.can_edit_report(officer, report)
    assert permissions.can_edit_report(kanim_supervisor, report)
    assert permissions.can_edit_report(kanwil_supervisor, report)
    assert not permissions.can_edit_report(colleague, report)

    review(kanim_supervisor, report)
    services.report_close(actor=kanim_supervisor, report=report, outcome="unfounded")
    report.refresh_from_db()
    for someone in (officer, kanim_supervisor, kanwil_supervisor):
        assert not permissions.can_edit_report(someone, report)


# --- report_list: search -------------------------------------------------------------------


@pytest.fixture
def three_reports(officer):
    siti = f.submitted(
        officer,
        persons=[f.person(full_name="Siti Nurhaliza"), f.person(full_name="Joko Widodo")],
        narrative="Calon PMI akan diberangkatkan ke Erbil melalui penampung di Bekasi.",
    )
    budi = f.submitted(
        officer,
        persons=[f.person(full_name="Budi Santoso")],
        narrative="Penumpang kapal tanpa paspor dijemput tekong di pelabuhan Merak.",
        indicators=["smuggling_no_documents", "smuggling_profit"],
        categories=["tppm"],
    )
    ani = f.draft(
        officer,
        persons=[f.person(full_name="Ani Rahmawati")],
        narrative="Ditawari kerja sebagai asisten rumah tangga di Riyadh oleh sponsor desa.",
        indicators=["nonproc_visit_visa"],
        categories=["pmi_nonprocedural"],
    )
    return siti, budi, ani


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("Siti", {"siti"}, id="first-name"),
        pytest.param("sit nur", {"siti"}, id="name-prefixes"),
        pytest.param("NURHALIZA", {"siti"}, id="case-insensitive"),
        pytest.param("jok", {"siti"}, id="second-person"),
        pytest.param("santoso", {"budi"}, id="surname"),
        pytest.param("tekong", {"budi"}, id="narrative-word"),
        pytest.param("merak", {"budi"}, id="narrative-place"),
        pytest.param("riyadh", {"ani"}, id="narrative-of-own-draft"),
        pytest.param("siti merak", set(), id="all-words-must-match"),
        pytest.param("zulkifli", set(), id="nobody"),
        pytest.param("  ", {"siti", "budi", "ani"}, id="blank-means-all"),
        pytest.param("!!!", set(), id="no-word"),
    ],
)
def test_search(officer, three_reports, q, expected):
    by_name = dict(zip(("siti", "budi", "ani"), three_reports, strict=True))

    found = {name for name, r in by_name.items() if r in listed(officer, q=q)}

    assert found == expected


def test_search_by_number(officer, three_reports):
    siti, budi, _ani = three_reports

    assert listed(officer, q=budi.number) == [budi]
    assert listed(officer, q=budi.number.lower()) == [budi]
    assert listed(officer, q=f"  {siti.number} ") == [siti]


def test_search_by_number_in_either_format(officer, three_reports):
    """Numbers given before agencies had codes (IND-36-YYYY-NNNNNN) stay valid and found."""
    siti, budi, _ani = three_reports
    Report.objects.filter(pk=budi.pk).update(number="IND-36-2025-000042")
    code = officer.agency.code
    serial = int(siti.number[-6:])

    assert re.fullmatch(rf"IND-36-{code}-\d{{4}}-\d{{6}}", siti.number)
    assert listed(officer, q="IND-36-2025-000042") == [budi]
    assert listed(officer, q="ind-36-2025-42") == [budi]
    assert listed(officer, q=siti.number.lower()) == [siti]
    assert listed(officer, q=f"{siti.number[:-7]}-{serial}") == [siti]
    assert not ReportFilters(q="IND-36-2025-000042").full_text
    assert not ReportFilters(q=siti.number).full_text


def test_search_finds_nothing_a_colleague_may_not_see(colleague, three_reports):
    assert listed(colleague, q="riyadh") == []
    assert listed(colleague, q="siti") == [three_reports[0]]


def test_search_follows_a_correction(officer, three_reports):
    _siti, budi, _ani = three_reports
    person = budi.persons.get()

    services.report_update(
        actor=officer,
        report=budi,
        persons=[f.person(pk=person.pk, full_name="Budiman Santoso")],
        correction_reason="Nama lengkap sesuai KTP.",
    )

    assert listed(officer, q="budiman") == [budi]


def test_the_search_document_names_the_reporting_agency(officer, cilegon_officer, three_reports):
    siti, budi, ani = three_reports
    theirs = f.submitted(cilegon_officer)

    assert f.tagged_with_agency(officer.agency_id) == {siti, budi, ani}
    assert f.tagged_with_agency(cilegon_officer.agency_id) == {theirs}


@pytest.mark.parametrize(
    "q", ["agency", "@agency", "@agency:{pk}", "'@agency:{pk}'", "agency {pk}"]
)
def test_no_search_can_type_the_agency_lexeme(officer, three_reports, q):
    assert listed(officer, q=q.format(pk=officer.agency_id)) == []


def test_a_supervisors_search_covers_the_offices_below(
    officer, cilegon_officer, kanwil_supervisor, kanwil_officer_report
):
    tangerang = f.submitted(officer, persons=[f.person(full_name="Rini Susanti")])
    cilegon = f.submitted(cilegon_officer, persons=[f.person(full_name="Rini Wulandari")])

    assert set(listed(kanwil_supervisor, q="rini")) == {tangerang, cilegon}
    assert listed(officer, q="rini") == [tangerang]
    assert listed(cilegon_officer, q="rini wulan") == [cilegon]


def test_an_own_search_asks_the_index_for_the_agencies_too(officer, kanwil_supervisor):
    """The words and the agencies' lexemes in one tsquery (`referrals.search`), so that
    PostgreSQL can answer both from the GIN index."""
    sql = str(selectors.report_list(user=officer, filters=ReportFilters(q="rini")).query)
    assert f"'@agency:{officer.agency_id}'" in sql
    assert f'("referrals_report"."agency_id" + 0) IN ({officer.agency_id})' in sql

    below = access.visible_agency_ids(kanwil_supervisor)
    sql = str(selectors.report_list(user=kanwil_supervisor, filters=ReportFilters(q="rini")).query)
    assert " | ".join(f"'@agency:{pk}'" for pk in sorted(below)) in sql

    shared = selectors.report_list(user=officer, filters=ReportFilters(q="rini"), shared=True)
    assert "@agency" not in str(shared.query)


def test_the_lexeme_narrows_the_search_but_the_agency_decides(officer, cilegon_officer):
    """A document that named the wrong agency (it cannot happen through the services) would
    not let a report of another agency into an own search: the row's agency is checked."""
    theirs = f.submitted(cilegon_officer, persons=[f.person(full_name="Rini Wulandari")])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_report SET search_vector = search_vector"
            " || array_to_tsvector(ARRAY[%s]) WHERE id = %s",
            [search.agency_lexeme(officer.agency_id), theirs.pk],
        )
    assert theirs in f.tagged_with_agency(officer.agency_id)

    assert listed(officer, q="rini") == []
    assert listed(cilegon_officer, q="rini") == [theirs]


def test_a_lexeme_query_refuses_quotes():
    with pytest.raises(ValueError, match="plain lexemes"):
        search.LexemeQuery(["it's"])
    with pytest.raises(ValueError, match="plain lexemes"):
        search.LexemeQuery([])


# --- report_list: filters ------------------------------------------------------------------


def test_filters(officer, kanim_supervisor):
    region = f.region("36.72.01.1002")
    old = f.submitted(
        officer,
        occurred_at=timezone.now() - dt.timedelta(days=40),
        destination_country="MY",
        source="departure_check",
        risk_level="high",
    )
    recent = f.submitted(
        officer,
        indicators=["smuggling_no_documents", "smuggling_profit"],
        categories=["tppm"],
        region=region,
        destination_country="SA",
    )
    draft = f.draft(officer, destination_country="MY")
    review(kanim_supervisor, old)
    today = timezone.localdate()

    assert set(listed(officer)) == {old, recent, draft}
    assert listed(officer, status="draft") == [draft]
    assert listed(officer, status="submitted") == [recent]
    assert listed(officer, status="under_review") == [old]
    assert listed(officer, category="tppm") == [recent]
    assert set(listed(officer, category="tppo")) == {old, draft}
    assert listed(officer, category="pmi_nonprocedural") == []
    assert listed(officer, date_to=today - dt.timedelta(days=30)) == [old]
    assert set(listed(officer, date_from=today - dt.timedelta(days=30))) == {recent, draft}
    assert listed(
        officer, date_from=today - dt.timedelta(days=41), date_to=today - dt.timedelta(days=39)
    ) == [old]
    assert listed(officer, region_code="36.72") == [recent]
    assert listed(officer, region_code="36.72.01.1002") == [recent]
    assert set(listed(officer, region_code="36.71")) == {old, draft}
    assert listed(officer, region_code="36.7") == []  # a code, not a string prefix
    assert set(listed(officer, destination="MY")) == {old, draft}
    assert listed(officer, destination="SA") == [recent]
    assert listed(officer, source="departure_check") == [old]
    assert listed(officer, risk_level="high") == [old]
    assert listed(officer, status="submitted", category="tppo") == []


def test_list_is_newest_first_and_sorts(officer):
    older = f.submitted(officer, occurred_at=timezone.now() - dt.timedelta(days=9))
    newer = f.submitted(
        officer, occurred_at=timezone.now() - dt.timedelta(days=1), risk_level="low"
    )
    riskier = f.submitted(
        officer, occurred_at=timezone.now() - dt.timedelta(days=5), risk_level="high"
    )

    assert listed(officer) == [newer, riskier, older]
    assert listed(officer, sort="occurred") == [older, riskier, newer]
    assert listed(officer, sort="-risk") == [riskier, older, newer]
    assert listed(officer, sort="number") == [older, newer, riskier]
    assert listed(officer, sort="nonsense") == [newer, riskier, older]


def test_list_filters_by_same_person(officer, cilegon_officer):
    first = f.submitted(officer, persons=[f.person(nik=NIK_MALE)])
    again = f.submitted(officer, persons=[f.person(full_name="S. Nurhaliza", nik=NIK_MALE)])
    f.submitted(officer, persons=[f.person(nik=NIK_FEMALE)])
    f.submitted(cilegon_officer, persons=[f.person(nik=NIK_MALE)])
    person = first.persons.get()

    assert set(listed(officer, person_id=person.pk)) == {first, again}
    # Someone who cannot see the person's report learns nothing through the filter.
    assert listed(cilegon_officer, person_id=person.pk) == []


def test_list_query_count_does_not_grow_with_reports(officer, django_assert_max_num_queries):
    for _ in range(4):
        f.submitted(officer)

    with django_assert_max_num_queries(1):
        rows = [
            (r.number, r.agency.short_name, r.region.name, r.created_by.username)
            for r in listed(officer)
        ]
    assert len(rows) == 4


# --- person_matches ------------------------------------------------------------------------


def test_person_matches_counts_other_visible_reports_of_the_same_person(
    officer, colleague, cilegon_officer
):
    report = f.submitted(
        officer,
        persons=[
            f.person(nik=NIK_MALE),
            f.person(full_name="Ani", passport_number="X1234567"),
            f.person(full_name="Tanpa identitas"),
        ],
    )
    f.submitted(colleague, persons=[f.person(nik="3671 0112 0190 0001")])  # same NIK
    f.submitted(officer, persons=[f.person(nik=NIK_MALE, passport_number="x1234567")])  # both
    f.submitted(officer, persons=[f.person(nik=NIK_FEMALE)])  # someone else
    f.submitted(cilegon_officer, persons=[f.person(nik=NIK_MALE)])  # not visible
    f.draft(colleague, persons=[f.person(nik=NIK_MALE)])  # a colleague's draft: not visible
    siti, ani, _nobody = report.persons.all()

    matches = selectors.person_matches(user=officer, report=report)

    assert matches == {siti.pk: 2, ani.pk: 1}


def test_person_matches_is_empty_without_identifiers(officer):
    report = f.submitted(officer)
    f.submitted(officer)
    assert selectors.person_matches(user=officer, report=report) == {}


def test_person_matches_depends_on_who_asks(officer, kanwil_supervisor, cilegon_officer):
    report = f.submitted(officer, persons=[f.person(nik=NIK_MALE)])
    f.submitted(cilegon_officer, persons=[f.person(nik=NIK_MALE)])
    person = report.persons.get()

    assert selectors.person_matches(user=officer, report=report) == {}
    assert selectors.person_matches(user=kanwil_supervisor, report=report) == {person.pk: 1}


# --- review_queue --------------------------------------------------------------------------


def test_review_queue_holds_only_waiting_reports_of_the_supervisors_agencies(
    officer, cilegon_officer, kanim_supervisor, kanwil_supervisor
):
    waiting = f.submitted(officer)
    in_review = f.submitted(officer)
    review(kanim_supervisor, in_review)
    closed = f.submitted(officer)
    review(kanim_supervisor, closed)
    services.report_close(actor=kanim_supervisor, report=closed, outcome="unfounded")
    f.draft(officer)
    sibling = f.submitted(cilegon_officer)

    assert set(selectors.review_queue(user=kanim_supervisor)) == {waiting, in_review}
    assert set(selectors.review_queue(user=kanwil_supervisor)) == {waiting, in_review, sibling}


def test_review_queue_is_empty_for_other_roles(officer, colleague, agency_admin, system_admin):
    f.submitted(officer)
    for someone in (officer, colleague, agency_admin, system_admin):
        assert not selectors.review_queue(user=someone).exists()


def test_review_queue_puts_waiting_reports_first_oldest_first(officer, kanim_supervisor):
    first = f.submitted(officer)
    second = f.submitted(officer)
    third = f.submitted(officer)
    review(kanim_supervisor, first)

    assert list(selectors.review_queue(user=kanim_supervisor)) == [second, third, first]


# --- child_victim --------------------------------------------------------------------------


def person(**fields) -> ReportPerson:
    fields.setdefault("role", "potential_victim")
    return ReportPerson(full_name="Siti", **fields)


def test_child_victim_is_a_potential_victim_under_18_on_the_day():
    report = Report(occurred_at=dt.datetime(2025, 6, 15, 10, tzinfo=dt.UTC))

    assert selectors.child_victim(report, [person(birth_date=dt.date(2007, 6, 16))])
    assert not selectors.child_victim(report, [person(birth_date=dt.date(2007, 6, 15))])
    assert selectors.child_victim(report, [person(age=17)])
    assert not selectors.child_victim(report, [person(age=18)])
    assert not selectors.child_victim(report, [person()])
    assert not selectors.child_victim(report, [person(age=12, role="witness")])
    assert selectors.child_victim(report, [person(age=30), person(age=12)])
    assert not selectors.child_victim(Report(occurred_at=None), [person(age=12)])


def test_child_victim_counts_the_day_in_the_portals_time_zone():
    """02:00 WIB on 15 June is still 14 June in UTC: the person born on 15 June 2007 turned 18
    that day in Banten, so is no longer a child."""
    occurred = dt.datetime(2025, 6, 15, 2, tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(dt.UTC)
    report = Report(occurred_at=occurred)

    assert not selectors.child_victim(report, [person(birth_date=dt.date(2007, 6, 15))])
