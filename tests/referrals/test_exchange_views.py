"""The exchange pages: every new route by role, the partner's read-only view of a shared
report, sharing and deciding from the report page, the shared list, the referral pages and
their steps, attachments."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.audit.models import AuditEntry
from referrals import services
from referrals.models import Referral, ReferralAttachment, ReferralComment, Share
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages.factories import days

pytestmark = pytest.mark.django_db

# The reporting office's officer and supervisor, the partner's officer and supervisor, an
# officer of an office without any agreement.
ROLES = [
    "officer",
    "kanim_supervisor",
    "bp3mi_officer",
    "bp3mi_supervisor",
    "cilegon_officer",
]


@pytest.fixture
def report(officer):
    return f.submitted(
        officer,
        persons=[f.person(nik=f.NIK_FEMALE, sex="female", passport_number="X1234567")],
    )


@pytest.fixture
def evidence(report, officer):
    return services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(3), kind="photo"
    )


@pytest.fixture
def shared(pks, report, officer, bp3mi, evidence):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return report


@pytest.fixture
def referral(shared, officer, bp3mi):
    return x.refer(officer, shared, bp3mi)


def accept(referral, bp3mi_supervisor, bp3mi_officer):
    return services.referral_accept(
        actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
    )


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Route by role --------------------------------------------------------------------------


@pytest.fixture
def referred_report_with_pending_share(system_admin, kanim, polda, referral, officer):
    """The report shared with and referred to BP3MI; a share with Polda Banten waiting for
    approval; a comment with an attachment on the referral."""
    x.data_agreement(system_admin, kanim, polda, code="data-polri", title="PKS Kanim - Polda")
    kanim.share_requires_approval = True
    kanim.save()
    (pending,) = services.report_share(actor=officer, report=referral.report, agencies=[polda])
    services.referral_comment(
        actor=officer, referral=referral, body="Foto surat.", upload=f.png_upload(9)
    )
    return {
        "report": referral.report,
        "referral": referral,
        "pending": pending,
        "attachment": ReferralAttachment.objects.get(),
    }


def routes(w, bp3mi_officer):
    report, referral = w["report"], w["referral"]

    def step(name):
        return reverse("referrals:referral_step", args=[referral.pk, name])

    return {
        "shared_list": ("get", reverse("referrals:shared_list"), {}),
        "share": ("post", reverse("referrals:share", args=[report.pk]), {"note": "x"}),
        "share_decide": (
            "post",
            reverse("referrals:share_decide", args=[w["pending"].pk]),
            {"decision": "approve"},
        ),
        "referral_create": ("get", reverse("referrals:referral_create", args=[report.pk]), {}),
        "queue_incoming": ("get", reverse("referrals:referral_queue", args=["incoming"]), {}),
        "queue_outgoing": ("get", reverse("referrals:referral_queue", args=["outgoing"]), {}),
        "referral_detail": ("get", reverse("referrals:referral_detail", args=[referral.pk]), {}),
        "accept": ("post", step("accept"), {}),
        "decline": ("post", step("decline"), {"reason": "Di luar kewenangan.", "confirmed": "1"}),
        "assign": ("post", step("assign"), {"assigned_to": bp3mi_officer.pk}),
        "start": ("post", step("start"), {}),
        "complete": ("post", step("complete"), {"outcome": "action_taken", "confirmed": "1"}),
        "comment": ("post", step("comment"), {"body": "Mohon kabar."}),
        "attachment": (
            "get",
            reverse("referrals:referral_attachment", args=[w["attachment"].pk]),
            {},
        ),
        "preferences": ("get", reverse("notifications:preferences"), {}),
        "settings_sender": (
            "get",
            reverse("accounts:agency_settings", args=[report.agency_id]),
            {},
        ),
        "settings_receiver": (
            "get",
            reverse("accounts:agency_settings", args=[referral.to_agency_id]),
            {},
        ),
    }


# Status per role, in ROLES order. 404: the object does not exist for that user.
EXPECTED = {
    "shared_list": (200, 200, 200, 200, 200),
    "share": (302, 302, 403, 403, 404),
    "share_decide": (403, 302, 404, 404, 404),
    "referral_create": (200, 200, 403, 403, 404),
    "queue_incoming": (200, 200, 200, 200, 200),
    "queue_outgoing": (200, 200, 200, 200, 200),
    "referral_detail": (200, 200, 200, 200, 404),
    "accept": (403, 403, 403, 302, 404),
    "decline": (403, 403, 403, 302, 404),
    "assign": (403, 403, 403, 302, 404),
    "start": (403, 403, 302, 302, 404),
    "complete": (403, 403, 302, 302, 404),
    "comment": (302, 302, 302, 302, 404),
    "attachment": (200, 200, 403, 403, 404),  # the partner's: once it has accepted
    "preferences": (200, 200, 200, 200, 200),
    "settings_sender": (403, 403, 403, 403, 403),
    "settings_receiver": (403, 403, 403, 403, 403),
}
# These steps act on a referral the partner has accepted (assigned to its officer).
AFTER_ACCEPT = {"assign", "start", "complete"}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_anonymous_user_is_sent_to_sign_in(
    client, referred_report_with_pending_share, bp3mi_officer, name
):
    method, url, data = routes(referred_report_with_pending_share, bp3mi_officer)[name]
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_status_by_role(
    client, request, referred_report_with_pending_share, bp3mi_officer, bp3mi_supervisor, role, name
):
    if name in AFTER_ACCEPT:
        accept(referred_report_with_pending_share["referral"], bp3mi_supervisor, bp3mi_officer)
    method, url, data = routes(referred_report_with_pending_share, bp3mi_officer)[name]
    client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(url, data)
    assert response.status_code == EXPECTED[name][ROLES.index(role)]


def test_unknown_step_is_404_and_steps_are_post_only(client, referral, bp3mi_supervisor):
    client.force_login(bp3mi_supervisor)
    assert client.post(reverse("referrals:referral_step", args=[referral.pk, "x"])).status_code == (
        404
    )
    url = reverse("referrals:referral_step", args=[referral.pk, "accept"])
    assert client.get(url).status_code == 405
    assert client.get(reverse("referrals:referral_queue", args=["sideways"])).status_code == 404


# --- The partner's view of a shared report -------------------------------------------------


def test_partner_reads_a_shared_report_with_identifiers_masked(
    client, shared, bp3mi_officer, evidence
):
    english(client)
    client.force_login(bp3mi_officer)
    response = client.get(shared.get_absolute_url())
    assert response.status_code == 200
    assert response.context["own"] is False
    assert response.context["share"].agency == bp3mi_officer.agency
    assert response.context["agreement_ended"] is False
    assert response.context["may_reveal"] is False
    assert response.context["can_edit"] is False
    body = response.content.decode()
    assert "Shared with your agency by" in body
    assert "PKS Kanim Tangerang - BP3MI" in body
    assert "until your agency accepts a referral" in body
    assert f.NIK_FEMALE not in body
    assert "X1234567" not in body
    assert "3671********0002" in body
    for forbidden in (
        reverse("referrals:edit", args=[shared.pk]),
        reverse("referrals:share", args=[shared.pk]),
        reverse("referrals:referral_create", args=[shared.pk]),
        reverse("referrals:prevention_create", args=[shared.pk]),
    ):
        assert forbidden not in body


def test_partner_changes_nothing(client, shared, bp3mi_officer, officer, evidence):
    person = shared.persons.get()
    action = services.prevention_record(
        actor=officer,
        report=shared,
        person=person,
        office=officer.agency,
        kind="passport_deferred",
        date=shared.occurred_at.date(),
        checkpoint="passport_office",
        place="Kantor Imigrasi Tangerang",
    )
    client.force_login(bp3mi_officer)
    pk = shared.pk
    calls = [
        ("get", reverse("referrals:edit", args=[pk]), {}),
        ("post", reverse("referrals:edit", args=[pk]), {"narrative": "x"}),
        ("post", reverse("referrals:submit", args=[pk]), {}),
        ("post", reverse("referrals:delete", args=[pk]), {}),
        ("post", reverse("referrals:start_review", args=[pk]), {}),
        ("post", reverse("referrals:close", args=[pk]), {"outcome": "no_indication"}),
        ("get", reverse("referrals:prevention_create", args=[pk]), {}),
        ("get", reverse("referrals:prevention_edit", args=[pk, action.pk]), {}),
        ("post", reverse("referrals:prevention_edit", args=[pk, action.pk]), {"notes": "x"}),
        ("post", reverse("referrals:evidence_upload", args=[pk]), {"kind": "photo"}),
        ("post", reverse("referrals:evidence_remove", args=[evidence.pk]), {}),
        ("post", reverse("referrals:share", args=[pk]), {}),
        ("get", reverse("referrals:referral_create", args=[pk]), {}),
        ("post", reverse("referrals:person_reveal", args=[pk, person.pk, "nik"]), {}),
        ("get", reverse("referrals:evidence", args=[evidence.pk]), {}),
    ]
    for method, url, data in calls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    shared.refresh_from_db()
    assert shared.status == "submitted"
    assert not AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.PII_REVEALED, AuditEntry.Action.FILE_DOWNLOADED]
    ).exists()


def test_once_accepted_the_partner_reveals_and_downloads_audited(
    client, referral, bp3mi_supervisor, bp3mi_officer, evidence
):
    accept(referral, bp3mi_supervisor, bp3mi_officer)
    report = referral.report
    person = report.persons.get()
    client.force_login(bp3mi_officer)
    assert client.get(report.get_absolute_url()).context["may_reveal"] is True
    url = reverse("referrals:person_reveal", args=[report.pk, person.pk, "nik"])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f.NIK_FEMALE in response.content.decode()
    response = client.get(reverse("referrals:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    for action in (AuditEntry.Action.PII_REVEALED, AuditEntry.Action.FILE_DOWNLOADED):
        entry = AuditEntry.objects.get(action=action)
        assert entry.actor == bp3mi_officer
        assert entry.agency == bp3mi_officer.agency
        assert entry.target_id == str(report.pk)


def test_after_the_agreement_ends_the_share_stays_readable_but_nothing_new(
    client, shared, pks, system_admin, officer, bp3mi_officer, bp3mi
):
    x.terminate(system_admin, pks)
    english(client)
    client.force_login(bp3mi_officer)
    response = client.get(shared.get_absolute_url())
    assert response.status_code == 200
    assert response.context["agreement_ended"] is True
    assert "That agreement is no longer in force" in response.content.decode()
    assert list(client.get(reverse("referrals:shared_list")).context["page"]) == [shared]

    client.force_login(officer)
    response = client.get(shared.get_absolute_url())
    assert response.context["share_form"] is None
    assert response.context["can_refer"] is False
    url = reverse("referrals:referral_create", args=[shared.pk])
    response = client.post(
        url,
        {
            "to_agency": bp3mi.pk,
            "requested_action": "investigation",
            "urgency": "normal",
            "message": "Mohon ditindaklanjuti.",
        },
    )
    assert response.status_code == 200
    assert "to_agency" in response.context["form"].errors
    assert not Referral.objects.exists()


# --- Sharing from the report page ----------------------------------------------------------


def test_sharing_page_offers_only_entitled_partners(
    client, pks, report, officer, bp3mi, polda, system_admin
):
    client.force_login(officer)
    form = client.get(report.get_absolute_url()).context["share_form"]
    assert list(form.fields["agencies"].queryset) == [bp3mi]
    assert pks.title in form.fields["agencies"].label_from_instance(bp3mi)


def test_posting_a_partner_without_agreement_shares_nothing(client, pks, report, officer, polda):
    client.force_login(officer)
    url = reverse("referrals:share", args=[report.pk])
    response = client.post(url, {"agencies": [polda.pk]})
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    assert not Share.objects.exists()
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_posting_an_entitled_partner_shares(client, pks, report, officer, bp3mi, bp3mi_officer):
    client.force_login(officer)
    url = reverse("referrals:share", args=[report.pk])
    response = client.post(url, {"agencies": [bp3mi.pk], "note": "Untuk ditindaklanjuti."})
    assert response.status_code == 302
    share = Share.objects.get()
    assert (share.agency, share.status, share.agreement) == (bp3mi, "active", pks)
    assert share.note == "Untuk ditindaklanjuti."
    client.force_login(bp3mi_officer)
    assert client.get(report.get_absolute_url()).status_code == 200


def test_drafts_cannot_be_shared_from_the_page(client, pks, officer, bp3mi):
    draft = f.draft(officer)
    client.force_login(officer)
    assert client.get(draft.get_absolute_url()).context["share_form"] is None
    client.post(reverse("referrals:share", args=[draft.pk]), {"agencies": [bp3mi.pk]})
    assert not Share.objects.exists()


def test_approval_from_the_report_page(
    client, pks, kanim, report, officer, kanim_supervisor, bp3mi, bp3mi_officer
):
    kanim.share_requires_approval = True
    kanim.save()
    client.force_login(officer)
    client.post(reverse("referrals:share", args=[report.pk]), {"agencies": [bp3mi.pk]})
    share = Share.objects.get()
    assert share.status == "pending"
    client.force_login(bp3mi_officer)
    assert client.get(report.get_absolute_url()).status_code == 404
    client.force_login(kanim_supervisor)
    body = client.get(report.get_absolute_url()).content.decode()
    assert reverse("referrals:share_decide", args=[share.pk]) in body
    url = reverse("referrals:share_decide", args=[share.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    share.refresh_from_db()
    assert share.status == "active"
    assert share.decided_by == kanim_supervisor
    client.force_login(bp3mi_officer)
    assert client.get(report.get_absolute_url()).status_code == 200


def test_refusal_from_the_report_page(client, pks, kanim, report, officer, kanim_supervisor, bp3mi):
    kanim.share_requires_approval = True
    kanim.save()
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    client.force_login(kanim_supervisor)
    url = reverse("referrals:share_decide", args=[share.pk])
    assert client.post(url, {"decision": "refuse"}).status_code == 302
    share.refresh_from_db()
    assert share.status == "refused"


# --- The shared list -----------------------------------------------------------------------


def test_shared_list_shows_only_what_was_shared(
    client, shared, officer, bp3mi_officer, cilegon_officer, kanim_supervisor
):
    other = f.submitted(
        officer,
        persons=[f.person(full_name="Dewi Lestari")],
        categories=["tppo"],
        narrative="Laporan lain dari kantor yang sama, tidak pernah dibagikan ke mitra.",
    )
    url = reverse("referrals:shared_list")
    client.force_login(bp3mi_officer)
    response = client.get(url)
    assert list(response.context["page"]) == [shared]
    assert other.number not in response.content.decode()
    for query in ("?q=siti", "?q=Nurhal", f"?q={shared.number}", "?category=tppo"):
        assert list(client.get(url + query).context["page"]) == [shared], query
    for query in ("?q=Dewi", f"?q={other.number}", "?category=tppm", "?q=nobody"):
        assert list(client.get(url + query).context["page"]) == [], query
    # The partner's own list does not show the shared report.
    assert list(client.get(reverse("referrals:list")).context["page"]) == []
    for outsider in (cilegon_officer, officer, kanim_supervisor):
        client.force_login(outsider)
        assert list(client.get(url).context["page"]) == []


# --- Referral pages ------------------------------------------------------------------------


def test_referral_form_offers_only_entitled_partners_and_sends(
    client, pks, report, officer, bp3mi, polda
):
    client.force_login(officer)
    url = reverse("referrals:referral_create", args=[report.pk])
    response = client.get(url)
    assert list(response.context["form"].fields["to_agency"].queryset) == [bp3mi]
    data = {
        "to_agency": polda.pk,
        "requested_action": "victim_protection",
        "urgency": "urgent",
        "message": "Mohon pendampingan.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "to_agency" in response.context["form"].errors
    assert not Referral.objects.exists()
    response = client.post(url, {**data, "to_agency": bp3mi.pk})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == referral.get_absolute_url()
    assert (referral.to_agency, referral.urgency) == (bp3mi, "urgent")
    assert referral.due_on == services.referral_due_date(agency=bp3mi, urgency="urgent")


def test_referral_form_refuses_a_past_due_date(client, pks, report, officer, bp3mi):
    client.force_login(officer)
    url = reverse("referrals:referral_create", args=[report.pk])
    response = client.post(
        url,
        {
            "to_agency": bp3mi.pk,
            "requested_action": "investigation",
            "urgency": "normal",
            "message": "Mohon penyelidikan.",
            "due_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_detail_shows_the_decision_forms_to_the_receiving_supervisor_only(
    client, referral, officer, bp3mi_officer, bp3mi_supervisor
):
    accept_url = reverse("referrals:referral_step", args=[referral.pk, "accept"])
    for user, can in ((officer, False), (bp3mi_officer, False), (bp3mi_supervisor, True)):
        client.force_login(user)
        response = client.get(referral.get_absolute_url())
        assert response.context["can_decide"] is can
        assert (accept_url in response.content.decode()) is can


def test_steps_through_the_pages(
    client, referral, officer, bp3mi_supervisor, bp3mi_officer, cilegon_officer
):
    def step(name):
        return reverse("referrals:referral_step", args=[referral.pk, name])

    client.force_login(bp3mi_supervisor)
    response = client.post(step("decline"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["decline_form"].errors
    response = client.post(step("accept"), {"assigned_to": officer.pk})  # not a BP3MI user
    assert response.status_code == 200
    assert "assigned_to" in response.context["accept_form"].errors
    assert Referral.objects.get().status == "sent"
    assert client.post(step("accept"), {"assigned_to": bp3mi_officer.pk}).status_code == 302
    client.force_login(bp3mi_officer)
    assert client.post(step("start")).status_code == 302
    response = client.post(step("complete"), {"outcome": ""})
    assert response.status_code == 200
    assert "outcome" in response.context["complete_form"].errors
    done = {"outcome": "victim_assisted", "outcome_note": "Ok"}
    response = client.post(step("complete"), done)
    assert response.status_code == 200  # asked first: nothing completed yet
    assert Referral.objects.get().status == "in_progress"
    response = client.post(step("complete"), {**done, "confirmed": "1"})
    assert response.status_code == 302
    done = Referral.objects.get()
    assert (done.status, done.outcome, done.assigned_to) == (
        "completed",
        "victim_assisted",
        bp3mi_officer,
    )
    assert client.post(step("start")).status_code == 403


def test_comment_with_attachments_and_the_audited_download(
    client, referral, officer, bp3mi_officer, cilegon_officer
):
    url = reverse("referrals:referral_step", args=[referral.pk, "comment"])
    client.force_login(bp3mi_officer)
    response = client.post(url, {"body": "Lihat lampiran", "file": f.html_as_png()})
    assert response.status_code == 200
    assert "file" in response.context["comment_form"].errors
    assert not ReferralComment.objects.exists()
    response = client.post(url, {"body": "Foto surat pengantar", "file": f.png_upload(4)})
    assert response.status_code == 302
    item = ReferralAttachment.objects.get()
    assert item.agency == bp3mi_officer.agency
    download = reverse("referrals:referral_attachment", args=[item.pk])
    for user in (officer, bp3mi_officer):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == f.png_bytes(4)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED)
    assert {e.actor for e in entries} == {officer, bp3mi_officer}
    assert all(e.target_id == str(referral.report_id) for e in entries)
    assert all(e.data["referral"] == referral.pk for e in entries)
    client.force_login(cilegon_officer)
    assert client.get(download).status_code == 404
    assert entries.count() == 2


def test_incoming_queue_orders_and_marks_overdue(
    client, pks, officer, bp3mi, bp3mi_supervisor, bp3mi_officer
):
    made = {}
    for key, urgency, due in (
        ("later", "normal", 9),
        ("urgent", "urgent", 5),
        ("soon", "normal", 2),
    ):
        made[key] = x.refer(officer, f.submitted(officer), bp3mi, urgency=urgency, due_on=days(due))
    Referral.objects.filter(pk=made["soon"].pk).update(due_on=days(-1))
    completed = made["later"]
    client.force_login(bp3mi_supervisor)
    url = reverse("referrals:referral_queue", args=["incoming"])
    response = client.get(url)
    assert list(response.context["page"]) == [made["urgent"], made["soon"], made["later"]]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", response.content.decode(), flags=re.S)
    overdue = [r for r in rows if 'class="table-danger"' in r]
    assert len(overdue) == 1
    assert made["soon"].report.number in overdue[0]
    # Closed ones leave the open queue and are listed with ?all=1.
    services.referral_accept(actor=bp3mi_supervisor, referral=completed)
    services.referral_complete(actor=bp3mi_supervisor, referral=completed, outcome="action_taken")
    assert completed not in list(client.get(url).context["page"])
    assert completed in list(client.get(url + "?all=1").context["page"])
    # The sending office sees them as outgoing, not incoming.
    client.force_login(officer)
    assert list(client.get(url).context["page"]) == []
    outgoing = reverse("referrals:referral_queue", args=["outgoing"])
    assert len(list(client.get(outgoing).context["page"])) == 2
