"""Every API endpoint, every role: what each may list, read, create, change and delete.

One table, MATRIX, holds the expected status of every (URL name, method) for every role. The
first tests compare it with the URL configuration, so that a new endpoint, or a new method of
an existing one, without an entry here fails the suite. The parametrised test then makes each
call against the landscape of tests/api/fixtures.py's api_records (records of Kanim Tangerang, some shared and
referred to BP3MI Banten).

The roles: anonymous; an officer of the reporting agency (Kanim) who wrote the records; a
supervisor of Kanim; an officer and a supervisor of the partner (BP3MI), which receives shares
and referrals; an officer of an agency with no agreement (Dinsos); a system admin (of the
Kanwil). A system admin reads no case file at all (portal.access.reads_case_files): the
"admin" column is also the answer of a system admin of Kanim and of one of BP3MI
(test_a_system_admin_answers_alike_in_any_agency).

A record the caller may not see is a 404; a write the role may not make is a 403; a method an
endpoint does not support is a 405; an anonymous caller gets 401 (the Bearer scheme answers
WWW-Authenticate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, reverse

from portal.accounts.models import User
from portal.api_router import router, urlpatterns
from tests.api.fixtures import png

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "officer", "supervisor", "partner", "partner_supervisor", "lone", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def expect(default: int, anonymous: int = 401, **by_role: int) -> dict[str, int]:
    """{role: status}: `default` for every signed-in role unless named, 401 for anonymous."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES} | {"anonymous": anonymous}


@dataclass(frozen=True)
class Call:
    method: str
    status: dict[str, int]
    target: str = ""  # an attribute of fixtures.api_records whose pk goes in the URL
    body: Any = None  # a dict, or a callable api_records -> dict
    format: str = "json"
    label: str = field(default="")


# Who sees what in fixtures.api_records, as the pages decide it:
#  - Kanim's records (report, its share and referral): officer and supervisor of Kanim, and the
#    partner (BP3MI) for what was shared with or referred to it; nobody else: not a system
#    admin, whatever its agency (404), whose lists of case files are refused (403).
#  - Drafts: their author only.
#  - Agreements, villages and activities: the parties (system admins see them all).
SEES_SHARED = {"lone": 404, "admin": 404}  # report, share, referral: Kanim and BP3MI only
OWN_ONLY = {"partner": 404, "partner_supervisor": 404, "lone": 404, "admin": 404}
AUTHOR_ONLY = {"supervisor": 404, **OWN_ONLY}
PARTIES = {"lone": 404}  # agreement, village, activity
NO_CASE_FILES = {"admin": 403}  # lists (and creation) of reports, shares and referrals

REFERRAL = {
    "report": lambda w: w.fresh.pk,
    "to_agency": lambda w: w.bp3mi.pk,
    "requested_action": "investigation",
    "urgency": "normal",
    "message": "Mohon ditindaklanjuti.",
}

