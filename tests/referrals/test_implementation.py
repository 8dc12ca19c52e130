"""An agreement's implementation summary for a period: activities (villages) and exchanges
of data (referrals.implementation) per scope, counted from what the user may see; the page's
period filter, its exchanges panel, and the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from portal.accounts.models import Agency, User
from portal.audit.models import AuditEntry
from referrals import services
from referrals.implementation import agreement_exchanges
from referrals.models import Referral, Report, Share
from tests.factories import AgencyFactory
from tests.pdftext import pdf_text
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages import factories as vf
from tests.villages.factories import days

pytestmark = pytest.mark.django_db

FROM, TO = days(-60), days(1)


@dataclass
class PactExchanges:
    pact: object  # Kanim Tangerang - BP3MI - DPD KNPI
    knpi: Agency
    knpi_officer: User
    reports: dict[str, Report]
    referrals: dict[str, Referral]


def fresh(user: User) -> User:
    """The user as a new request loads it (nothing memoised on the object)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def pact_exchanges(
    system_admin, kanim, bp3mi, polda, officer, bp3mi_officer, bp3mi_supervisor, make_user
) -> PactExchanges:
    """Three parties: "pertukaran-data" lets every party exchange TPPO reports;
    "data-tppm" lets Kanim and BP3MI only exchange TPPM and non-procedural reports;
    "sosialisasi" carries activities. Kanim shares r1 (TPPO) and r2 (TPPO+TPPM) with BP3MI,
    r4 (TPPO) with KNPI, and r6 (TPPO) with BP3MI long before the period; BP3MI shares r5
    (TPPO) with KNPI. Referrals: r1 → BP3MI accepted and completed, r2 → BP3MI sent,
    r4 → KNPI accepted. And an agreement Kanim - Polda with a share nobody here counts."""
    knpi = AgencyFactory(
        name="DPD KNPI Kota Tangerang", short_name="DPD KNPI", kind="youth_organisation"
    )
    knpi_officer = make_user("officer", knpi, username="knpiofficer")
    knpi_supervisor = make_user("supervisor", knpi, username="knpisupervisor")
    pact = vf.agreement(
        system_admin, kanim, bp3mi, knpi, activate=False, title="PKS Strategi Optimalisasi"
    )
    parties = {p.agency_id: p for p in pact.parties.all()}
    agreement_services.agreement_scope_add(
        actor=system_admin,
        agreement=pact,
        scope=vf.scope("pertukaran-data", data_exchange=True, sort_order=1),
        categories=["tppo"],
    )
    agreement_services.agreement_scope_add(
        actor=system_admin,
        agreement=pact,
        scope=vf.scope("data-tppm", data_exchange=True, sort_order=2),
        categories=["tppm", "pmi_nonprocedural"],
        parties=[parties[kanim.pk], parties[bp3mi.pk]],
    )
    pact = agreement_services.agreement_activate(actor=system_admin, agreement=pact)
    x.data_agreement(system_admin, kanim, polda, code="data-polri", title="PKS Kanim - Polda")

    def share(actor, agencies, **fields):
        report = f.submitted(actor, **fields)
        services.report_share(actor=actor, report=report, agencies=agencies)
        return report

    tppm = {"indicators": [], "categories": ["tppo", "tppm"], "category_reason": "Dua-duanya."}
    reports = {
        "r1": share(officer, [bp3mi]),
        "r2": share(officer, [bp3mi], **tppm),
        "r4": share(officer, [knpi]),
        "r5": share(bp3mi_officer, [knpi]),
        "r6": share(officer, [bp3mi]),
        "polda": share(officer, [polda]),
    }
    Share.objects.filter(report=reports["r6"]).update(
        shared_at=timezone.now() - dt.timedelta(days=200)
    )
    refs = {
        "r1": x.refer(officer, reports["r1"], bp3mi),
        "r2": x.refer(officer, reports["r2"], bp3mi),
        "r4": x.refer(officer, reports["r4"], knpi),
    }
    services.referral_accept(actor=bp3mi_supervisor, referral=refs["r1"], assigned_to=bp3mi_officer)
    services.referral_complete(
        actor=bp3mi_supervisor, referral=refs["r1"], outcome="victim_assisted"
    )
    services.referral_accept(actor=knpi_supervisor, referral=refs["r4"], assigned_to=knpi_officer)
    # Activities: two under "sosialisasi" in the period, one long before it.
    outreach = vf.scope("sosialisasi-bersama")
    agreement_services.agreement_scope_add(actor=system_admin, agreement=pact, scope=outreach)
    scope = pact.scopes.get(scope=outreach)
    vf.activity(
        kanim, date=days(-10), agreement_scope=scope, participants_male=10, participants_female=5
    )
    vf.activity(
        knpi, date=days(-5), agreement_scope=scope, co_organisers=[kanim], participants_female=7
    )
    vf.activity(bp3mi, date=days(-300), agreement_scope=scope, participants_male=40)
    return PactExchanges(
        pact=pact, knpi=knpi, knpi_officer=knpi_officer, reports=reports, referrals=refs
    )


