"""Hostile uploads on every upload form of the portal, through the pages: evidence of a
report, attachments of a referral, files of an activity, signed copies of an agreement.

What must hold for each: a file whose content is not of an allowed type is refused whatever
its name and announced type says (an HTML page or an SVG with a script named .png, .jpg or
.pdf); an empty or oversize file is refused; a name with a path in it is stored under a name
of our making, inside MEDIA_ROOT; nothing refused leaves a row or a file behind; the answer is
a page with a message, never a server error. What is accepted is downloaded only through the
access-checked view, as an attachment (photos may be shown inline), with the type found in its
content and `nosniff`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import AgreementDocument
from referrals import services as referral_services
from referrals.models import Evidence, ReferralAttachment
from referrals.services import evidence as evidence_services
from tests import pdfs
from tests.villages.factories import HTML_BYTES, PDF_BYTES, SVG_BYTES, jpeg_bytes, png_bytes
from villages import services as village_services
from villages.models import ActivityFile

pytestmark = pytest.mark.django_db

PNG = png_bytes(42)


@dataclass(frozen=True)
class Endpoint:
    """An upload form: who posts it, where, with which other fields; the stored rows of its
    owner; the download URL of a stored row; the module constant of its size limit."""

    role: str
    url: Callable[[Any], str]
    data: dict[str, str]
    rows: Callable[[Any], Any]
    download: Callable[[Any], str]
    limits: tuple[tuple[Any, str], ...]
    accepts: tuple[str, bytes, str]  # a good file: name, content, announced type
    pdf_only: bool = False


ENDPOINTS = {
    "evidence": Endpoint(
        role="officer",
        url=lambda w: reverse("referrals:evidence_upload", args=[w.report.pk]),
        data={"kind": "photo", "description": "Foto"},
        rows=lambda w: Evidence.objects.filter(report=w.report),
        download=lambda item: reverse("referrals:evidence", args=[item.pk]),
        limits=((evidence_services, "MAX_EVIDENCE_BYTES"),),
        accepts=("foto.png", PNG, "image/png"),
    ),
    "referral-attachment": Endpoint(
        role="officer",
        url=lambda w: reverse("referrals:referral_step", args=[w.referral.pk, "comment"]),
        data={"body": "Lampiran"},
        rows=lambda w: ReferralAttachment.objects.filter(referral=w.referral),
        download=lambda item: reverse("referrals:referral_attachment", args=[item.pk]),
        limits=((evidence_services, "MAX_EVIDENCE_BYTES"),),
        accepts=("surat.png", PNG, "image/png"),
    ),
    "activity-file": Endpoint(
        role="officer",
        url=lambda w: reverse("villages:activity_file_upload", args=[w.activity.pk]),
        data={"kind": "photo", "title": "Foto"},
        rows=lambda w: ActivityFile.objects.filter(activity=w.activity),
        download=lambda item: reverse("villages:activity_file", args=[item.pk]),
        limits=((village_services, "MAX_PHOTO_BYTES"), (village_services, "MAX_MATERIAL_BYTES")),
        accepts=("kegiatan.png", PNG, "image/png"),
    ),
    "agreement-document": Endpoint(
        role="system_admin",
        url=lambda w: reverse("agreements:document_upload", args=[w.agreement.pk]),
        data={"title": "Naskah"},
        rows=lambda w: AgreementDocument.objects.filter(agreement=w.agreement),
        download=lambda item: reverse("agreements:document_download", args=[item.pk]),
        limits=((agreement_services, "MAX_DOCUMENT_BYTES"),),
        accepts=("pks.pdf", PDF_BYTES + b"%% salinan 2\n", "application/pdf"),
        pdf_only=True,
    ),
}

# name, content, announced type
HOSTILE = {
    "html-as-png": ("foto.png", HTML_BYTES, "image/png"),
    "html-as-jpeg": ("foto.jpg", HTML_BYTES, "image/jpeg"),
    "html-as-pdf": ("surat.pdf", HTML_BYTES, "application/pdf"),
    "html": ("halaman.html", HTML_BYTES, "text/html"),
    "svg-with-script": ("gambar.svg", SVG_BYTES, "image/svg+xml"),
    "svg-as-png": ("gambar.png", SVG_BYTES, "image/png"),
    "script-as-pdf": ("surat.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
    "exe-as-jpeg": ("foto.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg"),
    "empty": ("kosong.png", b"", "image/png"),
}


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post(client: Client, endpoint: Endpoint, records, name: str, content: bytes, kind: str):
    upload = SimpleUploadedFile(name, content, content_type=kind)
    return client.post(endpoint.url(records), {**endpoint.data, "file": upload})


def refused_with_a_message(response) -> bool:
    """A redirect with an error message, or the form again with an error on the file."""
    if response.status_code == 302:
        return any(m.level == ERROR for m in get_messages(response.wsgi_request))
    if response.status_code == 200:
        forms = [
            value
            for context in response.context
            for value in context.flatten().values()
            if hasattr(value, "errors") and getattr(value, "is_bound", False)
        ]
        return any("file" in form.errors for form in forms)
    return False


@pytest.fixture
def as_role(records_of_every_kind):
    def make(role: str) -> Client:
        client = Client()
        client.force_login(records_of_every_kind.roles[role])
        return client

    return make


@pytest.mark.parametrize("where", sorted(ENDPOINTS))
def test_hostile_content_is_refused_whatever_its_name(where, records_of_every_kind, as_role):
    endpoint = ENDPOINTS[where]
    client = as_role(endpoint.role)
    before_rows, before_files = endpoint.rows(records_of_every_kind).count(), stored_files()
    accepted = []
    for attack, (name, content, kind) in HOSTILE.items():
        response = post(client, endpoint, records_of_every_kind, name, content, kind)
        if not refused_with_a_message(response):
            accepted.append(f"{attack}: {response.status_code}")
    assert not accepted, accepted
    assert endpoint.rows(records_of_every_kind).count() == before_rows
    assert stored_files() == before_files


@pytest.mark.parametrize("where", sorted(ENDPOINTS))
def test_a_photo_is_no_agreement_document_and_an_oversize_file_is_refused(
    where, records_of_every_kind, as_role, monkeypatch
):
    endpoint = ENDPOINTS[where]
    client = as_role(endpoint.role)
    before = endpoint.rows(records_of_every_kind).count()
    if endpoint.pdf_only:
        assert refused_with_a_message(
            post(client, endpoint, records_of_every_kind, "pks.png", PNG, "image/png")
        )
    name, content, kind = endpoint.accepts
    for module, constant in endpoint.limits:
        monkeypatch.setattr(module, constant, len(content) - 1)
    response = post(client, endpoint, records_of_every_kind, name, content, kind)
    assert refused_with_a_message(response)
    assert endpoint.rows(records_of_every_kind).count() == before


PATH_NAMES = {
    "dot-dot": "../../../../etc/cron.d/foto.png",
    "backslashes": "..\\..\\..\\windows\\foto.png",
    "absolute": "/etc/passwd.png",
    "nul": "foto\x00.png",
    "header-injection": 'foto"; filename=evil.html; x=".png',
    "very-long": "a" * 400 + ".png",
}


@pytest.mark.parametrize("where", sorted(ENDPOINTS))
def test_a_name_with_a_path_is_stored_under_our_own_name(where, records_of_every_kind, as_role):
    endpoint = ENDPOINTS[where]
    client = as_role(endpoint.role)
    good_name, content, kind = endpoint.accepts
    media = Path(settings.MEDIA_ROOT).resolve()
    for seed, (label, name) in enumerate(PATH_NAMES.items()):
        name = name.replace(".png", "." + good_name.rsplit(".", 1)[1])
        unique = content + b"\n%% " + str(seed).encode()  # the same file twice is refused
        before = set(endpoint.rows(records_of_every_kind).values_list("pk", flat=True))
        response = post(client, endpoint, records_of_every_kind, name, unique, kind)
        assert response.status_code in (200, 302), label
        (item,) = endpoint.rows(records_of_every_kind).exclude(pk__in=before)
        stored = Path(item.file.path).resolve()
        assert stored.is_relative_to(media), (label, stored)
        assert stored.name.startswith(item.sha256[:16]), label  # our name, not the uploader's
        for bad in ("/", "\\", "\x00"):
            assert bad not in item.original_name, (label, item.original_name)
        assert len(item.original_name) <= 255, label
        # The download names the file once, in one header line.
        download = client.get(endpoint.download(item))
        assert download.status_code == 200, label
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment;"), (label, disposition)
        assert "\r" not in disposition, label
        assert "\n" not in disposition, label
        assert disposition.count("filename") == 1, (label, disposition)
        b"".join(download.streaming_content)


@pytest.mark.parametrize("where", sorted(ENDPOINTS))
def test_downloads_are_attachments_with_the_type_found_in_the_content(
    where, records_of_every_kind, as_role
):
    endpoint = ENDPOINTS[where]
    client = as_role(endpoint.role)
    name, content, kind = endpoint.accepts
    # Announced as something else: the type served is the one found in the content.
    response = post(client, endpoint, records_of_every_kind, name, content, "text/html")
    assert response.status_code in (200, 302)
    item = endpoint.rows(records_of_every_kind).order_by("-pk").first()
    download = client.get(endpoint.download(item))
    assert download.status_code == 200
    assert download["Content-Type"] == kind
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in download["Cache-Control"] or "private" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == content


def test_photos_may_be_shown_inline_but_nothing_else(records_of_every_kind, as_role, officer):
    """?inline=1 shows a photo in the page; a PDF still downloads as an attachment."""
    client = as_role("officer")
    jpeg = referral_services.evidence_upload(
        actor=officer,
        report=records_of_every_kind.report,
        upload=SimpleUploadedFile("f.jpg", jpeg_bytes(5), "image/jpeg"),
        kind="photo",
    )
    pdf = referral_services.evidence_upload(
        actor=officer,
        report=records_of_every_kind.report,
        upload=SimpleUploadedFile("s.pdf", PDF_BYTES, "application/pdf"),
        kind="document",
    )
    shown = client.get(reverse("referrals:evidence", args=[jpeg.pk]) + "?inline=1")
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Type"] == "image/jpeg"
    kept = client.get(reverse("referrals:evidence", args=[pdf.pk]) + "?inline=1")
    assert kept["Content-Disposition"].startswith("attachment")
    assert kept["Content-Type"] == "application/pdf"


# --- PDFs that could run or open something by themselves (portal/core/pdf_safety.py) ---------

PDF_FIELDS = {"evidence": {"kind": "document"}, "activity-file": {"kind": "material"}}


def refusal_text(response) -> str:
    """The error messages a refused upload was answered with."""
    if response.status_code == 302:
        return " ".join(str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR)
    return " ".join(
        str(error)
        for context in response.context
        for value in context.flatten().values()
        if getattr(value, "is_bound", False) and hasattr(value, "errors")
        for error in value.errors.get("file", [])
    )


@pytest.mark.parametrize("where", sorted(ENDPOINTS))
def test_a_pdf_with_active_content_is_refused_and_a_plain_one_accepted(
    where, records_of_every_kind, as_role
):
    endpoint = ENDPOINTS[where]
    data = {**endpoint.data, **PDF_FIELDS.get(where, {})}
    before_rows, before_files = endpoint.rows(records_of_every_kind).count(), stored_files()
    accepted = []
    for attack, content in {**pdfs.ACTIVE, **pdfs.UNREADABLE}.items():
        upload = SimpleUploadedFile(f"{attack}.pdf", content, content_type="application/pdf")
        # A new client each time: messages of the previous answer are not read back.
        response = as_role(endpoint.role).post(
            endpoint.url(records_of_every_kind), {**data, "file": upload}
        )
        text = refusal_text(response)
        if not refused_with_a_message(response) or not (
            "konten aktif" in text or "tidak dapat dibaca" in text
        ):
            accepted.append(f"{attack}: {response.status_code} {text!r}")
    assert not accepted, accepted
    assert endpoint.rows(records_of_every_kind).count() == before_rows
    assert stored_files() == before_files
    # What office software writes (open at page 1, a web link) is no active content.
    for name, content in (("polos.pdf", pdfs.CLEAN), ("tautan.pdf", pdfs.CLEAN_WITH_NAVIGATION)):
        content += b"%% " + where.encode() + b"\n"  # not a copy of a file already attached
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = as_role(endpoint.role).post(
            endpoint.url(records_of_every_kind), {**data, "file": upload}
        )
        assert response.status_code in (200, 302), name
        assert not refusal_text(response), (name, refusal_text(response))
    assert endpoint.rows(records_of_every_kind).count() == before_rows + 2


def test_the_refusal_names_what_was_found_in_english_too(records_of_every_kind, as_role):
    client = as_role("officer")
    client.cookies["sinergi_language"] = "en"
    upload = SimpleUploadedFile("a.pdf", pdfs.ACTIVE["launch"], content_type="application/pdf")
    response = client.post(
        reverse("referrals:evidence_upload", args=[records_of_every_kind.report.pk]),
        {"kind": "document", "file": upload},
    )
    assert "contains active content (Launch)" in refusal_text(response)


def test_the_api_refuses_a_pdf_with_active_content(records_of_every_kind, clients):
    client = clients["officer"]
    url = f"/api/v1/reports/{records_of_every_kind.report.pk}/evidence/"
    before = Evidence.objects.filter(report=records_of_every_kind.report).count()
    for attack, content in {**pdfs.ACTIVE, **pdfs.UNREADABLE}.items():
        upload = SimpleUploadedFile(f"{attack}.pdf", content, content_type="application/pdf")
        response = client.post(url, {"kind": "document", "file": upload})
        assert response.status_code == 400, (attack, response.status_code)
        (message,) = response.json()["file"]
        assert "konten aktif" in message or "tidak dapat dibaca" in message, (attack, message)
    assert Evidence.objects.filter(report=records_of_every_kind.report).count() == before
    upload = SimpleUploadedFile("polos.pdf", pdfs.CLEAN, content_type="application/pdf")
    response = client.post(url, {"kind": "document", "file": upload})
    assert response.status_code == 201, response.content
