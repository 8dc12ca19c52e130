"""After an action the page says what was done, in a sentence naming it, and opens at the
item added or changed: the redirect carries its #fragment, and that item carries the id and
the class the highlight is drawn with (static/portal/css/portal.css)."""

import re

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Evidence, ReferralComment, Share
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(officer):
    return f.submitted(officer, persons=[f.person()])


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def lands_on(response, url: str, fragment: str) -> None:
    """The redirect went to `url#fragment`, and the page has that item, highlightable."""
    assert response.redirect_chain[-1][0] == f"{url}#{fragment}"
    html = response.content.decode()
    tag = re.search(rf'<[a-z]+[^>]*\bid="{re.escape(fragment)}"[^>]*>', html)
    assert tag, f"no element #{fragment}"
    assert "highlightable" in tag.group(0)


def test_sharing_names_the_partner_and_opens_at_the_share(client, pks, report, officer, bp3mi):
    client.force_login(officer)
    response = client.post(
        reverse("referrals:share", args=[report.pk]), {"agencies": [bp3mi.pk]}, follow=True
    )
    share = Share.objects.get()
    lands_on(response, report.get_absolute_url(), f"share-{share.pk}")
    assert said(response) == ["Laporan dibagikan ke BP3MI Banten; notifikasi sedang dikirim."]


def test_a_share_waiting_for_approval_says_so(client, pks, kanim, report, officer, bp3mi):
    kanim.share_requires_approval = True
    kanim.save()
    client.force_login(officer)
    response = client.post(
        reverse("referrals:share", args=[report.pk]), {"agencies": [bp3mi.pk]}, follow=True
    )
    assert said(response) == ["Pembagian kepada BP3MI Banten menunggu persetujuan supervisor."]


def test_approving_a_share_names_the_partner(
    client, pks, kanim, report, officer, kanim_supervisor, bp3mi
):
    kanim.share_requires_approval = True
    kanim.save()
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    client.force_login(kanim_supervisor)
    response = client.post(
        reverse("referrals:share_decide", args=[share.pk]), {"decision": "approve"}, follow=True
    )
    lands_on(response, report.get_absolute_url(), f"share-{share.pk}")
    assert said(response) == ["Laporan dibagikan ke BP3MI Banten."]


def test_accepting_a_referral_says_who_works_on_it(
    client, pks, report, officer, bp3mi, bp3mi_supervisor, bp3mi_officer
):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = x.refer(officer, report, bp3mi)
    client.force_login(bp3mi_supervisor)
    response = client.post(
        reverse("referrals:referral_step", args=[referral.pk, "accept"]),
        {"assigned_to": bp3mi_officer.pk},
        follow=True,
    )
    lands_on(response, referral.get_absolute_url(), "referral-status")
    assert said(response) == [f"Rujukan diterima dan ditugaskan kepada {bp3mi_officer.full_name}."]


def test_a_comment_opens_at_the_comment(client, pks, report, officer, bp3mi):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = x.refer(officer, report, bp3mi)
    client.force_login(officer)
    response = client.post(
        reverse("referrals:referral_step", args=[referral.pk, "comment"]),
        {"body": "Mohon kabar."},
        follow=True,
    )
    comment = ReferralComment.objects.get()
    lands_on(response, referral.get_absolute_url(), f"comment-{comment.pk}")
    assert said(response) == ["Komentar ditambahkan."]


def test_uploading_evidence_opens_at_the_file(client, officer):
    draft = f.draft(officer)
    client.force_login(officer)
    response = client.post(
        reverse("referrals:evidence_upload", args=[draft.pk]),
        {"kind": "photo", "description": "Foto paspor", "file": f.png_upload(5)},
        follow=True,
    )
    item = Evidence.objects.get()
    lands_on(response, draft.get_absolute_url(), f"evidence-{item.pk}")
    assert said(response) == ["Bukti “Foto paspor” diunggah."]