def summary(user, pact, start=FROM, end=TO):
    return agreement_exchanges(user=fresh(user), agreement=pact, date_from=start, date_to=end)


def per_scope(result) -> dict[str, tuple[int, int, int, int]]:
    return {
        (e.scope.scope.code if e.scope else None): (
            e.counts.shares,
            e.counts.referrals_sent,
            e.counts.referrals_accepted,
            e.counts.referrals_completed,
        )
        for e in result.scopes
    }


def per_pair(result) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {
        (p.source.short_name, p.target.short_name): (
            p.counts.shares,
            p.counts.referrals_sent,
            p.counts.referrals_accepted,
            p.counts.referrals_completed,
        )
        for p in result.pairs
    }


# --- The counts --------------------------------------------------------------------------


def test_reporting_office_counts_what_it_sent_per_scope_category_and_pair(pact_exchanges, officer):
    result = summary(officer, pact_exchanges.pact)
    assert per_scope(result) == {"pertukaran-data": (3, 3, 2, 1), "data-tppm": (1, 1, 0, 0)}
    assert {code: n for code, _label, n in result.categories} == {
        "tppo": 3,
        "tppm": 1,
        "pmi_nonprocedural": 0,
    }
    assert per_pair(result) == {
        ("Kanim Tangerang", "BP3MI Banten"): (2, 2, 1, 1),
        ("Kanim Tangerang", "DPD KNPI"): (1, 1, 1, 0),
    }
    totals = result.totals
    assert (totals.shares, totals.referrals_sent, totals.referrals_accepted) == (3, 3, 2)
    assert totals.referrals_completed == 1


def test_partner_counts_what_it_received_and_sent_never_the_others_exchanges(
    pact_exchanges, bp3mi_officer
):
    result = summary(bp3mi_officer, pact_exchanges.pact)
    assert per_pair(result) == {
        ("BP3MI Banten", "DPD KNPI"): (1, 0, 0, 0),
        ("Kanim Tangerang", "BP3MI Banten"): (2, 2, 1, 1),
    }
    assert per_scope(result) == {"pertukaran-data": (3, 2, 1, 1), "data-tppm": (1, 1, 0, 0)}


def test_third_party_sees_only_its_own_pairs(pact_exchanges):
    result = summary(pact_exchanges.knpi_officer, pact_exchanges.pact)
    assert per_pair(result) == {
        ("BP3MI Banten", "DPD KNPI"): (1, 0, 0, 0),
        ("Kanim Tangerang", "DPD KNPI"): (1, 1, 1, 0),
    }
    assert per_scope(result) == {"pertukaran-data": (2, 1, 1, 0), "data-tppm": (0, 0, 0, 0)}


def test_kanwil_supervisor_counts_its_offices_and_a_system_admin_nothing(
    pact_exchanges, kanwil_supervisor, officer, system_admin
):
    assert per_pair(summary(kanwil_supervisor, pact_exchanges.pact)) == per_pair(
        summary(officer, pact_exchanges.pact)
    )
    assert summary(system_admin, pact_exchanges.pact).totals.shares == 0


