"""Every page of the portal, every role: what each gets.

PAGES holds, for every named URL pattern of portal/urls.py outside the API (tests/api/
test_access_matrix.py covers that) and Django's own admin (test_django_admin_is_for_superusers
below), the calls to make and the answer each role gets. The first tests compare the table with
the URL configuration, so that a new page without an entry fails the suite. Adding one is one
line, e.g.

    "stats:index": [GET(see(200))],
    "exports:reports": [GET(see(200, agency_admin=403, system_admin=403), q="?format=csv")],

The roles (tests/security/conftest.py): anonymous; an officer of Kanim Tangerang (agency A) who
wrote the records; a supervisor (two-factor done) and the agency admin of Kanim; a system admin
(of the Kanwil); an officer of an agency with no agreement (Dinsos); an officer of BP3MI, the
partner that received a share and a referral of the report. A system admin reads no case file
at all (portal.access.reads_case_files): the system_admin column is also the answer of a
system admin of Kanim itself and of one of BP3MI (conftest.system_admins_elsewhere), whose
agencies own or received the records.

Answers: 200; REDIRECT (302 somewhere other than the sign-in page: a form action done or
refused with a message); LOGIN (302 to the sign-in page); 403 (seen but not allowed); 404 (not
visible: the same as missing); 405 (wrong method: actions that change something answer GET
with 405). Each role's call runs in a savepoint that is rolled back, so the roles do not see
each other's changes.

Every page answered with 200 in HTML is also checked for what the Content-Security-Policy
and CSRF need: no inline script, no style attribute, no inline event handler, and a CSRF token
in every form that posts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db

REDIRECT = "redirect"
LOGIN = "login"
Status = int | str

# URL namespaces tested elsewhere: the API (tests/api/test_access_matrix.py) and Django's
# admin (superusers only; test_django_admin_is_for_superusers).
OTHER_MATRICES = ("api", "admin")


def see(default: Status, anonymous: Status = LOGIN, **by_role: Status) -> dict[str, Status]:
    """{role: answer}: `default` for every signed-in role unless named; anonymous users are
    sent to sign in unless said otherwise."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES} | {"anonymous": anonymous}


@dataclass(frozen=True)
class Call:
    """One request: `kwargs` name attributes of conftest.records_of_every_kind whose pk goes in
    the URL, or, starting with "=", a literal value; `query` is appended to the URL."""

    method: str
    expect: dict[str, Status]
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    label: str = ""

    def url(self, name: str, records) -> str:
        kwargs = {
            key: value[1:] if value.startswith("=") else getattr(records, value).pk
            for key, value in self.kwargs.items()
        }
        return reverse(name, kwargs=kwargs) + self.query


def GET(expect: dict[str, Status], query: str = "", label: str = "", **kwargs: str) -> Call:
    return Call("GET", expect, kwargs, query=query, label=label)


def POST(
    expect: dict[str, Status], data: dict | None = None, label: str = "", **kwargs: str
) -> Call:
    return Call("POST", expect, kwargs, data=data or {}, label=label)


def ACTION(  # a POST-only action
    expect: dict[str, Status], data: dict | None = None, label: str = "", **kwargs: str
) -> list[Call]:
    """A POST-only action: the POST as given, and a GET that signed-in users get 405 for
    (anonymous users are sent to sign in first)."""
    return [
        POST(expect, data, label, **kwargs),
        GET(see(405), label=label, **kwargs),
    ]


# Who sees what (conftest.records_of_every_kind), as README's "Who sees a report" and "Sharing" say:
#  - Kanim's report, its share, referral and attachment: Kanim's officer, supervisor and agency
#    admin, and the partner BP3MI (whose files stay locked until it accepts a referral); not
#    the agency without agreement, nor a system admin, whatever its agency (404).
#  - The lists of case files: everyone but a system admin (403: it reads no case file).
#  - The draft: its author only.
#  - The agreement, the village and the activity: the parties (the system admin sees them all).
CASE = {"lone": 404, "system_admin": 404}
NO_CASE_FILES = {"system_admin": 403}
OWN_CASE = {"partner": 404, **CASE}
AUTHOR = {"supervisor": 404, "agency_admin": 404, **OWN_CASE}
PARTIES = {"lone": 404}
ADMINS_ONLY = {"agency_admin": 200, "system_admin": 200}
SYSADMIN_ONLY = {"system_admin": 200}
WRITERS = {"agency_admin": 403, "system_admin": 403}  # roles that record no case files

