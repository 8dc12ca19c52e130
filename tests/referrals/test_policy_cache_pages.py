"""The report pages read the sharing policy from its cached snapshot: on a warm cache they
make no query for agencies, agreements, parties or scopes, and a change to an agreement is on
the very next page. These tests commit, as requests do (see tests/agreements/test_policy_cache.py).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

POLICY_TABLES = re.compile(r'FROM "(accounts_agency|agreements_\w+)"')


@pytest.fixture
def report(officer):
    return f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])


def policy_queries(client, url) -> list[str]:
    """The queries of one page that read the policy's inputs (the hierarchy query and those
    that start from agreements; the share form's own list of partner names is not one)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if POLICY_TABLES.search(q["sql"]) and '"accounts_agency"."name"' not in q["sql"]
    ]


@pytest.mark.parametrize("page", ["detail", "list", "search", "shared"])
def test_a_warm_page_reads_no_policy_input(client, pks, report, officer, bp3mi_officer, page):
    user, url = {
        "detail": (officer, reverse("referrals:detail", args=[report.pk])),
        "list": (officer, reverse("referrals:list")),
        "search": (officer, reverse("referrals:list") + "?q=Siti"),
        "shared": (bp3mi_officer, reverse("referrals:shared_list")),
    }[page]
    client.force_login(user)
    assert policy_queries(client, url)  # cold: read once
    assert policy_queries(client, url) == []


def test_the_share_form_follows_a_termination_at_once(client, pks, report, officer, system_admin):
    client.force_login(officer)
    url = reverse("referrals:detail", args=[report.pk])
    assert client.get(url).context["share_form"] is not None
    assert client.get(url).context["share_form"] is not None  # warm
    agreement_services.agreement_terminate(
        actor=system_admin, agreement=pks, terminated_on=timezone.localdate(), reason="Berakhir."
    )
    assert client.get(url).context["share_form"] is None