def test_period_filter_keeps_to_the_dates(pact_exchanges, officer):
    before = summary(officer, pact_exchanges.pact, days(-250), days(-150))
    assert per_pair(before) == {("Kanim Tangerang", "BP3MI Banten"): (1, 0, 0, 0)}  # r6 only
    assert summary(officer, pact_exchanges.pact, days(5), days(10)).totals.shares == 0


def test_exchange_no_scope_covers_any_more_is_counted_apart(pact_exchanges, officer):
    # r4's category corrected to non-procedural: only "data-tppm" covers it, and that scope
    # does not bind KNPI.
    Report.objects.filter(pk=pact_exchanges.reports["r4"].pk).update(
        categories=["pmi_nonprocedural"]
    )
    result = summary(officer, pact_exchanges.pact)
    assert per_scope(result)[None] == (1, 1, 1, 0)
    assert per_scope(result)["pertukaran-data"] == (2, 2, 1, 1)


def test_summary_query_count_does_not_grow(
    pact_exchanges, officer, kanim, bp3mi, django_assert_max_num_queries
):
    user = fresh(officer)
    with django_assert_max_num_queries(9):
        summary(user, pact_exchanges.pact)
    for _i in range(4):
        report = f.submitted(officer)
        services.report_share(actor=officer, report=report, agencies=[bp3mi])
        x.refer(officer, report, bp3mi)
    with django_assert_max_num_queries(9):
        assert summary(fresh(officer), pact_exchanges.pact).totals.shares == 7


# --- The page and its panel ----------------------------------------------------------------


def page_url(pact, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("villages:agreement_implementation", args=[pact.pk]) + (
        f"?{query}" if query else ""
    )


def test_page_defaults_to_the_current_year(client, pact_exchanges, officer):
    client.force_login(officer)
    response = client.get(page_url(pact_exchanges.pact))
    assert response.status_code == 200
    year = vf.today().year
    assert response.context["period"] == (dt.date(year, 1, 1), dt.date(year, 12, 31))
    html = response.content.decode()
    assert reverse("referrals:agreement_exchanges", args=[pact_exchanges.pact.pk]) in html
    assert reverse("referrals:agreement_implementation_pdf", args=[pact_exchanges.pact.pk]) in html


def test_page_counts_activities_of_the_period(client, pact_exchanges, officer):
    client.force_login(officer)
    response = client.get(page_url(pact_exchanges.pact, **{"from": FROM, "to": TO}))
    report = response.context["report"]
    assert (report.total_activities, report.total_participants) == (2, 22)
    wide = client.get(page_url(pact_exchanges.pact, **{"from": days(-400), "to": TO})).context[
        "report"
    ]
    assert wide.total_activities == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-40"}, "from"),
        ({"to": "kemarin"}, "to"),
        ({"from": "2025-06-01", "to": "2025-01-01"}, "to"),
    ],
)
def test_bad_dates_are_form_errors_never_a_500(client, pact_exchanges, officer, params, field):
    client.force_login(officer)
    response = client.get(page_url(pact_exchanges.pact, **params))
    assert response.status_code == 200
    assert field in response.context["period_form"].errors
    assert response.context["report"] is None
    fragment = client.get(page_url(pact_exchanges.pact, **params), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.context["report"] is None
    panel = client.get(
        reverse("referrals:agreement_exchanges", args=[pact_exchanges.pact.pk]),
        params,
        headers={"HX-Request": "true"},
    )
    assert panel.status_code == 200
    assert panel.context["exchanges"] is None
    pdf = client.get(
        reverse("referrals:agreement_implementation_pdf", args=[pact_exchanges.pact.pk]), params
    )
    assert pdf.status_code == 400
    assert field in pdf.context["period_form"].errors
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_PRINTED).exists()


def test_exchanges_panel_counts_for_the_user(client, pact_exchanges, bp3mi_officer):
    client.force_login(bp3mi_officer)
    panel = client.get(
        reverse("referrals:agreement_exchanges", args=[pact_exchanges.pact.pk]),
        {"from": FROM, "to": TO},
        headers={"HX-Request": "true"},
    )
    assert panel.status_code == 200
    assert per_pair(panel.context["exchanges"]) == per_pair(
        summary(bp3mi_officer, pact_exchanges.pact)
    )
    assert 'data-total-shares="3"' in panel.content.decode()


