"""SQL injection in every filter and search parameter of every list page changes nothing.

The parameters are read from the pages themselves: every field of every `<form method="get">`
a page of the access matrix renders (the filter bar, the partner map's agency and day), plus
the page number and the sort order the list links carry, plus the region picker's JSON
endpoints. Each is sent, one at a time, with each payload. The answer must be the page (200),
never a server error; no table changes; and a report of an agency without agreement, which
no one here may see, never appears."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.apps import apps
from django.test import Client

from tests.referrals import factories as f
from tests.security.test_page_matrix import PAGES

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "' OR '1'='1' --",
    "x'); DROP TABLE referrals_report; --",
    "1 UNION SELECT username, password FROM accounts_user --",
    "%') OR pg_sleep(3) IS NULL OR ('%'='",
]

GET_FORM = re.compile(r"<form\b[^>]*\bmethod=\"get\"[^>]*>(.*?)</form>", re.I | re.S)
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
# Carried by the pagination and sort links rather than by a field.
LINK_PARAMETERS = {"page", "sort", "all", "person"}

# The pages with a filter form, and who reads them (all of the matrix's lists are read by
# the officer but the admins' own).
LISTS = {
    "referrals:list": "officer",
    "referrals:shared_list": "partner",
    "referrals:referral_queue": "officer",
    "villages:list": "officer",
    "villages:activity_list": "officer",
    "agreements:list": "officer",
    "agreements:partner_map": "system_admin",
    "accounts:user_list": "agency_admin",
    "accounts:agency_list": "officer",
    "audit:log": "agency_admin",  # a system admin reads every agency's entries
    "notifications:list": "officer",
    "stats:overview": "officer",
    "villages:agreement_implementation": "officer",  # the period
    "referrals:detail": "officer",  # the print-with-identifiers button is a GET form
}
JSON = {
    "regions:children": ["parent"],
    "regions:search": ["q", "level", "within"],
}


def form_fields(html: str) -> set[str]:
    return {
        unescape(name)
        for form in GET_FORM.findall(html)
        for name in FIELD_NAME.findall(form)
        if name != "csrfmiddlewaretoken"
    }


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"referrals", "villages", "agreements", "accounts", "audit", "notifications", "api"}
    }


@pytest.fixture
def foreign_report(records_of_every_kind, roles):
    """A report of the agency without agreement: nobody of the landscape may see it."""
    return f.submitted(roles["lone"], place_detail="Rahasia Dinsos")


def test_every_list_page_with_a_filter_form_is_listed(records_of_every_kind, clients):
    """A new list page with a filter form must join LISTS (and so this test)."""
    with_forms = set()
    for name, calls in PAGES.items():
        call = calls[0]
        role = next((r for r in ("officer", "system_admin") if call.expect[r] == 200), None)
        if call.method != "GET" or role is None:
            continue
        response = clients[role].get(call.url(name, records_of_every_kind))
        if "html" in response.get("Content-Type", "") and form_fields(response.content.decode()):
            with_forms.add(name)
    assert with_forms <= set(LISTS), sorted(with_forms - set(LISTS))


@pytest.mark.parametrize("name", sorted(LISTS))
def test_injection_in_every_filter_changes_nothing(
    name, records_of_every_kind, clients, foreign_report
):
    client: Client = clients[LISTS[name]]
    url = PAGES[name][0].url(name, records_of_every_kind)
    page = client.get(url)
    assert page.status_code == 200
    parameters = form_fields(page.content.decode()) | LINK_PARAMETERS
    before = row_counts()
    wrong = []
    for parameter in sorted(parameters):
        for payload in PAYLOADS:
            response = client.get(url, {parameter: payload})
            html = response.content.decode() if response.status_code == 200 else ""
            if response.status_code != 200:
                wrong.append(f"{parameter}={payload!r}: {response.status_code}")
            elif foreign_report.number in html or "Rahasia Dinsos" in html:
                wrong.append(f"{parameter}={payload!r}: another agency's report shown")
    assert not wrong, wrong
    assert row_counts() == before


def test_a_search_with_injection_finds_nothing(records_of_every_kind, clients):
    """The free-text search treats the payload as words: none of them is in a report."""
    for payload in PAYLOADS:
        response = clients["officer"].get("/reports/", {"q": payload})
        assert response.status_code == 200
        assert records_of_every_kind.report.number not in response.content.decode(), payload


@pytest.mark.parametrize("name", sorted(JSON))
def test_injection_in_the_region_endpoints_changes_nothing(name, records_of_every_kind, clients):
    url = PAGES[name][0].url(name, records_of_every_kind).split("?")[0]
    before = row_counts()
    for parameter in JSON[name]:
        for payload in PAYLOADS:
            response = clients["officer"].get(url, {parameter: payload})
            assert response.status_code == 200, (parameter, payload)
            assert response.json() == {"results": []}, (parameter, payload)
    assert row_counts() == before
