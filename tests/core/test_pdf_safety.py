"""The PDF check every upload goes through (portal/core/pdf_safety.py): each kind of active
content is found however it is written; what office software writes is not active content."""

import io

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from portal.core.pdf_safety import UnreadablePdf, active_content
from tests import pdfs

FOUND = {
    "javascript-on-open": {"JavaScript", "OpenAction JavaScript"},
    "launch": {"Launch"},
    "embedded-file": {"EmbeddedFile", "EmbeddedFiles"},
    "hex-obfuscated-javascript": {"JavaScript", "OpenAction JavaScript"},
    "javascript-in-object-stream": {"JavaScript", "OpenAction JavaScript"},
    "javascript-name-tree": {"JavaScript"},
    "page-additional-action": {"AA", "JavaScript"},
    "uri-on-open": {"OpenAction URI"},
    "submit-form": {"SubmitForm"},
    "xfa-form": {"XFA"},
    "rich-media": {"RichMedia"},
    "file-attachment-annotation": {"EmbeddedFile"},
    "javascript-chained-after-goto": {"JavaScript", "OpenAction JavaScript"},
}


def test_every_sample_is_named():
    assert set(FOUND) == set(pdfs.ACTIVE)


@pytest.mark.parametrize("name", sorted(pdfs.ACTIVE))
def test_active_content_is_found(name):
    assert set(active_content(pdfs.ACTIVE[name])) == FOUND[name]


def test_hidden_from_a_plain_search_of_the_bytes():
    """The obfuscated and the compressed samples do not spell /JavaScript in their bytes:
    only a parser finds it."""
    assert b"/JavaScript" not in pdfs.ACTIVE["hex-obfuscated-javascript"]
    assert b"JavaScript" not in pdfs.ACTIVE["javascript-in-object-stream"]


@pytest.mark.parametrize("name", sorted(pdfs.UNREADABLE))
def test_what_cannot_be_read_cannot_be_checked(name):
    with pytest.raises(UnreadablePdf):
        active_content(pdfs.UNREADABLE[name])


def test_a_password_protected_pdf_cannot_be_checked():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="rahasia", owner_password="rahasia", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadablePdf):
        active_content(out.getvalue())


def test_plain_pdfs_pass():
    assert active_content(pdfs.CLEAN) == []
    assert active_content(pdfs.CLEAN_WITH_NAVIGATION) == []
    # reportlab, with a web link and an outline, compressed
    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=1)
    page.drawString(100, 100, "Perjanjian Kerja Sama")
    page.linkURL("https://sinergi.example/", (0, 0, 50, 50))
    page.bookmarkPage("p1")
    page.addOutlineEntry("Bab 1", "p1")
    page.showPage()
    page.save()
    assert active_content(out.getvalue()) == []
    # pypdf, with an owner password only (opens without one)
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="", owner_password="pemilik", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert active_content(out.getvalue()) == []


def test_an_attachment_written_by_pypdf_is_found():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment("catatan.txt", b"isi")
    out = io.BytesIO()
    writer.write(out)
    assert "EmbeddedFiles" in active_content(out.getvalue())