def test_exchanges_panel_outside_htmx_goes_to_the_page(client, pact_exchanges, officer):
    client.force_login(officer)
    url = reverse("referrals:agreement_exchanges", args=[pact_exchanges.pact.pk])
    response = client.get(url, {"from": FROM})
    assert response.status_code == 302
    assert response.url == page_url(pact_exchanges.pact, **{"from": FROM})


@pytest.mark.parametrize("name", ["page", "panel", "pdf"])
def test_not_a_party_gets_404(client, pact_exchanges, polda_officer, cilegon_officer, name):
    url = {
        "page": page_url(pact_exchanges.pact),
        "panel": reverse("referrals:agreement_exchanges", args=[pact_exchanges.pact.pk]),
        "pdf": reverse("referrals:agreement_implementation_pdf", args=[pact_exchanges.pact.pk]),
    }[name]
    for user in (polda_officer, cilegon_officer):
        client.force_login(user)
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


# --- The PDF -------------------------------------------------------------------------------


def test_pdf_of_the_summary_counts_for_the_printer_and_is_audited(
    client, pact_exchanges, officer, kanim
):
    client.force_login(officer)
    response = client.get(
        reverse("referrals:agreement_implementation_pdf", args=[pact_exchanges.pact.pk]),
        {"from": FROM.isoformat(), "to": TO.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pact = pact_exchanges.pact
    assert response["Content-Disposition"] == (
        f'attachment; filename="realisasi-pks-{pact.pk}-{FROM.isoformat()}-{TO.isoformat()}.pdf"'
    )
    text = pdf_text(response.content)
    for expected in (
        kanim.name.upper(),  # the printer's letterhead
        "PKS Strategi Optimalisasi",
        "BP3MI Banten",
        "DPD KNPI Kota Tangerang",
        "Ruang lingkup pertukaran-data",
        "Ruang lingkup data-tppm",
        "Ruang lingkup sosialisasi-bersama",
    ):
        assert expected in text, expected
    # BP3MI's own exchange with KNPI is not the printer's to see.
    assert "BP3MI Banten DPD KNPI" not in text
    assert "Kanim Tangerang DPD KNPI 1 1 1 0" in text
    assert "Kanim Tangerang BP3MI Banten 2 2 1 1" in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PDF_PRINTED)
    assert entry.actor == officer
    assert (entry.target_type, entry.target_id) == (
        "agreements.Agreement",
        str(pact_exchanges.pact.pk),
    )
    assert entry.data == {
        "document": "agreement_implementation",
        "from": FROM.isoformat(),
        "to": TO.isoformat(),
    }


def test_pdf_query_count_is_constant(
    client, pact_exchanges, officer, bp3mi, django_assert_max_num_queries
):
    client.force_login(officer)
    url = reverse("referrals:agreement_implementation_pdf", args=[pact_exchanges.pact.pk])
    with django_assert_max_num_queries(32):
        assert client.get(url).status_code == 200
    for _i in range(3):
        report = f.submitted(officer)
        services.report_share(actor=officer, report=report, agencies=[bp3mi])
    with django_assert_max_num_queries(32):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("data", "period"),
    [
        ({"from": "2025-03-01"}, (dt.date(2025, 3, 1), dt.date(2025, 12, 31))),
        ({"to": "2024-06-30"}, (dt.date(2024, 1, 1), dt.date(2024, 6, 30))),
        ({"from": "2025-05-05", "to": "2025-05-05"}, (dt.date(2025, 5, 5), dt.date(2025, 5, 5))),
        ({"from": "", "to": ""}, None),  # bound but empty: the current year
    ],
)
def test_period_form_fills_the_missing_end_from_the_given_one(data, period):
    from villages.forms import ImplementationPeriodForm

    form = ImplementationPeriodForm(data)
    expected = period or ImplementationPeriodForm.default_period()
    assert form.period() == expected