# Irreversible actions ask first (portal/core/confirm.py): the calls post the confirmation the
# page's dialog or confirmation step adds, so that the answer is the action's own.
CONFIRMED = {"confirmed": "1"}

PAGES: dict[str, list[Call]] = {
    # --- The shell
    "home": [GET(see(200))],
    "health": [GET(see(200, anonymous=200))],
    "set_language": [
        GET(see(REDIRECT, anonymous=REDIRECT)),
        POST(see(REDIRECT, anonymous=REDIRECT), {"language": "en", "next": "/"}),
    ],
    # --- Sign-in (django-allauth): no public sign-up, the rest as allauth answers
    "account_email": [GET(see(REDIRECT, anonymous=REDIRECT))],
    "account_login": [
        GET(see(REDIRECT, anonymous=200)),
        POST(see(REDIRECT, anonymous=200), {"login": "officer", "password": "wrong-000"}),
    ],
    "account_logout": [GET(see(200, anonymous=REDIRECT)), POST(see(REDIRECT, anonymous=REDIRECT))],
    "account_inactive": [GET(see(200, anonymous=200))],
    "account_signup": [GET(see(REDIRECT, anonymous=200))],
    "account_reauthenticate": [GET(see(200))],
    "account_email_verification_sent": [GET(see(200, anonymous=200))],
    "account_change_password": [GET(see(200))],
    "account_set_password": [GET(see(REDIRECT))],
    "account_reset_password": [GET(see(200, anonymous=200))],
    "account_confirm_login_code": [GET(see(REDIRECT))],  # sign-in by e-mailed code is off
    "account_confirm_email": [GET(see(200, anonymous=200), key="=bad-key")],
    "account_reset_password_from_key_done": [GET(see(200, anonymous=200))],
    "account_reset_password_from_key": [
        GET(see(200, anonymous=200), uidb36="=zz", key="=bad-key"),
    ],
    "account_reset_password_done": [GET(see(200, anonymous=200))],
    "mfa_index": [GET(see(200))],
    "mfa_authenticate": [GET(see(REDIRECT))],  # only in the middle of a sign-in
    "mfa_reauthenticate": [GET(see(200, officer=REDIRECT, lone=REDIRECT, partner=REDIRECT))],
    # Changing two-factor settings asks for the password again first (a session older than a
    # few minutes); enrolled users are sent on from the activation page.
    "mfa_activate_totp": [GET(see(REDIRECT))],
    "mfa_deactivate_totp": [GET(see(REDIRECT, officer=404, lone=404, partner=404))],
    "mfa_view_recovery_codes": [GET(see(404))],
    "mfa_generate_recovery_codes": [GET(see(REDIRECT))],
    "mfa_download_recovery_codes": [GET(see(404))],
    # --- Accounts and agencies
    "accounts:user_list": [GET(see(403, **ADMINS_ONLY))],
    "accounts:user_create": [GET(see(403, **ADMINS_ONLY)), POST(see(403, **ADMINS_ONLY))],
    "accounts:user_detail": [GET(see(404, **ADMINS_ONLY), pk="officer")],
    "accounts:user_edit": [
        GET(see(404, **ADMINS_ONLY), pk="officer"),
        POST(see(404, **ADMINS_ONLY), pk="officer"),
    ],
    "accounts:user_set_active": ACTION(
        see(404, agency_admin=REDIRECT, system_admin=REDIRECT),
        {"active": "0", **CONFIRMED},
        pk="officer",
    ),
    "accounts:user_send_link": ACTION(
        see(404, agency_admin=REDIRECT, system_admin=REDIRECT), pk="officer"
    ),
    "accounts:user_mfa_reset": ACTION(
        see(404, agency_admin=REDIRECT, system_admin=REDIRECT), CONFIRMED, pk="officer"
    ),
    "accounts:agency_list": [GET(see(200))],
    "accounts:agency_create": [GET(see(403, **SYSADMIN_ONLY)), POST(see(403, **SYSADMIN_ONLY))],
    "accounts:agency_detail": [GET(see(200), pk="kanim")],
    "accounts:agency_edit": [
        GET(see(403, **SYSADMIN_ONLY), pk="kanim"),
        POST(see(403, **SYSADMIN_ONLY), pk="kanim"),
    ],
    "accounts:agency_settings": [
        GET(see(403, **ADMINS_ONLY), pk="kanim"),
        POST(see(403, **ADMINS_ONLY), pk="kanim"),
    ],
    "audit:log": [GET(see(403, **ADMINS_ONLY))],
    # --- Notifications: each user's own
    "notifications:list": [GET(see(200))],
    "notifications:read": ACTION(see(REDIRECT), pk="notification"),
    "notifications:read_all": ACTION(see(REDIRECT)),
    "notifications:preferences": [GET(see(200)), POST(see(200))],
    "regions:children": [GET(see(200), query="?parent=36"), POST(see(405))],
    "regions:search": [GET(see(200), query="?q=tang"), POST(see(405))],
    "api_tokens": [GET(see(200)), POST(see(200))],
    "api_token_revoke": ACTION(see(404, officer=REDIRECT), CONFIRMED, pk="token"),
    # --- Agreements: read by their parties, written by system admins
    "agreements:list": [GET(see(200))],
    "agreements:create": [GET(see(403, **SYSADMIN_ONLY)), POST(see(403, **SYSADMIN_ONLY))],
    "agreements:partner_map": [GET(see(200))],
    "agreements:scope_list": [GET(see(403, **SYSADMIN_ONLY))],
    "agreements:scope_create": [
        GET(see(403, **SYSADMIN_ONLY)),
        POST(see(403, **SYSADMIN_ONLY)),
    ],
    "agreements:scope_edit": [GET(see(403, **SYSADMIN_ONLY), scope_pk="vocabulary")],
    "agreements:document_download": [GET(see(200, **PARTIES), document_pk="document")],
    "agreements:detail": [GET(see(200, **PARTIES), pk="agreement")],
    "agreements:edit": [
        GET(see(403, **SYSADMIN_ONLY), pk="agreement"),
        POST(see(403, **SYSADMIN_ONLY), pk="agreement"),
    ],
    "agreements:activate": ACTION(see(403, system_admin=REDIRECT), CONFIRMED, pk="agreement"),
    "agreements:terminate": ACTION(see(403, **SYSADMIN_ONLY), pk="agreement"),
    "agreements:party_add": [GET(see(403, **SYSADMIN_ONLY), pk="agreement")],
    "agreements:party_edit": [GET(see(403, **SYSADMIN_ONLY), pk="agreement", party_pk="party")],
    "agreements:party_remove": ACTION(
        see(403, system_admin=REDIRECT), CONFIRMED, pk="agreement", party_pk="party"
    ),
    "agreements:scope_add": [GET(see(403, **SYSADMIN_ONLY), pk="agreement")],
    "agreements:scope_change": [
        GET(see(403, **SYSADMIN_ONLY), pk="agreement", scope_pk="agreement_scope")
    ],
    "agreements:scope_remove": ACTION(
        see(403, system_admin=REDIRECT), CONFIRMED, pk="agreement", scope_pk="agreement_scope"
    ),
    "agreements:document_upload": ACTION(see(403, system_admin=REDIRECT), pk="agreement"),
    # --- Desa Binaan and activities
    "villages:list": [GET(see(200))],
    "villages:create": [GET(see(200, lone=403, partner=403))],
    "villages:detail": [GET(see(200, **PARTIES), pk="desa")],
    "villages:edit": [GET(see(200, **PARTIES), pk="desa")],
    "villages:reveal": ACTION(see(200, **PARTIES), pk="desa", field="=village_head_phone"),
    "villages:figures": ACTION(see(REDIRECT, **PARTIES), pk="desa"),
    "villages:partner_add": [GET(see(200, **PARTIES), pk="desa")],
    "villages:partner_remove": ACTION(
        see(REDIRECT, **PARTIES), CONFIRMED, pk="desa", partner_pk="partner"
    ),
    "villages:activity_list": [GET(see(200))],
    "villages:activity_create": [GET(see(200))],
    "villages:activity_detail": [GET(see(200, **PARTIES), pk="activity")],
    "villages:activity_edit": [GET(see(200, partner=403, **PARTIES), pk="activity")],
    "villages:activity_file_upload": ACTION(see(REDIRECT, partner=403, **PARTIES), pk="activity"),
    "villages:activity_file": [GET(see(200, **PARTIES), file_pk="activity_file")],
    "villages:agreement_implementation": [GET(see(200, **PARTIES), agreement_pk="agreement")],
    # --- Indication reports
    "referrals:list": [GET(see(200, **NO_CASE_FILES))],
    "referrals:create": [GET(see(200, **WRITERS)), POST(see(200, **WRITERS))],
    "referrals:review_queue": [GET(see(403, supervisor=200))],
    "referrals:shared_list": [GET(see(200, **NO_CASE_FILES))],
    "referrals:suggest": ACTION(see(200), {"indicators": ["act_recruitment"]}),
    "referrals:detail": [
        GET(see(200, **CASE), pk="report"),
        GET(see(200, **AUTHOR), pk="draft", label="draft"),
        GET(see(200, **OWN_CASE), pk="fresh", label="unshared"),
    ],
    "referrals:edit": [
        GET(see(200, agency_admin=403, partner=403, **CASE), pk="report"),
        GET(see(200, **AUTHOR), pk="draft", label="draft"),
    ],
    "referrals:submit": ACTION(see(REDIRECT, **AUTHOR), pk="draft", label="draft"),
    "referrals:start_review": ACTION(
        see(403, supervisor=REDIRECT, **CASE), pk="report", label="submitted"
    ),
    # without an outcome: the report page again, the close form showing its error
    "referrals:close": ACTION(see(403, supervisor=200, **CASE), pk="report"),
    "referrals:delete": [
        *ACTION(see(REDIRECT, **AUTHOR), CONFIRMED, pk="draft", label="draft"),
        POST(see(403, partner=403, **CASE), pk="report", label="submitted"),
    ],
    "referrals:person_reveal": ACTION(
        see(200, partner=403, **CASE), pk="report", person_pk="person", field="=nik"
    ),
    "referrals:evidence_upload": ACTION(
        see(REDIRECT, agency_admin=403, partner=403, **CASE), pk="report"
    ),
    "referrals:evidence": [GET(see(200, partner=403, **CASE), evidence_pk="evidence")],
    # evidence of a submitted report stays (chain of custody): only drafts lose it
    "referrals:evidence_remove": ACTION(see(403, **CASE), evidence_pk="evidence"),
    "referrals:village_panel": [GET(see(200, **PARTIES, **NO_CASE_FILES), desa_pk="desa")],
    "referrals:prevention_create": [
        GET(see(200, agency_admin=403, partner=403, **CASE), pk="report")
    ],
    "referrals:prevention_edit": [
        GET(see(200, partner=403, **CASE), pk="report", action_pk="prevention")
    ],
    # --- Sharing and referrals
    # who may share is referrals.permissions.may_share_report: an agency admin records no case
    # file, so it is refused before its form is read (it used to get the form's errors)
    "referrals:share": ACTION(see(REDIRECT, partner=403, agency_admin=403, **CASE), pk="report"),
    # the share is active already: nothing to decide, for anyone
    "referrals:share_decide": ACTION(
        see(403, **OWN_CASE), {"decision": "approve"}, share_pk="share"
    ),
    "referrals:referral_create": [
        GET(see(200, agency_admin=403, partner=403, **CASE), pk="report"),
        POST(see(200, agency_admin=403, partner=403, **CASE), pk="report"),
    ],
    "referrals:referral_queue": [
        GET(see(200, **NO_CASE_FILES), direction="=incoming"),
        GET(see(200, **NO_CASE_FILES), direction="=outgoing", label="outgoing"),
        GET(see(404), direction="=sideways", label="unknown"),
    ],
    "referrals:referral_detail": [GET(see(200, **CASE), referral_pk="referral")],
    "referrals:referral_step": [
        # accept: the receiving agency's supervisors only
        *ACTION(see(403, **CASE), referral_pk="referral", step="=accept"),
        # a comment without text: the form again, with its error, for both sides
        POST(see(200, **CASE), referral_pk="referral", step="=comment", label="comment"),
        POST(see(404, **CASE), referral_pk="referral", step="=nonsense", label="unknown"),
    ],
    # locked for the partner, like the evidence, until it accepts a referral of the report
    "referrals:referral_attachment": [
        GET(see(200, partner=403, **CASE), attachment_pk="attachment")
    ],
    # --- Printing: what the page shows, as a PDF; the exchanges under an agreement, counted
    "referrals:report_pdf": [
        GET(see(200, **CASE), pk="report"),
        GET(see(200, **AUTHOR), pk="draft", label="draft"),
        GET(see(200, **CASE), pk="report", query="?identifiers=1", label="identifiers"),
    ],
    "referrals:referral_letter": [GET(see(200, **CASE), referral_pk="referral")],
    # the panel alone answers the page's fetch; a plain visit goes to the whole page
    "referrals:agreement_exchanges": [GET(see(REDIRECT, **PARTIES), agreement_pk="agreement")],
    "referrals:agreement_implementation_pdf": [
        GET(see(200, **PARTIES), agreement_pk="agreement"),
        GET(
            see(400, **PARTIES),
            agreement_pk="agreement",
            query="?from=2026-13-01",
            label="bad period",
        ),
    ],
    # --- Statistics: everyone's own figures
    "stats:overview": [
        GET(see(200)),
        GET(see(200), query="?regency=36.71&from=2024-01", label="drill-down"),
    ],
    # --- Exports: of the lists each role sees; a job and its file for its owner only
    "exports:list": [GET(see(200))],
    "exports:create": [
        *ACTION(see(200, **NO_CASE_FILES), {"format": "csv"}, dataset="=reports"),
        POST(see(200, **NO_CASE_FILES), {"format": "xlsx"}, dataset="=htcds", label="htcds"),
        POST(see(200), {"format": "csv"}, dataset="=villages", label="villages"),
        POST(see(404), {"format": "csv"}, dataset="=nonsense", label="unknown"),
    ],
    "exports:detail": [GET(see(404, officer=200), pk="export_job")],
    "exports:status": [GET(see(404, officer=200), pk="export_job")],
    "exports:download": [GET(see(404, officer=200), pk="export_job")],
}