MATRIX: dict[str, list[Call]] = {
    # --- Outside the router
    "api:me": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:schema": [Call("GET", expect(200))],
    "api:docs": [Call("GET", expect(200, anonymous=302))],  # a page: sent to sign in
    "api:api-root": [Call("GET", expect(200)), Call("POST", expect(405))],
    # --- Directory: everyone signed in reads it, nobody writes it
    "api:agency-list": [Call("GET", expect(200)), Call("POST", expect(405), body={"name": "X"})],
    "api:agency-detail": [
        Call("GET", expect(200), target="kanim"),
        Call("PATCH", expect(405), target="kanim", body={"name": "X"}),
        Call("PUT", expect(405), target="kanim", body={"name": "X"}),
        Call("DELETE", expect(405), target="kanim"),
    ],
    "api:region-list": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:region-detail": [
        Call("GET", expect(200), target="region"),
        Call("PATCH", expect(405), target="region", body={"name": "X"}),
        Call("DELETE", expect(405), target="region"),
    ],
    # --- Agreements, villages, activities: read-only through the API
    "api:agreement-list": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:agreement-detail": [
        Call("GET", expect(200, **PARTIES), target="agreement"),
        Call("PATCH", expect(405), target="agreement", body={"title": "X"}),
        Call("DELETE", expect(405), target="agreement"),
    ],
    "api:village-list": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:village-detail": [
        Call("GET", expect(200, **PARTIES), target="village"),
        Call("PATCH", expect(405), target="village", body={"status": "X"}),
        Call("DELETE", expect(405), target="village"),
    ],
    "api:activity-list": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:activity-detail": [
        Call("GET", expect(200, **PARTIES), target="activity"),
        Call("PATCH", expect(405), target="activity", body={"title": "X"}),
        Call("DELETE", expect(405), target="activity"),
    ],
    # --- Reports
    "api:report-list": [
        Call("GET", expect(200, **NO_CASE_FILES)),
        # officers and supervisors of any agency record reports of their own agency
        Call(
            "POST",
            expect(201, admin=403),
            body={
                "occurred_at": "2025-06-01T09:30:00+07:00",
                "source": "departure_check",
                "region": "36.71.01.1001",
                "narrative": "Calon PMI berangkat dengan visa kunjungan tanpa kontrak kerja.",
                "persons": [{"role": "potential_victim", "full_name": "Rina"}],
            },
        ),
    ],
    "api:report-detail": [
        Call("GET", expect(200, **SEES_SHARED), target="report"),
        Call("GET", expect(200, **AUTHOR_ONLY), target="draft", label="draft"),
        # a submitted report is corrected by its author or a supervisor, with a reason
        Call(
            "PATCH",
            expect(200, partner=403, partner_supervisor=403, **SEES_SHARED),
            target="report",
            body={"place_detail": "Terminal 3", "correction_reason": "Salah ketik."},
        ),
        Call(
            "PUT",
            expect(200, partner=403, partner_supervisor=403, **SEES_SHARED),
            target="report",
            body={"place_detail": "Terminal 3", "correction_reason": "Salah ketik."},
        ),
        Call(
            "PATCH",
            expect(200, **AUTHOR_ONLY),
            target="draft",
            body={"place_detail": "Terminal 2"},
            label="draft",
        ),
        # submitted reports are never deleted; drafts by their author
        Call("DELETE", expect(403, **SEES_SHARED), target="report"),
        Call("DELETE", expect(204, **AUTHOR_ONLY), target="draft", label="draft"),
    ],
    "api:report-submit": [
        Call("POST", expect(200, **AUTHOR_ONLY), target="draft", label="draft"),
        Call("POST", expect(403, **SEES_SHARED), target="report"),
    ],
    "api:report-review": [
        Call("POST", expect(403, supervisor=200, **SEES_SHARED), target="report"),
    ],
    "api:report-close": [
        Call(
            "POST",
            expect(403, supervisor=200, **OWN_ONLY),
            target="reviewing",
            body={"outcome": "unfounded"},
        ),
    ],
    "api:report-share": [
        Call("POST", expect(201, **OWN_ONLY), target="fresh", body={"agencies": ["bp3mi"]}),
        Call(
            "POST",
            expect(403, officer=400, supervisor=400, **SEES_SHARED),  # shared already: 400
            target="report",
            body={"agencies": ["bp3mi"]},
            label="shared",
        ),
    ],
    "api:report-evidence": [
        Call(
            "POST",
            expect(201, partner=403, partner_supervisor=403, **SEES_SHARED),
            target="report",
            body=lambda w: {"file": png(7), "kind": "photo"},
            format="multipart",
        ),
    ],
    "api:report-evidence-download": [
        # the partner sees the shared report but downloads evidence only after accepting
        Call(
            "GET",
            expect(200, partner=403, partner_supervisor=403, **SEES_SHARED),
            target="evidence",
        ),
    ],
    # --- Shares
    "api:share-list": [Call("GET", expect(200, **NO_CASE_FILES)), Call("POST", expect(405))],
    "api:share-detail": [
        Call("GET", expect(200, **SEES_SHARED), target="share"),
        Call("DELETE", expect(405), target="share"),
    ],
    # --- Referrals
    "api:referral-list": [
        Call("GET", expect(200, **NO_CASE_FILES)),
        Call("POST", expect(201, **(OWN_ONLY | NO_CASE_FILES)), body=REFERRAL),
    ],
    "api:referral-detail": [
        Call("GET", expect(200, **SEES_SHARED), target="referral"),
        Call("PATCH", expect(405), target="referral", body={"message": "X"}),
        Call("DELETE", expect(405), target="referral"),
    ],
    "api:referral-accept": [
        Call(
            "POST",
            expect(403, partner_supervisor=200, **SEES_SHARED),
            target="referral",
            body={"assigned_to": None},
        ),
    ],
    "api:referral-decline": [
        Call(
            "POST",
            expect(403, partner_supervisor=200, **SEES_SHARED),
            target="referral",
            body={"reason": "Bukan kewenangan kami."},
        ),
    ],
    "api:referral-assign": [
        Call(
            "POST",
            expect(403, partner_supervisor=200, **SEES_SHARED),
            target="accepted",
            body=lambda w: {"assigned_to": w.roles["partner_supervisor"].pk},
        ),
    ],
    "api:referral-start": [
        # the receiving agency's supervisors and the officer assigned
        Call("POST", expect(403, partner=200, partner_supervisor=200, **SEES_SHARED), "accepted"),
    ],
    "api:referral-complete": [
        Call(
            "POST",
            expect(403, partner=200, partner_supervisor=200, **SEES_SHARED),
            target="accepted",
            body={"outcome": "victim_assisted"},
        ),
    ],
    "api:referral-comments": [
        Call("GET", expect(200, **SEES_SHARED), target="referral"),
        Call("POST", expect(201, **SEES_SHARED), target="referral", body={"body": "Sudah."}),
    ],
    # --- Notifications and tokens: each user's own
    "api:notification-list": [Call("GET", expect(200)), Call("POST", expect(405))],
    "api:notification-detail": [
        Call("GET", expect(200, **AUTHOR_ONLY), target="notification"),
        Call("DELETE", expect(405), target="notification"),
    ],
    "api:notification-read": [
        Call("POST", expect(200, **AUTHOR_ONLY), target="notification"),
    ],
    "api:notification-read-all": [Call("POST", expect(200))],
    "api:token-list": [
        Call("GET", expect(200)),
        Call("POST", expect(201), body={"name": "laporan-harian", "days": 7}),
    ],
    "api:token-detail": [
        Call("GET", expect(200, **AUTHOR_ONLY), target="token"),
        Call("PATCH", expect(405), target="token", body={"name": "X"}),
        Call("DELETE", expect(204, **AUTHOR_ONLY), target="token"),
    ],
}


