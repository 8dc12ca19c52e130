"""Every form, any input: the answer is the page again with the errors marked, or the record
saved and a redirect; never a server error.

The forms are read from the pages as rendered (tests/properties/html_forms.py) and sent back
with any of their fields changed to anything (hypothesis, derandomized): the report form with
its persons formset, sharing, referring, the referral's steps and comments, the Desa Binaan
forms, activities, agreements with their parties, scopes and termination, prevention actions,
accounts and settings. A last test sends every post form of every page of the access matrix
back as rendered and with every field emptied or filled with junk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings

from portal.accounts.models import User
from tests.properties.html_forms import JUNK, Form, filled, post_forms, submissions
from tests.properties.profile import PROPERTIES
from tests.referrals import factories as f
from tests.security.test_page_matrix import PAGES
from tests.villages.factories import days, region

pytestmark = pytest.mark.django_db

FINE = (200, 302)


@dataclass(frozen=True)
class FormPage:
    role: str
    page: Callable  # records -> URL of the page that shows the form
    action: Callable | None = None  # records -> where the form posts; None: to the page itself
    base: Callable | None = None  # records -> values that make the form valid, to start from

    def url(self, records) -> str:
        return self.page(records)

    def target(self, records) -> str:
        return self.action(records) if self.action else ""


def r(name: str, *attrs: str, extra=()) -> Callable:
    """reverse(name) with the pks of records attributes (and literal extra arguments)."""
    return lambda w: reverse(name, args=[getattr(w, a).pk for a in attrs] + list(extra))


def report_data(w) -> dict:
    return {
        "occurred_at": "2025-06-01T09:30",
        "source": "departure_check",
        "region__province": "36",
        "region__regency": "36.71",
        "region__district": "36.71.01",
        "region": f.PLACE,
        "narrative": "Calon PMI direkrut sponsor tanpa izin dengan visa kunjungan.",
        "risk_level": "medium",
        "indicators": ["act_recruitment", "means_deception", "purpose_forced_labour"],
        "categories": ["tppo"],
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-0-role": "potential_victim",
        "persons-0-full_name": "Siti Aminah",
        "persons-0-sex": "female",
        "persons-0-nik": f.NIK_FEMALE,
        "persons-0-passport_number": "X1234567",
        "persons-0-phone": "0812 3456 7890",
        "persons-0-nationality": "ID",
        "submit": "1",
    }


def village_data(w) -> dict:
    region("36.72.01.1003")
    return {
        "village__province": "36",
        "village__regency": "36.72",
        "village__district": "36.72.01",
        "village": "36.72.01.1003",
        "designating_office": w.kanim.pk,
        "designated_on": days(-1).isoformat(),
        "decree_number": "W.11-UM.01.01-1104",
        "village_head_name": "Ujang Sukmana",
        "village_head_phone": "0812 3456 7890",
        "status": "active",
    }


FORMS = {
    "report": FormPage("officer", r("referrals:create"), base=report_data),
    "report-correction": FormPage(
        "officer",
        r("referrals:edit", "fresh"),
        base=lambda w: {"correction_reason": "Salah ketik.", "submit": "1"},
    ),
    "share": FormPage(
        "officer",
        r("referrals:detail", "fresh"),
        r("referrals:share", "fresh"),
        base=lambda w: {"agencies": [w.bp3mi.pk], "note": "Untuk ditindaklanjuti."},
    ),
    "evidence": FormPage(
        "officer", r("referrals:detail", "report"), r("referrals:evidence_upload", "report")
    ),
    "prevention": FormPage(
        "officer",
        r("referrals:prevention_create", "report"),
        base=lambda w: {
            "person": w.person.pk,
            "office": w.kanim.pk,
            "kind": "passport_deferred",
            "date": days(-1).isoformat(),
            "checkpoint": "passport_office",
            "place": "Kantor Imigrasi Tangerang",
        },
    ),
    "referral": FormPage(
        "officer",
        r("referrals:referral_create", "fresh"),
        base=lambda w: {
            "to_agency": w.bp3mi.pk,
            "requested_action": "investigation",
            "urgency": "normal",
            "message": "Mohon ditindaklanjuti.",
        },
    ),
    "comment": FormPage(
        "officer",
        r("referrals:referral_detail", "referral"),
        r("referrals:referral_step", "referral", extra=["comment"]),
        base=lambda w: {"body": "Sudah kami hubungi keluarganya."},
    ),
    "accept": FormPage(
        "partner_supervisor",
        r("referrals:referral_detail", "referral"),
        r("referrals:referral_step", "referral", extra=["accept"]),
    ),
    "decline": FormPage(
        "partner_supervisor",
        r("referrals:referral_detail", "referral"),
        r("referrals:referral_step", "referral", extra=["decline"]),
        base=lambda w: {"reason": "Bukan kewenangan kami."},
    ),
    "village": FormPage("officer", r("villages:create"), base=village_data),
    "village-edit": FormPage("officer", r("villages:edit", "desa")),
    "figures": FormPage(
        "officer",
        r("villages:detail", "desa"),
        r("villages:figures", "desa"),
        base=lambda w: {"year": 2025, "procedural_abroad": 230, "nonprocedural_departures": 5},
    ),
    "village-partner": FormPage("officer", r("villages:partner_add", "desa")),
    "activity": FormPage(
        "officer",
        r("villages:activity_create"),
        base=lambda w: {
            "kind": "sosialisasi",
            "title": "Sosialisasi PMI prosedural",
            "date": days(-1).isoformat(),
            "place": "Balai Desa",
            "organiser": w.kanim.pk,
            "villages": [w.desa.pk],
            "participants_male": 14,
            "participants_female": 23,
        },
    ),
    "activity-edit": FormPage("officer", r("villages:activity_edit", "activity")),
    "agreement": FormPage(
        "system_admin",
        r("agreements:create"),
        base=lambda w: {"title": "PKS Baru", "kind": "pks", "effective_from": "2025-12-01"},
    ),
    "agreement-edit": FormPage("system_admin", r("agreements:edit", "agreement")),
    "party": FormPage(
        "system_admin",
        r("agreements:party_add", "agreement"),
        base=lambda w: {"agency": w.lone_agency.pk, "signatory_name": "Kepala Dinas"},
    ),
    "agreement-scope": FormPage("system_admin", r("agreements:scope_add", "agreement")),
    "terminate": FormPage(
        "system_admin",
        r("agreements:detail", "agreement"),
        r("agreements:terminate", "agreement"),
        base=lambda w: {"terminated_on": days(0).isoformat(), "termination_reason": "Selesai."},
    ),
    "scope": FormPage(
        "system_admin",
        r("agreements:scope_create"),
        base=lambda w: {"code": "pelatihan", "name_id": "Pelatihan", "name_en": "Training"},
    ),
    "user": FormPage(
        "agency_admin",
        r("accounts:user_create"),
        base=lambda w: {
            "username": "petugasbaru",
            "full_name": "Petugas Baru",
            "email": "petugasbaru@sinergi.test",
            "role": "officer",
            "agency": w.kanim.pk,
        },
    ),
    "agency": FormPage(
        "system_admin",
        r("accounts:agency_create"),
        base=lambda w: {"name": "Dinas Baru", "short_name": "Dinas Baru", "kind": "other"},
    ),
    "agency-settings": FormPage("agency_admin", r("accounts:agency_settings", "kanim")),
    "preferences": FormPage("officer", r("notifications:preferences")),
    "api-token": FormPage("officer", r("api_tokens"), base=lambda w: {"name": "skrip", "days": 30}),
}


@pytest.fixture
def people(clients, records_of_every_kind, make_user, bp3mi):
    """The matrix's clients, and BP3MI's supervisor, who decides on the referral."""
    supervisor = make_user(User.Role.SUPERVISOR, bp3mi, username="bp3misupervisor")
    client = Client()
    client.force_login(supervisor)
    return {**clients, "partner_supervisor": client}


def the_form(client: Client, spec: FormPage, records) -> tuple[str, Form]:
    page = client.get(spec.url(records))
    assert page.status_code == 200
    forms = post_forms(page.content.decode(), spec.target(records))
    assert forms, f"no form posting to {spec.target(records)!r} on {spec.url(records)}"
    return spec.target(records) or spec.url(records), forms[0]


def form_errors(response) -> list:
    """The errors of the bound forms and formsets a page was rendered with."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if getattr(value, "is_bound", False) and getattr(value, "errors", None):
                found.append(value.errors)
    return found


