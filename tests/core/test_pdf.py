"""The shared PDF building blocks (portal/core/pdf.py): fonts, letterhead, the page frame with
"page X of Y" and the printer, escaping of user text, safe file names, the response."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from reportlab.pdfbase.ttfonts import TTFont

from portal.core import pdf
from tests.pdftext import pdf_pages, pdf_text


def build(story, **info) -> bytes:
    context = pdf.PrintContext(
        title="Uji cetak",
        printed_by=info.pop("printed_by", "Petugas Uji (Kanim Tangerang)"),
        printed_at=dt.datetime(2025, 11, 20, 3, 30, tzinfo=dt.UTC),
        running_head="Kantor Uji",
        reference="REF-1",
    )
    letterhead = pdf.Letterhead(
        name="Kantor Imigrasi Cilegon",
        parent="Kantor Wilayah Direktorat Jenderal Imigrasi Banten",
        address="Jl. Jend. Ahmad Yani No. 1,\nKota Cilegon",
        phone="(0254) 123456",
        email="kanim.cilegon@imigrasi.go.id",
    )
    return pdf.build_pdf(story=story, info=context, letterhead=letterhead)


def test_every_page_says_page_x_of_y_and_who_printed_it_when():
    rows = [[f"Baris {i}", i] for i in range(150)]
    content = build([pdf.data_table(["Nama", "N"], rows, numeric=[1])])
    pages = pdf_pages(content)
    assert len(pages) >= 3
    printed = gettext("Printed %(time)s by %(user)s") % {
        # 03:30 UTC is 10:30 in Banten (Asia/Jakarta).
        "time": pdf.local_datetime(dt.datetime(2025, 11, 20, 3, 30, tzinfo=dt.UTC)),
        "user": "Petugas Uji (Kanim Tangerang)",
    }
    assert "10:30" in printed
    for number, page in enumerate(pages, start=1):
        text = " ".join(page.split())
        assert gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": len(pages)} in text
        assert printed in text
        assert gettext("Printed from Sinergi; confidential — handle per the agreement.") in text
    # The letterhead on the first page, a running head on the others.
    assert "KANTOR IMIGRASI CILEGON" in pages[0]
    assert "Jl. Jend. Ahmad Yani No. 1, Kota Cilegon" in " ".join(pages[0].split())
    assert "kanim.cilegon@imigrasi.go.id" in pages[0]
    assert "Kantor Uji" not in pages[0]
    assert all("Kantor Uji · Uji cetak · REF-1" in page for page in pages[1:])


def test_text_is_escaped_not_interpreted():
    text = pdf_text(
        build(
            [
                pdf.para("A <b>bold</b> & (paren \\ slash"),
                pdf.para("line one\nline two\x07\x00"),
                pdf.para(""),
            ]
        )
    )
    assert "A <b>bold</b> & (paren \\ slash" in text
    assert "line one line two" in text


def test_unicode_names_print_without_error_whatever_the_font_lacks():
    text = pdf_text(build([pdf.para("Nguyễn Thị Hằng · Łódź · Ağça · 张伟 · 🙂")]))
    assert "Nguyễn Thị Hằng · Łódź · Ağça" in text


def test_the_bundled_vera_fonts_are_there_as_fallback():
    folder = pdf._reportlab_fonts()
    for _system, bundled in pdf._FONT_FILES.values():
        font = TTFont("Probe-" + bundled, str(folder / bundled))
        assert font.face.charToGlyph  # a real TrueType font
    assert pdf.register_fonts() in {"DejaVu Sans", "Bitstream Vera"}


def test_english_when_the_user_chose_it():
    with translation.override("en"):
        assert "Page 1 of 1" in pdf_text(build([pdf.para("x")]))


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("IND-36-2025-000001",), "IND-36-2025-000001.pdf"),
        (("surat rujukan", 7, "IND-36-2025/000001"), "surat-rujukan-7-IND-36-2025-000001.pdf"),
        (('../../etc/passwd"; x=', ""), "etc-passwd-x.pdf"),
        (("Realisasi PKS — Cilegon é",), "Realisasi-PKS-Cilegon-e.pdf"),
        (("",), "document.pdf"),
    ],
)
def test_safe_filename(parts, expected):
    assert pdf.safe_filename(*parts) == expected


def test_response_is_a_private_attachment():
    response = pdf.pdf_response(b"%PDF-1.4 x", name='laporan "1"')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-1.pdf"'
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_print_context_names_user_and_agency(make_user, kanim):
    user = make_user("officer", kanim, full_name="Rina Wulandari")
    context = pdf.PrintContext.for_user(user, title="T")
    assert context.printed_by == "Rina Wulandari (Kanim Tangerang)"
    assert abs((timezone.now() - context.printed_at).total_seconds()) < 60
