"""The export buttons on the list pages, bad input answered with a message (never a 500), and
who may reach the export pages. (How many queries each dataset takes: tests/referrals and
tests/villages, test_exports.py.)"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.exports.helpers import export

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
