"""A search's page (portal.core.pagination.paginate_search) is the page Django's paginator
gives for the same list: the same rows in the same order, the same count and page number,
for every sort, page and page number out of range; and the lists use it only for words."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.pagination import paginate, paginate_search
from referrals import selectors, view_helpers
from referrals.selectors import SORTS, ReportFilters
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

PAGE = 3


@pytest.fixture
def reports(officer, colleague):
    """Eight reports that match "siti nur" and two that do not; one draft of a colleague
    (which the officer may not see), one of the officer's own (which they may)."""
    made = []
    for i in range(8):
        risk = ("low", "medium", "high")[i % 3]
        made.append(
            f.submitted(officer, occurred_at=f.ago(1 + i % 4), risk_level=risk, route=f"rute {i}")
        )
    f.submitted(
        officer,
        persons=[f.person(full_name="Budi Santoso")],
        narrative="Laporan lain tanpa nama yang dicari di sini.",
    )
    f.submitted(
        colleague,
        persons=[f.person(full_name="Rahmat")],
        narrative="Laporan lain tanpa nama yang dicari di sini.",
    )
    made.append(f.draft(officer))
    f.draft(colleague)  # a match the officer may not see
    return made


def _page(pager, user, query: dict, **filters):
    request = RequestFactory().get("/reports/", query)
    request.user = user
    qs = selectors.report_list(user=user, filters=ReportFilters(**filters))
    return pager(request, qs, PAGE)


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize(
    "page", ["", "1", "2", "3", "4", "99", "0", "-2", "x", "1.5", "99999999999999999999"]
)
def test_same_page_as_djangos_paginator(reports, officer, sort, page):
    query = {"page": page} if page else {}
    ours = _page(paginate_search, officer, query, q="siti nur", sort=sort)
    django = _page(paginate, officer, query, q="siti nur", sort=sort)
    assert ours.paginator.count == django.paginator.count == 9
    assert ours.number == django.number
    assert [r.pk for r in ours] == [r.pk for r in django]
    assert ours.has_next() == django.has_next()
    assert ours.paginator.num_pages == django.paginator.num_pages


def test_no_match_is_one_empty_page(reports, officer):
    page = _page(paginate_search, officer, {"page": "3"}, q="tidakadayangcocok")
    assert page.paginator.count == 0
    assert page.number == 1
    assert list(page) == []


def test_two_queries_and_rows_loaded_with_their_relations(reports, officer):
    with CaptureQueriesContext(connection) as captured:
        page = _page(paginate_search, officer, {"page": "2"}, q="siti")
        names = [(r.agency.short_name, r.created_by.full_name, r.region.name) for r in page]
    assert len(names) == PAGE
    assert len(captured.captured_queries) == 2


def test_lists_use_it_for_words_only():
    assert ReportFilters(q="siti nur").full_text
    assert not ReportFilters(q="  ").full_text
    assert not ReportFilters(q="IND-36-2026-000001").full_text


def test_search_pages_of_both_lists(client, monkeypatch, reports, officer):
    used = []

    def spy(request, queryset, *args):
        used.append(request.GET.get("q"))
        return paginate_search(request, queryset, *args)

    monkeypatch.setattr(view_helpers, "paginate_search", spy)
    client.force_login(officer)
    response = client.get(reverse("referrals:list"), {"q": "siti nur", "page": "99"})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert response.context["page"].paginator.count == 9
    assert len(response.context["page"]) == 9
    response = client.get(reverse("referrals:shared_list"), {"q": "siti nur"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    client.get(reverse("referrals:list"), {"q": reports[0].number})
    client.get(reverse("referrals:list"))
    assert used == ["siti nur", "siti nur"]  # not for a report number, nor without words


def test_ordering_it_cannot_read_falls_back(reports, officer):
    request = RequestFactory().get("/reports/", {"page": "2"})
    qs = selectors.report_list(user=officer, filters=ReportFilters(q="siti")).order_by(
        "agency__short_name", "-id"
    )
    ours = paginate_search(request, qs, PAGE)
    assert [r.pk for r in ours] == [r.pk for r in paginate(request, qs, PAGE)]
