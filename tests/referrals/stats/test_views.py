"""The statistics page: who reaches it, what it draws for a small known data set, bad filters
answered with errors (never a 500, never figures of an agency the user may not see), a strict
CSP page (no inline style or script), and a query count that does not grow with the data."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from referrals.stats import services
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.referrals.stats import builders as b

pytestmark = pytest.mark.django_db

URL = reverse("stats:overview")
YEAR_2025 = {"month_from": "2025-01", "month_to": "2025-12"}


class Rows(HTMLParser):
    """The data-* attributes of the rows of one table (by id) and of the SVG elements."""

    def __init__(self):
        super().__init__()
        self.table = None
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.svgs: list[str] = []
        self.styles = 0
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.styles += 1
        if tag == "script" and "src" not in a:
            self.inline_scripts += 1
        if tag == "table":
            self.table = a.get("id")
            self.rows.setdefault(self.table, [])
        elif tag == "tr" and self.table and any(k.startswith("data-") for k in a):
            self.rows[self.table].append({k[5:]: v for k, v in a.items() if k.startswith("data-")})
        elif tag == "svg" and a.get("id"):
            self.svgs.append(a["id"])

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None


def parse(response) -> Rows:
    rows = Rows()
    rows.feed(response.content.decode())
    return rows


@pytest.fixture
def data(officer):
    """Kanim Tangerang in 2025: March, two reports (one TPPO and TPPM, 3 persons in all) in
    Kota Tangerang; May, one non-procedural PMI report in Kota Cilegon."""
    b.submitted(officer, persons=2, occurred_at=b.at(2025, 3), destination_country="MY")
    b.submitted(
        officer,
        occurred_at=b.at(2025, 3, 20),
        categories=["tppo", "tppm"],
        destination_country="MY",
    )
    b.submitted(
        officer,
        occurred_at=b.at(2025, 5),
        categories=["pmi_nonprocedural"],
        region=f.region("36.72.01.1002"),
        destination_country="SA",
        source="departure_check",
    )
    services.refresh_report_stats()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["officer", "kanim_supervisor", "agency_admin", "system_admin"])
def test_every_role_of_an_agency_reaches_the_page_and_the_menu(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert f'href="{URL}"' in response.content.decode()


def test_page_draws_the_known_figures(client, officer, data):
    client.force_login(officer)
    response = client.get(URL, YEAR_2025)

    assert response.status_code == 200
    page = parse(response)
    assert {
        "chart-monthly",
        "chart-regency",
        "chart-source",
        "chart-destination",
        "chart-referral-status",
        "chart-pmi",
    } <= set(page.svgs)
    months = {r["month"]: r for r in page.rows["table-monthly"]}
    assert len(months) == 12
    assert (months["2025-03"]["reports"], months["2025-03"]["persons"]) == ("2", "3")
    assert months["2025-04"]["reports"] == "0"
    assert (months["2025-05"]["reports"], months["2025-05"]["persons"]) == ("1", "1")
    regencies = {r["key"]: (r["reports"], r["persons"]) for r in page.rows["table-regency"]}
    assert regencies == {"36.71": ("2", "3"), "36.72": ("1", "1")}
    destinations = {r["key"]: r["reports"] for r in page.rows["table-destination"]}
    assert destinations == {"MY": "2", "SA": "1"}
    sources = {r["key"]: r["reports"] for r in page.rows["table-source"]}
    assert sources == {"passport_interview": "2", "departure_check": "1"}
    pmi = {(r["year"], r["half"]): r for r in page.rows["table-pmi"]}
    assert (pmi[("2025", "1")]["persons"], pmi[("2025", "1")]["published"]) == ("1", "1242")
    content = response.content.decode()
    assert 'id="total-reports" data-value="3"' in content
    assert 'id="total-persons" data-value="4"' in content
    # The SVG columns carry the same numbers, and each chart has a title and a description.
    assert '<g data-month="2025-03" data-reports="2">' in content
    assert 'aria-labelledby="chart-monthly-title chart-monthly-desc"' in content
    assert page.styles == 0
    assert page.inline_scripts == 0


def test_drill_down_to_the_villages_of_a_regency(client, officer, data):
    client.force_login(officer)
    response = client.get(URL, {**YEAR_2025, "regency": "36.72"})

    page = parse(response)
    assert "chart-village" in page.svgs
    villages = {r["key"]: r["reports"] for r in page.rows["table-village"]}
    assert villages == {"36.72.01.1002": "1"}
    assert response.context["overview"].regency_label == "KOTA CILEGON"
    assert "regency=36.71" in response.content.decode()  # the other regency links down


def test_another_agency_sees_empty_charts(client, cilegon_officer, data):
    client.force_login(cilegon_officer)
    response = client.get(URL, YEAR_2025)

    assert response.status_code == 200
    assert response.context["overview"].reports == 0
    page = parse(response)
    assert all(r["reports"] == "0" for r in page.rows["table-monthly"])
    assert page.rows.get("table-regency", []) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month_from": "2025-13"}, "month_from"),
        ({"month_from": "juni"}, "month_from"),
        ({"month_from": "2025-06", "month_to": "2025-01"}, "month_to"),
        ({"month_from": "2001-01", "month_to": "2025-01"}, "month_from"),
        ({"month_from": "2999-01"}, "month_from"),
        ({"agency": "abc"}, "agency"),
        ({"category": "narkoba"}, "category"),
        ({"shared": "maybe"}, "shared"),
        ({"regency": "36'; --"}, "regency"),
    ],
)
def test_bad_filters_are_shown_as_errors(client, officer, data, params, field):
    client.force_login(officer)
    response = client.get(URL, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "overview" not in response.context
    assert f'data-error-for="{field}"' in response.content.decode()


def test_a_tampered_agency_id_is_refused_and_shows_no_figures(
    client, officer, cilegon_officer, data
):
    client.force_login(cilegon_officer)
    response = client.get(URL, {**YEAR_2025, "agency": officer.agency_id})

    assert response.status_code == 200
    assert "agency" in response.context["form"].errors
    assert "overview" not in response.context
    assert "table-monthly" not in response.content.decode()


def test_agency_filter_offers_only_visible_agencies(
    client, kanwil_supervisor, kanwil, kanim, cilegon, bp3mi
):
    client.force_login(kanwil_supervisor)
    response = client.get(URL)

    offered = {value for value, _label in response.context["form"].fields["agency"].choices}
    assert offered == {"", kanwil.pk, kanim.pk, cilegon.pk}


def test_partner_page_counts_shared_reports_when_asked(
    client, system_admin, officer, kanim, bp3mi, bp3mi_officer
):
    x.data_agreement(system_admin, kanim, bp3mi)
    report = b.submitted(officer, occurred_at=b.at(2025, 4))
    from referrals import services as report_services

    report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.refresh_report_stats()
    client.force_login(bp3mi_officer)

    shown = client.get(URL, {**YEAR_2025, "shared": "1"}).context["overview"]
    hidden = client.get(URL, {**YEAR_2025, "shared": "0"}).context["overview"]

    assert (shown.reports, shown.shared_reports) == (1, 1)
    assert hidden.reports == 0


def test_query_count_does_not_grow_with_the_data(
    client, kanwil_supervisor, officer, cilegon_officer, django_assert_max_num_queries
):
    client.force_login(kanwil_supervisor)
    params = {**YEAR_2025, "regency": "36.71"}
    client.get(URL, params)  # warm up sessions, caches

    def count() -> int:
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # the figures computed, not served from the minute's cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, params).status_code == 200
        return len(ctx.captured_queries)

    empty = count()
    for month in range(1, 13):
        b.submitted(officer, occurred_at=b.at(2025, month), destination_country="MY")
        b.submitted(
            cilegon_officer, occurred_at=b.at(2025, month), region=f.region("36.72.01.1002")
        )
    services.refresh_report_stats()

    assert count() == empty
    # Session, user, 2FA check, the Kanwil's offices (2), the agency choices, the period's
    # summary rows (own and shared), villages, trend, region names, as-of, referrals; the
    # page frame (permissions 2, notifications, agency); pghistory's context; session save 3.
    with django_assert_max_num_queries(19):
        client.get(URL, params)


def test_figures_are_kept_a_minute_and_a_refresh_shows_at_once(
    client, kanwil_supervisor, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kanwil_supervisor)
    b.submitted(officer, occurred_at=b.at(2025, 3))
    services.refresh_report_stats()
    with CaptureQueriesContext(connection) as computed:
        first = client.get(URL, YEAR_2025)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(URL, YEAR_2025)
    assert first.context["overview"].reports == again.context["overview"].reports == 1
    assert len(cached.captured_queries) < len(computed.captured_queries)

    b.submitted(officer, occurred_at=b.at(2025, 4))
    services.refresh_report_stats()  # a new "as of": the cached copy is not used any more
    assert client.get(URL, YEAR_2025).context["overview"].reports == 2


def test_figures_as_of_is_shown(client, officer, data):
    client.force_login(officer)
    response = client.get(URL)

    assert response.context["overview"].as_of is not None
    assert re.search(r'id="as-of"', response.content.decode())
