"""Irreversible steps (close a report, complete, decline or assign a referral, delete a draft,
remove evidence) start with nothing chosen, refuse an empty choice on the server with a message
in Bahasa Indonesia, and ask before they act: without scripts the first post answers with the
confirmation page (portal/core/confirm.py), which posts the same fields again, confirmed."""

import re

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Evidence, Referral, Report
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

CONFIRM_PAGE = "includes/confirm_page.html"


@pytest.fixture
def report(officer):
    return f.submitted(officer, persons=[f.person()])


@pytest.fixture
def under_review(report, kanwil_supervisor):
    return services.report_start_review(actor=kanwil_supervisor, report=report)


@pytest.fixture
def referral(pks, report, officer, bp3mi):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return x.refer(officer, report, bp3mi)


@pytest.fixture
def accepted(referral, bp3mi_supervisor):
    return services.referral_accept(actor=bp3mi_supervisor, referral=referral)


def step(referral, name: str) -> str:
    return reverse("referrals:referral_step", args=[referral.pk, name])


def select_html(html: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, f"no <select name={name}>"
    return found.group(0)


def assert_starts_empty(html: str, name: str) -> None:
    """The list offers an empty first option, chosen, and the browser requires a choice."""
    select = select_html(html, name)
    assert " required" in select.split(">", 1)[0]
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first
    assert "selected" in first or "selected" not in select


# --- Close a report ------------------------------------------------------------------------


def test_close_form_starts_with_no_outcome(client, under_review, kanwil_supervisor):
    client.force_login(kanwil_supervisor)
    html = client.get(under_review.get_absolute_url()).content.decode()
    assert_starts_empty(html, "outcome")
    assert 'data-confirm="Tutup laporan' in html


def test_close_without_outcome_is_refused_on_the_server(client, under_review, kanwil_supervisor):
    client.force_login(kanwil_supervisor)
    # Even confirmed, and whatever the browser let through: nothing chosen closes nothing.
    response = client.post(
        reverse("referrals:close", args=[under_review.pk]), {"outcome": "", "confirmed": "1"}
    )
    assert response.status_code == 200
    assert response.context["close_form"].errors["outcome"] == ["Pilih hasil peninjauan."]
    assert "Pilih hasil peninjauan." in response.content.decode()
    assert Report.objects.get(pk=under_review.pk).status == "under_review"


def test_close_asks_first_and_repeats_the_post_when_confirmed(
    client, under_review, kanwil_supervisor
):
    client.force_login(kanwil_supervisor)
    url = reverse("referrals:close", args=[under_review.pk])
    data = {"outcome": "referred_to_investigation", "outcome_note": "Diteruskan ke Polda."}
    asked = client.post(url, data)
    assert asked.templates[0].name == CONFIRM_PAGE
    html = asked.content.decode()
    assert f"Tutup laporan {under_review.number}?" in html
    assert "Tindakan ini tidak dapat dibatalkan." in html
    # What was chosen, as a label, and the same fields posted again with the confirmation.
    assert ("Hasil", "Dilimpahkan ke penyidikan") in asked.context["details"]
    assert '<input type="hidden" name="outcome" value="referred_to_investigation">' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert f'action="{url}"' in html
    assert Report.objects.get(pk=under_review.pk).status == "under_review"

    done = client.post(url, {**data, "confirmed": "1"})
    assert done.status_code == 302
    assert done.url == f"{under_review.get_absolute_url()}#report-outcome"
    closed = Report.objects.get(pk=under_review.pk)
    assert (closed.status, closed.outcome) == ("closed", "referred_to_investigation")


def test_someone_who_may_not_close_is_refused_before_being_asked(client, under_review, officer):
    client.force_login(officer)
    response = client.post(
        reverse("referrals:close", args=[under_review.pk]), {"outcome": "referred_to_investigation"}
    )
    assert response.status_code == 403


# --- Referrals -----------------------------------------------------------------------------


def test_complete_form_starts_with_no_outcome(client, accepted, bp3mi_supervisor):
    client.force_login(bp3mi_supervisor)
    html = client.get(accepted.get_absolute_url()).content.decode()
    form = html[html.index(step(accepted, "complete")) :]
    assert_starts_empty(form, "outcome")
    assert 'data-confirm="Selesaikan rujukan ini?"' in html


def test_complete_without_outcome_is_refused_on_the_server(client, accepted, bp3mi_supervisor):
    client.force_login(bp3mi_supervisor)
    response = client.post(step(accepted, "complete"), {"outcome": "", "confirmed": "1"})
    assert response.status_code == 200
    assert response.context["complete_form"].errors["outcome"] == ["Pilih hasil rujukan."]
    assert Referral.objects.get(pk=accepted.pk).status == "accepted"


def test_complete_asks_first(client, accepted, bp3mi_supervisor):
    client.force_login(bp3mi_supervisor)
    data = {"outcome": "action_taken"}
    asked = client.post(step(accepted, "complete"), data)
    assert asked.templates[0].name == CONFIRM_PAGE
    assert Referral.objects.get(pk=accepted.pk).status == "accepted"
    done = client.post(step(accepted, "complete"), {**data, "confirmed": "1"})
    assert done.url == f"{accepted.get_absolute_url()}#referral-outcome"
    assert Referral.objects.get(pk=accepted.pk).status == "completed"


def test_decline_without_reason_is_refused_and_with_one_asks_first(
    client, referral, bp3mi_supervisor
):
    client.force_login(bp3mi_supervisor)
    empty = client.post(step(referral, "decline"), {"reason": " ", "confirmed": "1"})
    assert empty.context["decline_form"].errors["reason"] == ["Isi alasan penolakan."]
    asked = client.post(step(referral, "decline"), {"reason": "Di luar kewenangan."})
    assert asked.templates[0].name == CONFIRM_PAGE
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    client.post(step(referral, "decline"), {"reason": "Di luar kewenangan.", "confirmed": "1"})
    assert Referral.objects.get(pk=referral.pk).status == "declined"


def test_a_partner_officer_may_not_decline_and_is_not_asked(client, referral, bp3mi_officer):
    client.force_login(bp3mi_officer)
    response = client.post(step(referral, "decline"), {"reason": "Di luar kewenangan."})
    assert response.status_code == 403


def test_assign_names_someone(client, accepted, bp3mi_supervisor, bp3mi_officer):
    client.force_login(bp3mi_supervisor)
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert_starts_empty(html[html.index(step(accepted, "assign")) :], "assigned_to")
    empty = client.post(step(accepted, "assign"), {"assigned_to": ""})
    assert empty.status_code == 200
    assert empty.context["assign_form"].errors["assigned_to"] == [
        "Pilih siapa yang menangani rujukan."
    ]
    done = client.post(step(accepted, "assign"), {"assigned_to": bp3mi_officer.pk}, follow=True)
    assert done.redirect_chain[-1][0] == f"{accepted.get_absolute_url()}#referral-assignee"
    said = [str(m) for m in done.context["messages"]]
    assert said == [f"Rujukan ditugaskan kepada {bp3mi_officer.full_name}."]


# --- Drafts and their evidence -------------------------------------------------------------


def test_deleting_a_draft_asks_first(client, officer):
    draft = f.draft(officer)
    client.force_login(officer)
    url = reverse("referrals:delete", args=[draft.pk])
    asked = client.post(url)
    assert asked.templates[0].name == CONFIRM_PAGE
    assert f"Hapus draf {draft.number} untuk selamanya?" in asked.content.decode()
    assert Report.objects.filter(pk=draft.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not Report.objects.filter(pk=draft.pk).exists()


def test_removing_evidence_asks_first_and_only_whoever_may_remove_it(client, officer, colleague):
    draft = f.draft(officer)
    item = services.evidence_upload(
        actor=officer, report=draft, upload=f.png_upload(1), kind="photo"
    )
    url = reverse("referrals:evidence_remove", args=[item.pk])
    client.force_login(colleague)  # does not see the draft
    assert client.post(url).status_code == 404
    client.force_login(officer)
    assert client.post(url).templates[0].name == CONFIRM_PAGE
    assert Evidence.objects.filter(pk=item.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not Evidence.objects.filter(pk=item.pk).exists()
