"""Every figure comes only from what the user may see: their agencies' reports (a Kanwil
supervisor's includes the offices below), reports actively shared with them, referrals sent by
or to them. The agency filter never widens that."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals import services as report_services
from referrals.models import Referral, Report, Share
from referrals.stats import services
from referrals.stats.selectors import (
    OTHER,
    StatsFilters,
    add_months,
    agency_figures,
    current_month,
    referral_figures,
    statistics_overview,
)
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.referrals.stats import builders as b

pytestmark = pytest.mark.django_db

YEAR_2025 = StatsFilters(month_from=dt.date(2025, 1, 1), month_to=dt.date(2025, 12, 1))


def overview(user, **filters):
    return statistics_overview(user=user, filters=StatsFilters(**{**YEAR_2025.__dict__, **filters}))


def by_key(bars) -> dict[str, int]:
    return {bar.key: bar.reports for bar in bars}


@pytest.fixture
def kanim_reports(officer):
    """Three reports of Kanim Tangerang in 2025 (one TPPO and TPPM), and one draft."""
    reports = [
        b.submitted(officer, persons=2, occurred_at=b.at(2025, 3), destination_country="MY"),
        b.submitted(
            officer,
            occurred_at=b.at(2025, 3, 20),
            categories=["tppo", "tppm"],
            destination_country="MY",
        ),
        b.submitted(
            officer,
            occurred_at=b.at(2025, 5),
            categories=["pmi_nonprocedural"],
            source="departure_check",
            region=f.region("36.72.01.1002"),
            destination_country="SA",
        ),
    ]
    f.draft(officer, occurred_at=b.at(2025, 5))
    services.refresh_report_stats()
    return reports


# --- Own figures ---------------------------------------------------------------------------


def test_officer_sees_the_figures_of_their_agency(officer, colleague, kanim_reports):
    for user in (officer, colleague):
        o = overview(user)
        assert (o.reports, o.persons) == (3, 4)  # the draft is not counted
        months = {row.month: row for row in o.months}
        assert len(o.months) == 12
        assert months[dt.date(2025, 3, 1)].reports == 2
        assert months[dt.date(2025, 3, 1)].by_combo == {"tppo": 1, "tppm+tppo": 1}
        assert months[dt.date(2025, 5, 1)].by_combo == {"pmi_nonprocedural": 1}
        assert by_key(o.by_regency) == {"36.71": 2, "36.72": 1}
        assert by_key(o.by_destination) == {"MY": 2, "SA": 1}
        assert by_key(o.by_source) == {"passport_interview": 2, "departure_check": 1}


def test_category_filter_counts_reports_having_the_category(officer, kanim_reports):
    tppo = overview(officer, category="tppo")
    assert tppo.reports == 2
    assert by_key(tppo.by_destination) == {"MY": 2}
    assert {c.key for c in tppo.combos} == {"tppo", "tppm+tppo"}
    assert overview(officer, category="tppm").reports == 1
    assert overview(officer, category="pmi_nonprocedural").reports == 1


def test_officer_of_another_agency_sees_none_of_our_figures(
    cilegon_officer, bp3mi_officer, kanim_reports
):
    for outsider in (cilegon_officer, bp3mi_officer):
        o = overview(outsider)
        assert o.reports == 0
        assert o.by_regency == []
        assert o.by_source == []
        assert o.by_destination == []
        assert all(row.reports == 0 for row in o.pmi)
        assert agency_figures(outsider)["reports_this_year"] == 0


def test_kanwil_supervisor_sees_the_offices_below(
    kanwil_supervisor, kanim_supervisor, cilegon_officer, kanim_reports
):
    b.submitted(cilegon_officer, occurred_at=b.at(2025, 7))
    services.refresh_report_stats()

    assert overview(kanwil_supervisor).reports == 4
    assert overview(kanim_supervisor).reports == 3
    # Narrowed to one office below.
    assert overview(kanwil_supervisor, agency_id=cilegon_officer.agency_id).reports == 1


def test_agency_filter_cannot_widen_what_is_visible(officer, cilegon_officer, kanim_reports):
    """An agency the user may not see gives nothing at all, not its figures."""
    o = overview(cilegon_officer, agency_id=officer.agency_id)
    assert o.agency_ids == frozenset()
    assert o.reports == 0
    assert o.by_regency == []
    assert o.shared_reports == 0
    assert o.referrals.total == 0


def test_drill_down_lists_the_villages_of_one_regency(officer, kanim_reports):
    b.submitted(officer, occurred_at=b.at(2025, 6), region=f.region("36.71.01"))
    services.refresh_report_stats()

    o = overview(officer, regency="36.71")

    assert by_key(o.villages) == {f.PLACE: 2}
    assert o.villages_unplaced == 1  # placed at district level only
    assert o.regency_label == "KOTA TANGERANG"
    assert overview(officer, regency="36.72").villages[0].key == "36.72.01.1002"


def test_destinations_beyond_the_top_ten_are_grouped(officer):
    countries = ["MY", "SA", "TW", "HK", "SG", "JP", "KR", "AE", "QA", "KH", "MM", "TH"]
    for code in countries:
        b.submitted(officer, occurred_at=b.at(2025, 2), destination_country=code)
    services.refresh_report_stats()

    bars = overview(officer).by_destination

    assert len(bars) == 11
    assert bars[-1].key == OTHER
    assert bars[-1].reports == 2
    assert sum(bar.reports for bar in bars) == 12


# --- Shared reports ------------------------------------------------------------------------


def test_partner_sees_a_report_only_while_it_is_shared(pks, officer, bp3mi_officer, bp3mi):
    report = b.submitted(officer, persons=3, occurred_at=b.at(2025, 4), destination_country="MY")
    services.refresh_report_stats()
    assert overview(bp3mi_officer).reports == 0

    shares = report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert overview(bp3mi_officer).reports == 0  # until the summary's next refresh
    services.refresh_report_stats()

    o = overview(bp3mi_officer)
    assert (o.reports, o.persons, o.shared_reports) == (1, 3, 1)
    assert by_key(o.by_destination) == {"MY": 1}
    assert by_key(o.by_regency) == {"36.71": 1}
    assert overview(bp3mi_officer, regency="36.71").villages[0].key == f.PLACE
    assert overview(bp3mi_officer, include_shared=False).reports == 0
    # Shared reports are never counted twice for the reporting agency itself.
    assert overview(officer).reports == 1

    Share.objects.filter(pk=shares[0].pk).delete()  # (no service unshares; a cascade would)
    services.refresh_report_stats()
    assert overview(bp3mi_officer).reports == 0


def test_a_share_awaiting_approval_is_not_counted(pks, officer, kanim, bp3mi_officer, bp3mi):
    kanim.share_requires_approval = True
    kanim.save(update_fields=["share_requires_approval"])
    report = b.submitted(officer, occurred_at=b.at(2025, 4))

    shares = report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.refresh_report_stats()

    assert shares[0].status == "pending"
    assert overview(bp3mi_officer).reports == 0


def test_shared_non_procedural_reports_join_the_trend(pks, officer, bp3mi_officer, bp3mi):
    report = b.submitted(
        officer, persons=2, occurred_at=b.at(2024, 3), categories=["pmi_nonprocedural"]
    )
    report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.refresh_report_stats()

    rows = {(r.year, r.half): r for r in overview(bp3mi_officer).pmi}

    assert (rows[(2024, None)].reports, rows[(2024, None)].persons) == (1, 2)
    assert rows[(2024, 1)].persons == 2
    assert rows[(2024, 2)].persons == 0


def test_a_supervisor_counts_a_report_shared_with_several_offices_once(
    pks, officer, cilegon_officer, kanwil_supervisor, bp3mi_officer, bp3mi
):
    """Shares straight into the table (the rule of who may share is the sharing policy's, not
    this page's): a BP3MI report shared with both Kanims below the Kanwil, and a Kanim report
    shared with Cilegon."""
    theirs = b.submitted(bp3mi_officer, persons=2, occurred_at=b.at(2025, 4))
    ours = b.submitted(officer, occurred_at=b.at(2025, 4))
    for report, agency in (
        (theirs, officer.agency),
        (theirs, cilegon_officer.agency),
        (ours, cilegon_officer.agency),
    ):
        Share.objects.create(
            report=report,
            agency=agency,
            agreement=pks,
            shared_by=officer,
            status="active",
            shared_at=timezone.now(),
        )
    services.refresh_report_stats()

    # The Kanwil's supervisor: both Kanims' own reports, and the BP3MI report once.
    o = overview(kanwil_supervisor)
    assert (o.reports, o.persons, o.shared_reports) == (2, 3, 1)
    # Narrowed to Cilegon: what Cilegon sees — both reports, shared with it.
    o = overview(kanwil_supervisor, agency_id=cilegon_officer.agency_id)
    assert (o.reports, o.shared_reports) == (2, 2)
    assert (overview(cilegon_officer).reports, overview(officer).reports) == (2, 2)
    assert Report.objects.count() == 2


# --- Non-procedural PMI against the published figures --------------------------------------


def test_non_procedural_trend_sits_next_to_the_published_figures(officer):
    for when, persons in ((b.at(2024, 2), 3), (b.at(2024, 9), 1), (b.at(2025, 4), 2)):
        b.submitted(
            officer,
            persons=persons,
            occurred_at=when,
            categories=["pmi_nonprocedural"],
        )
    b.submitted(officer, occurred_at=b.at(2025, 4))  # TPPO: not in the trend
    services.refresh_report_stats()

    rows = {(r.year, r.half): r for r in overview(officer, category="tppo").pmi}

    assert rows[(2024, None)].persons == 4
    assert rows[(2024, None)].published.persons == 4_000
    assert rows[(2024, None)].coverage == pytest.approx(0.1)
    assert rows[(2025, 1)].persons == 2
    assert rows[(2025, 1)].published.persons == 1_242
    assert rows[(2025, 2)].published is None
    assert rows[(2025, None)].reports == 1


# --- Period --------------------------------------------------------------------------------


def test_default_period_is_the_last_twelve_months(officer):
    b.submitted(officer, occurred_at=f.ago(2))
    services.refresh_report_stats()

    o = statistics_overview(user=officer)

    assert o.filters.month_to == current_month()
    assert o.filters.month_from == add_months(current_month(), -11)
    assert not o.period_moved
    assert o.reports == 1


def test_default_period_reaches_back_to_the_latest_reports(officer, kanim_reports):
    o = statistics_overview(user=officer)

    assert o.filters.month_to == current_month()
    latest = dt.date(2025, 5, 1)
    if add_months(current_month(), -11) > latest:
        assert o.period_moved
        assert o.filters.month_from == max(
            add_months(latest, -11), add_months(current_month(), -59)
        )
        assert o.reports == 3


# --- Referrals -----------------------------------------------------------------------------


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, tzinfo=b.JAKARTA)


def test_referral_figures_by_status_and_days_per_receiving_agency(
    pks, officer, bp3mi, bp3mi_supervisor, bp3mi_officer, cilegon_officer, kanwil_supervisor
):
    """Two completed referrals (accepted after 1 and 3 days, completed 2 and 6 days later),
    one declined, one waiting."""
    times = [(1, 2), (3, 6), (None, None), (None, None)]
    referrals = []
    for i, (accept_days, complete_days) in enumerate(times):
        report = b.submitted(officer, occurred_at=b.at(2025, 5))
        referral = x.refer(officer, report, bp3mi)
        if accept_days is not None:
            report_services.referral_accept(
                actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
            )
            report_services.referral_complete(
                actor=bp3mi_officer, referral=referral, outcome="action_taken"
            )
            Referral.objects.filter(pk=referral.pk).update(
                sent_at=_at(2),
                accepted_at=_at(2 + accept_days),
                closed_at=_at(2 + accept_days + complete_days),
                due_on=dt.date(2025, 6, 6),
            )
        elif i == 2:
            report_services.referral_decline(
                actor=bp3mi_supervisor, referral=referral, reason="Bukan wewenang kami."
            )
            Referral.objects.filter(pk=referral.pk).update(sent_at=_at(3))
        else:
            Referral.objects.filter(pk=referral.pk).update(sent_at=_at(4))
        referrals.append(referral)

    for user in (officer, bp3mi_officer, kanwil_supervisor):
        figures = referral_figures(user=user, filters=YEAR_2025)
        assert figures.total == 4
        assert {bar.key: bar.reports for bar in figures.by_status}["completed"] == 2
        (row,) = figures.rows
        assert row.agency_id == bp3mi.pk
        assert row.by_status["declined"] == 1
        assert row.by_status["sent"] == 1
        assert row.accept_median == pytest.approx(2.0)
        assert row.accept_p90 == pytest.approx(2.8)
        assert row.complete_median == pytest.approx(4.0)
        assert row.complete_p90 == pytest.approx(5.6)
        assert (row.completed, row.completed_on_time) == (2, 1)

    # Another office of the Kanwil sees none of them; nor does a narrowed filter.
    assert referral_figures(user=cilegon_officer, filters=YEAR_2025).total == 0
    narrowed = StatsFilters(**{**YEAR_2025.__dict__, "agency_id": cilegon_officer.agency_id})
    assert referral_figures(user=kanwil_supervisor, filters=narrowed).total == 0
    # The category filter follows the report.
    tppm = StatsFilters(**{**YEAR_2025.__dict__, "category": "tppm"})
    assert referral_figures(user=officer, filters=tppm).total == 0


# --- Home dashboard ------------------------------------------------------------------------


def test_agency_figures_for_the_dashboard(pks, officer, bp3mi, bp3mi_officer, cilegon_officer):
    now = timezone.localtime()
    this_month = b.submitted(officer, persons=2, occurred_at=now)
    b.submitted(cilegon_officer, occurred_at=now)
    x.refer(officer, this_month, bp3mi)
    services.refresh_report_stats()

    mine = agency_figures(officer)
    assert mine["reports_this_month"] == 1
    assert mine["persons_this_month"] == 2
    assert mine["reports_this_year"] == 1
    assert mine["open_referrals_outgoing"] == 1
    assert mine["open_referrals_incoming"] == 0
    assert mine["as_of"] is not None

    theirs = agency_figures(bp3mi_officer)
    assert theirs["reports_this_month"] == 0
    assert theirs["open_referrals_incoming"] == 1


def test_shared_reports_are_counted_like_the_summary_counts_them(
    pks, officer, bp3mi_officer, bp3mi
):
    """The partner reads the shared rows, the owner its own: the figures must agree to the
    last bucket, village and trend row."""
    reports = [
        b.submitted(officer, persons=2, occurred_at=b.at(2025, 1, 1, hour=0)),
        b.submitted(officer, occurred_at=b.at(2025, 1, 31, hour=23), categories=["tppo", "tppm"]),
        b.submitted(
            officer,
            persons=3,
            occurred_at=b.at(2025, 6),
            categories=["pmi_nonprocedural"],
            destination_country="SA",
            source="departure_check",
        ),
        b.submitted(officer, occurred_at=b.at(2025, 7), region=f.region("36.71.01")),
        b.submitted(officer, occurred_at=b.at(2024, 11), categories=["pmi_nonprocedural"]),
    ]
    for report in reports:
        report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.refresh_report_stats()

    for category in ("", "tppo", "pmi_nonprocedural"):
        mine = overview(officer, category=category, regency="36.71")
        theirs = overview(bp3mi_officer, category=category, regency="36.71")
        assert theirs.shared_reports == mine.reports > 0
        assert [(m.month, m.reports, m.persons, m.by_combo) for m in theirs.months] == [
            (m.month, m.reports, m.persons, m.by_combo) for m in mine.months
        ]
        for name in ("by_source", "by_regency", "by_destination", "villages"):
            assert getattr(theirs, name) == getattr(mine, name), name
        assert theirs.villages_unplaced == mine.villages_unplaced
        assert [(r.label, r.reports, r.persons) for r in theirs.pmi] == [
            (r.label, r.reports, r.persons) for r in mine.pmi
        ]
