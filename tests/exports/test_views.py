"""The export buttons on the list pages, bad input answered with a message (never a 500), who
may reach the export pages, and how many queries an export takes."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import User
from portal.exports import services
from portal.exports.datasets import get_dataset
from referrals import services as report_services
from tests.exports.builders import many_reports
from tests.exports.helpers import export
from tests.referrals import exchange as x
from tests.villages import factories as v

pytestmark = pytest.mark.django_db

LISTS = [
    ("reports", reverse("referrals:list")),
    ("shared", reverse("referrals:shared_list")),
    ("referrals", reverse("referrals:referral_queue", args=["incoming"])),
    ("villages", reverse("villages:list")),
    ("activities", reverse("villages:activity_list")),
    ("htcds", reverse("referrals:list")),
]


@pytest.mark.parametrize(("dataset", "url"), LISTS)
def test_list_pages_carry_their_filters_to_the_export_buttons(client, officer, dataset, url):
    client.force_login(officer)
    page = client.get(url + "?q=siti&page=2")
    assert page.status_code == 200
    html = page.content.decode()
    action = reverse("exports:create", args=[dataset])
    assert f'data-export="{dataset}"' in html
    expected = f'action="{action}?q=siti'
    if dataset == "referrals":
        expected = f'action="{action}?q=siti&amp;direction=incoming'
    assert expected in html
    assert "page=2" not in html.split(f'data-export="{dataset}"')[0].rsplit("<form", 1)[1]


def test_the_user_menu_links_my_exports(client, officer):
    client.force_login(officer)
    assert f'href="{reverse("exports:list")}"'.encode() in client.get(reverse("home")).content


BAD_FILTERS = [
    ("reports", "date_from=kemarin", "referrals:list"),
    ("shared", "desa=999999", "referrals:shared_list"),
    ("referrals", "direction=sideways", None),
    ("villages", "status=bogus", "villages:list"),
    ("activities", "year=abc", "villages:activity_list"),
    ("htcds", "category=nope", "referrals:list"),
]


@pytest.mark.parametrize(("dataset", "query", "list_name"), BAD_FILTERS)
def test_bad_filters_give_a_message_and_the_list_not_a_500(
    client, officer, dataset, query, list_name
):
    client.force_login(officer)
    response = export(client, dataset, query)
    assert response.status_code == 302
    expected = (
        reverse(list_name) + "?" + query
        if list_name
        else reverse("referrals:referral_queue", args=["incoming"])
    )
    assert response.url == expected
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    page = client.get(response.url)
    assert page.status_code == 200
    if list_name:
        assert page.context["filter_form"].errors


def test_an_unknown_format_gives_a_message(client, officer):
    client.force_login(officer)
    response = export(client, "reports", format="pdf")
    assert response.status_code == 302
    assert response.url == reverse("referrals:list")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_an_unknown_dataset_is_404(client, officer):
    client.force_login(officer)
    assert export(client, "everything").status_code == 404


def test_exports_are_posted(client, officer):
    client.force_login(officer)
    assert client.get(reverse("exports:create", args=["reports"])).status_code == 405


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in (
        reverse("exports:list"),
        reverse("exports:detail", args=[1]),
        reverse("exports:download", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert export(client, "reports").status_code == 302


# --- Query counts ------------------------------------------------------------------------------


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # nothing memoised from an earlier run


def count_queries(user, dataset, options, params=None) -> int:
    from referrals.forms import banten_regencies

    banten_regencies()  # reference data cached between requests: count a warm process's queries
    with CaptureQueriesContext(connection) as ctx, open("/dev/null", "wb") as sink:
        services.export_write(
            dataset=get_dataset(dataset),
            user=user,
            params=params or {},
            options=options,
            fh=sink,
        )
    return len(ctx)


XLSX_WITH_IDS = services.ExportOptions(fmt="xlsx", identifiers=True)


@pytest.mark.parametrize(
    ("dataset", "options"),
    [
        ("reports", XLSX_WITH_IDS),
        ("reports", services.ExportOptions(fmt="csv", part="persons", identifiers=True)),
        ("htcds", services.ExportOptions(fmt="csv")),
    ],
)
def test_report_exports_take_as_many_queries_for_100_rows_as_for_10(
    officer, dataset, options, django_assert_max_num_queries
):
    many_reports(officer, 10, persons=2)
    ten = count_queries(fresh(officer), dataset, options)
    many_reports(officer, 90, persons=2)
    user = fresh(officer)
    with django_assert_max_num_queries(ten):
        hundred = count_queries(user, dataset, options)
    assert hundred == ten


def test_shared_export_with_identifiers_has_a_constant_query_count(
    pks, officer, bp3mi, bp3mi_officer, bp3mi_supervisor, django_assert_max_num_queries
):
    def share(reports):
        for report in reports:
            report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
        referral = x.refer(officer, reports[0], bp3mi)
        report_services.referral_accept(
            actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
        )

    share(many_reports(officer, 10))
    ten = count_queries(fresh(bp3mi_officer), "shared", XLSX_WITH_IDS)
    share(many_reports(officer, 90))
    user = fresh(bp3mi_officer)
    with django_assert_max_num_queries(ten):
        assert count_queries(user, "shared", XLSX_WITH_IDS) == ten


def test_referral_export_has_a_constant_query_count(
    pks, officer, bp3mi, bp3mi_officer, django_assert_max_num_queries
):
    def refer(reports):
        for report in reports:
            report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
            x.refer(officer, report, bp3mi)

    options = services.ExportOptions(fmt="xlsx")
    refer(many_reports(officer, 10))
    ten = count_queries(fresh(bp3mi_officer), "referrals", options)
    refer(many_reports(officer, 90))
    user = fresh(bp3mi_officer)
    with django_assert_max_num_queries(ten):
        hundred = count_queries(user, "referrals", options)
    assert hundred == ten


def _villages(kanim, bp3mi, start, n):
    made = []
    for i in range(start, start + n):
        desa = v.village(f"36.03.01.{2100 + i}", kanim)
        made.append(desa)
        v.activity(kanim, co_organisers=[bp3mi], villages=[desa], title=f"Kegiatan {i}")
    return made


@pytest.mark.parametrize("dataset", ["villages", "activities"])
def test_village_and_activity_exports_have_a_constant_query_count(
    officer, kanim, bp3mi, dataset, django_assert_max_num_queries
):
    options = services.ExportOptions(fmt="xlsx", identifiers=True)
    _villages(kanim, bp3mi, 0, 10)
    ten = count_queries(fresh(officer), dataset, options)
    _villages(kanim, bp3mi, 10, 90)
    user = fresh(officer)
    with django_assert_max_num_queries(ten):
        hundred = count_queries(user, dataset, options)
    assert hundred == ten
