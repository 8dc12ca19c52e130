"""Stored XSS: script put in every free-text field of every record renders inert on every page.

Every text field (CharField/TextField without choices; not the encrypted identifiers, hashes,
numbers and codes that validation keeps to digits and letters) of every record of
conftest.records_of_every_kind — reports, persons, shares, referrals, comments, prevention
actions, evidence, villages, activities and their files, agreements, parties, scopes,
documents, the agencies and the officer — is overwritten with a payload and a tag naming the
field. Then every page of the access matrix that a role may open is read as that role: the
payload must appear only escaped, never as markup. A notification and a failed sign-in with
the payload as its name (which the audit log shows) are added, as an attacker without an
account could leave one."""

from __future__ import annotations

import re

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from portal.accounts.models import Agency, User
from portal.core.fields import EncryptedTextField
from portal.notifications.models import Notification
from tests.security.conftest import ROLES
from tests.security.test_page_matrix import PAGES

pytestmark = pytest.mark.django_db

# Both payloads of the issue in one value: each field is tried in every context at once.
PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
# What an unescaped payload leaves in a page (also when cut short by a "…" truncation).
# Escaped, it reads "&lt;script&gt;alert(1)..." and "&quot;&gt;&lt;img src=x ...".
RAW = ("<script>a", "<img src=x")

# Text fields kept to digits, letters and dashes by validation (or not text a user types).
NOT_FREE_TEXT = {
    "number",
    "nik_index",
    "passport_index",
    "sha256",
    "content_type",
    "code",
    "password",
    "username",
    "email",
}

# The records of conftest.records_of_every_kind whose fields are overwritten.
RECORDS = (
    "report",
    "fresh",
    "draft",
    "person",
    "share",
    "referral",
    "comment",
    "prevention",
    "evidence",
    "attachment",
    "desa",
    "activity",
    "activity_file",
    "agreement",
    "party",
    "agreement_scope",
    "vocabulary",
    "document",
    "officer",
    "kanim",
    "bp3mi",
)

# Fields that the pages of a role must show (escaped): proof that the pages were really read.
# (A share's note is not shown on a page: it goes to the partner in the notification.)
MUST_SHOW = {
    "officer": {
        "Report.narrative",
        "Report.place_detail",
        "ReportPerson.full_name",
        "Referral.message",
        "ReferralComment.body",
        "PreventionAction.place",
        "Evidence.description",
        "ReferralAttachment.original_name",
        "DesaBinaan.village_head_name",
        "DesaBinaan.notes",
        "Activity.title",
        "Activity.summary",
        "ActivityFile.title",
        "Agreement.title",
        "Party.signatory_name",
        "AgreementDocument.title",
        "Agency.name",
        "Notification.params",
    },
    "partner": {"Report.narrative", "ReportPerson.full_name", "Referral.message"},
    "agency_admin": {"User.full_name"},
    "system_admin": {"Scope.name_id", "AuditEntry.actor_label"},
}


def free_text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, EncryptedTextField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def tag(model, field: str) -> str:
    return f"xss-{model.__name__}.{field}"


def poison(records_of_every_kind, payload: str) -> set[str]:
    """Overwrite every free-text field of those records; return the tags written."""
    written = set()
    for name in RECORDS:
        obj = getattr(records_of_every_kind, name)
        model = type(obj)
        values = {}
        for field in free_text_fields(model):
            value = f"{payload} {tag(model, field.name)}~{name}"  # unique fields stay unique
            if field.max_length and len(value) > field.max_length:
                unique = f"~{len(written)}"
                value = value[: field.max_length - len(unique)] + unique
            values[field.name] = value
            written.add(tag(model, field.name))
        model.objects.filter(pk=obj.pk).update(**values)
    return written


@pytest.fixture
def poisoned(records_of_every_kind, officer):
    written = poison(records_of_every_kind, PAYLOAD)
    # A notification whose parameters carry the payload (names of people and agencies do).
    Notification.objects.filter(pk=records_of_every_kind.notification.pk).update(
        params={"name": f"{PAYLOAD} {tag(Notification, 'params')}"}
    )
    # A failed sign-in with the payload as the name tried: the audit log shows that name.
    Client().post(
        reverse("account_login"),
        {"login": f"{PAYLOAD} xss-AuditEntry.actor_label", "password": "x"},
    )
    return written


def pages_for(role: str) -> list[tuple[str, str]]:
    """(name, call) of every GET of the matrix that `role` may open."""
    return [
        (name, call)
        for name, calls in PAGES.items()
        for call in calls
        if call.method == "GET" and call.expect[role] == 200
    ]


# Pages that answer htmx requests with a fragment of their own.
FRAGMENTS = {"villages:agreement_implementation"}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_stored_payloads_render_inert(role, poisoned, records_of_every_kind, clients):
    client = clients[role]
    raw, shown = [], set()
    for name, call in pages_for(role):
        url = call.url(name, records_of_every_kind)
        variants = ({}, {"HTTP_HX_REQUEST": "true"}) if name in FRAGMENTS else ({},)
        for headers in variants:
            response = client.get(url, **headers)
            assert response.status_code == 200, (role, url)
            if "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            raw += [f"{url}: {bad}" for bad in RAW if bad in html]
            shown |= set(re.findall(re.escape(escape(PAYLOAD)) + r" xss-(\w+\.\w+)", html))
    assert not raw, raw
    missing = MUST_SHOW.get(role, set()) - shown
    assert not missing, f"{role} never saw {sorted(missing)}; saw {sorted(shown)}"


def test_free_text_fields_cover_the_models():
    """The models are read from the ORM: a new text field is poisoned without editing this
    test. (A sanity check of the reading itself.)"""
    names = {f.name for f in free_text_fields(User)}
    assert {"full_name", "position"} <= names
    assert "password" not in names
    assert "name" in {f.name for f in free_text_fields(Agency)}