# --- The table against the URL configuration -----------------------------------------------


def configured_routes() -> dict[str, set[str]]:
    """{"api:<name>": {supported methods}} from the router and the other API paths."""
    routes: dict[str, set[str]] = {}
    for url in router.urls:
        actions = getattr(url.callback, "actions", None)  # None: the API root view
        # DRF adds "head" (as "get") to a route's actions on its first request, so whether it
        # is there depends on the tests this process ran before: not a method of our own.
        methods = (
            _view_methods(url) if actions is None else {m.upper() for m in actions if m != "head"}
        )
        routes.setdefault(f"api:{url.name}", set()).update(methods)
    for url in urlpatterns:
        if isinstance(url, URLPattern):
            routes[f"api:{url.name}"] = _view_methods(url)
    return routes


def _view_methods(url: URLPattern) -> set[str]:
    view = url.callback.view_class
    return {m for m in METHODS if hasattr(view, m.lower())}


def test_every_endpoint_has_an_entry():
    routes = configured_routes()
    assert set(MATRIX) == set(routes), (
        f"missing from MATRIX: {sorted(set(routes) - set(MATRIX))}; "
        f"not in the URLs: {sorted(set(MATRIX) - set(routes))}"
    )


@pytest.mark.parametrize("name", sorted(configured_routes()))
def test_every_supported_method_has_an_entry(name):
    tested = {call.method for call in MATRIX.get(name, [])}
    assert configured_routes()[name] <= tested, f"{name}: untested {configured_routes()[name]}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_entry_names_every_role(name):
    for call in MATRIX[name]:
        assert set(call.status) == set(ROLES), (name, call.method)
        unsupported = call.method not in configured_routes()[name]
        if unsupported:  # the table says 405 exactly where the URLs support no such method
            assert set(call.status.values()) <= {401, 405}, (name, call.method)
        else:
            assert 405 not in call.status.values(), (name, call.method)


