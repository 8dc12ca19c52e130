"""A request that cannot reach the database answers 503 with a page that says so (JSON on the
API) and when to try again, never the 500 page; other failures still give the 500 page. The
real thing — PostgreSQL stopped and restarted under a running server — is in
tests/faults/test_database_restart.py."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from referrals import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(officer):
    made = Client(raise_request_exception=False)
    made.force_login(officer)
    return made


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_lost_connection_in_a_view_is_a_503_page(client, monkeypatch, error):
    def down(**kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "report_list", down)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert [t.name for t in response.templates] == ["errors/503.html"]
    html = response.content.decode()
    assert 'id="service-unavailable"' in html
    assert '<html lang="id">' in html
    assert "<script" not in html


def test_a_refused_connection_while_loading_the_session_is_a_503_page(client, monkeypatch):
    """The first query of a request is often the session's, in a middleware, before any
    view: the same answer."""

    def refused(self):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(SessionStore, "load", refused)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert 'id="service-unavailable"' in response.content.decode()


def test_the_api_answers_503_in_json(client, monkeypatch):
    def refused(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(SessionStore, "load", refused)
    response = client.get(reverse("api:me"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_any_other_failure_is_still_the_500_page(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "report_list", broken)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 500
    assert [t.name for t in response.templates] == ["errors/500.html"]