# --- The table against the URL configuration -----------------------------------------------


def _walk(patterns, namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace in OTHER_MATRICES:
                continue
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"an unnamed URL pattern: {pattern.pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def configured_pages() -> set[str]:
    """The names of every URL pattern of the portal outside the API and Django's admin."""
    return set(_walk(get_resolver().url_patterns))


def test_every_page_has_an_entry():
    pages = configured_pages()
    assert set(PAGES) == pages, (
        f"missing from PAGES: {sorted(pages - set(PAGES))}; "
        f"not in the URLs: {sorted(set(PAGES) - pages)}"
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_entry_is_complete(name):
    calls = PAGES[name]
    assert any(call.method == "GET" for call in calls), f"{name}: no GET call"
    for call in calls:
        assert set(call.expect) == set(ROLES), (name, call.method, call.label)
        assert call.method in ("GET", "POST"), (name, call.method)


# --- The calls -----------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post\b[^>]*>(.*?)</form>", re.I | re.S)


def check_html(html: str) -> list[str]:
    """What a page must not contain under the portal's CSP, and forms posting without a CSRF
    token."""
    problems = []
    for pattern, what in (
        (INLINE_SCRIPT, "inline script"),
        (STYLE_ATTRIBUTE, "style attribute"),
        (EVENT_HANDLER, "inline event handler"),
    ):
        found = pattern.search(html)
        if found:
            problems.append(f"{what}: {found.group(0)[:120]}")
    for form in POST_FORM.finditer(html):
        if 'name="csrfmiddlewaretoken"' not in form.group(1):
            problems.append(f"form without CSRF token: {form.group(0)[:160]}")
    return problems


def answer(response) -> Status:
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("account_login")) else REDIRECT
    return response.status_code


CASES = [
    pytest.param(
        name,
        call,
        id=f"{name}-{call.method}{'-' + call.label if call.label else ''}",
    )
    for name, calls in PAGES.items()
    for call in calls
]


def request(client, call: Call, url: str):
    if call.method == "GET":
        return client.get(url)
    return client.post(url, call.data)


@pytest.mark.parametrize(("name", "call"), CASES)
def test_access(name, call, records_of_every_kind, clients, system_admins_elsewhere):
    url = call.url(name, records_of_every_kind)
    wrong = []
    everyone = {**clients, **system_admins_elsewhere}
    for role, client in everyone.items():
        with transaction.atomic():
            response = request(client, call, url)
            transaction.set_rollback(True)
        # A system admin answers alike in any agency: it reads no case file, not even its own.
        got, expected = answer(response), call.expect[role if role in ROLES else "system_admin"]
        if got != expected:
            where = f" -> {response.url}" if response.status_code == 302 else ""
            wrong.append(f"{role}: {got}{where}, expected {expected}")
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            problems = check_html(response.content.decode())
            if problems:
                wrong.append(f"{role}: {problems}")
    assert not wrong, f"{call.method} {url}:\n  " + "\n  ".join(wrong)


def test_django_admin_is_for_superusers(clients):
    """Django's own admin (ADMIN_URL) lets no portal role in, not even a system admin: each
    is sent to the admin's sign-in page, for the index and every model's list."""
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    login = reverse("admin:login")
    for role, client in clients.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (role, url, response.status_code)
            assert response.url.startswith(login), (role, url, response.url)