# --- The calls -----------------------------------------------------------------------------


def _url(name: str, call: Call, api_records) -> str:
    if not call.target:
        return reverse(name)
    if call.target == "region":
        return reverse(name, kwargs={"code": "36"})
    if call.target == "evidence":
        return reverse(name, args=[api_records.report.pk, api_records.evidence.pk])
    return reverse(name, args=[getattr(api_records, call.target).pk])


def _body(call: Call, api_records):
    body = call.body(api_records) if callable(call.body) else call.body
    if not isinstance(body, dict):
        return body
    resolved = {k: v(api_records) if callable(v) else v for k, v in body.items()}
    if "agencies" in resolved:
        resolved["agencies"] = [getattr(api_records, a).pk for a in resolved["agencies"]]
    return resolved


CASES = [
    pytest.param(
        name,
        call,
        role,
        id=f"{name.removeprefix('api:')}-{call.method}"
        f"{'-' + (call.label or call.target) if call.target else ''}-{role}",
    )
    for name, calls in MATRIX.items()
    for call in calls
    for role in ROLES
]


@pytest.mark.parametrize(("name", "call", "role"), CASES)
def test_access(name, call, role, api_records, api):
    client = api(api_records.roles[role])
    kwargs: dict[str, Any] = {}
    if call.method != "GET" and call.body is not None:
        kwargs = {"data": _body(call, api_records), "format": call.format}
    response = getattr(client, call.method.lower())(_url(name, call, api_records), **kwargs)
    expected = call.status[role]
    assert response.status_code == expected, (
        f"{call.method} {name} as {role}: {response.status_code}, expected {expected}: "
        f"{response.content[:300]!r}"
    )
    if expected == 401:
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.fixture
def system_admins_elsewhere(make_user, api_records):
    """A system admin of Kanim, whose agency owns every record, and one of BP3MI, the partner
    that received the shares and referrals."""
    return [
        make_user(User.Role.SYSTEM_ADMIN, agency, username=f"sysadmin-{agency.pk}")
        for agency in (api_records.kanim, api_records.bp3mi)
    ]


@pytest.mark.parametrize(
    ("name", "call"),
    [
        pytest.param(name, call, id=f"{name.removeprefix('api:')}-{call.method}-{call.target}")
        for name, calls in MATRIX.items()
        for call in calls
    ],
)
def test_a_system_admin_answers_alike_in_any_agency(
    name, call, api_records, api, system_admins_elsewhere
):
    """A system admin reads no case file, of its own agency neither, nor one shared with or
    referred to it (README "Who sees a report"): wherever it sits, it gets the "admin" column."""
    for admin in system_admins_elsewhere:
        kwargs: dict[str, Any] = {}
        if call.method != "GET" and call.body is not None:
            kwargs = {"data": _body(call, api_records), "format": call.format}
        with transaction.atomic():
            response = getattr(api(admin), call.method.lower())(
                _url(name, call, api_records), **kwargs
            )
            transaction.set_rollback(True)
        assert response.status_code == call.status["admin"], (
            f"{call.method} {name} as a system admin of {admin.agency}: "
            f"{response.status_code}, expected {call.status['admin']}: {response.content[:300]!r}"
        )