# Examples per form: the report form (with its persons) gets the most.
EXAMPLES = {"report": 30, "report-correction": 15, "activity": 15, "agreement": 15}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_any_input_gives_the_form_again_or_a_saved_record(name, records_of_every_kind, people):
    spec = FORMS[name]
    client = people[spec.role]
    url, form = the_form(client, spec, records_of_every_kind)
    base = spec.base(records_of_every_kind) if spec.base else {}
    # The untouched form (the least a user can send), then the form filled in right.
    with transaction.atomic():
        assert client.post(url, form.defaults()).status_code in FINE
        transaction.set_rollback(True)
    if base:  # the base is right: the examples start from a form that saves
        with transaction.atomic():
            response = client.post(url, {**form.defaults(), **filled(base)})
            transaction.set_rollback(True)
        assert response.status_code == 302 or not form_errors(response), form_errors(response)

    @settings(PROPERTIES, max_examples=EXAMPLES.get(name, 10))
    @given(sent=submissions(form, base))
    def any_input(sent):
        # Each example starts from the same landscape: what one saves is rolled back.
        with transaction.atomic():
            response = client.post(url, sent)
            transaction.set_rollback(True)
        assert response.status_code in FINE, (response.status_code, response.content[:500])
        if response.status_code == 200:
            assert "text/html" in response["Content-Type"]

    any_input()


def test_every_post_form_of_every_page_survives_junk(records_of_every_kind, clients):
    """Every form that posts, on every page of the matrix, as the first role that may open
    the page: sent back as rendered, with every field emptied, and with every field junk."""
    order = ("officer", "supervisor", "agency_admin", "system_admin", "partner", "lone")
    seen: set[str] = set()
    failures = []
    for name, calls in PAGES.items():
        call = calls[0]
        role = next((role for role in order if call.expect[role] == 200), None)
        if call.method != "GET" or role is None:
            continue
        page = clients[role].get(call.url(name, records_of_every_kind))
        if "html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode()):
            target = form.action or call.url(name, records_of_every_kind)
            key = f"{role} {target}"
            if key in seen or "/logout/" in target or "/reveal/" in target:
                continue
            seen.add(key)
            defaults = form.defaults()
            for variant in (
                defaults,
                {k: [""] for k in defaults},
                {k: [JUNK[(i * 7) % len(JUNK)]] for i, k in enumerate(form.names())},
            ):
                response = clients[role].post(target, variant)
                if response.status_code not in (*FINE, 403, 404):
                    failures.append(f"{key}: {response.status_code}")
    assert len(seen) > 20, sorted(seen)
    assert not failures, failures
