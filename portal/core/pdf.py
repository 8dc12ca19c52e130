"""Printable documents (PDF) with reportlab's platypus: the shared fonts, page (letterhead,
running header, footer), styles, escaping of user text and the HTTP response. The audit entry
for a printed document is written by the service of the app that owns it."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import reportlab
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User

FONT = "Sinergi"
FONT_BOLD = "Sinergi-Bold"
FONT_ITALIC = "Sinergi-Italic"
FONT_BOLD_ITALIC = "Sinergi-BoldItalic"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 24 * mm  # room for the footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")
ACCENT = colors.HexColor("#0b3d91")
GRID = colors.HexColor("#c7ccd4")
HEADER_FILL = colors.HexColor("#e8edf5")

# DejaVu Sans (wide Unicode coverage) when the system has it, else the Vera inside reportlab:
# any name prints, a character the font lacks as an empty box, never a crash.
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_FONT_FILES = {
    # family member: (DejaVu file, Vera file inside reportlab)
    FONT: ("DejaVuSans.ttf", "Vera.ttf"),
    FONT_BOLD: ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
    FONT_ITALIC: ("DejaVuSans-Oblique.ttf", "VeraIt.ttf"),
    FONT_BOLD_ITALIC: ("DejaVuSans-BoldOblique.ttf", "VeraBI.ttf"),
}


def _reportlab_fonts() -> Path:
    return Path(reportlab.__file__).parent / "fonts"


@functools.cache
def register_fonts() -> str:
    """Register the Sinergi font family (once per process); returns which files were used."""
    use_system = all((_SYSTEM_FONTS / files[0]).is_file() for files in _FONT_FILES.values())
    for name, (system_file, bundled_file) in _FONT_FILES.items():
        path = _SYSTEM_FONTS / system_file if use_system else _reportlab_fonts() / bundled_file
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    return "DejaVu Sans" if use_system else "Bitstream Vera"


# --- Text -------------------------------------------------------------------------------------


def esc(value: Any) -> str:
    """User text made safe for a reportlab paragraph: markup characters escaped, line breaks
    kept, control characters dropped."""
    text = "" if value is None else str(value)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "j F Y H:i")


def local_date(value: dt.date | None) -> str:
    return date_format(value, "j F Y") if value else "—"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=3
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, spaceAfter=1),
        "muted": ParagraphStyle(
            "muted", parent=base, fontSize=8, leading=10, textColor=MUTED, spaceAfter=1
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=4,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=4,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            keepWithNext=1,
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "lh_parent": ParagraphStyle(
            "lh_parent", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER, spaceAfter=0
        ),
        "lh_name": ParagraphStyle(
            "lh_name",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
            spaceAfter=1,
        ),
        "lh_contact": ParagraphStyle(
            "lh_contact", parent=base, fontSize=8, leading=10, alignment=TA_CENTER, spaceAfter=0
        ),
        "footer": ParagraphStyle(
            "footer", parent=base, fontSize=7, leading=8.6, textColor=MUTED, spaceAfter=0
        ),
        "footer_right": ParagraphStyle(
            "footer_right",
            parent=base,
            fontSize=7,
            leading=8.6,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
    }


def style(name: str) -> ParagraphStyle:
    return _styles()[name]


def para(text: Any, style_name: str = "body") -> Paragraph:
    """A paragraph of plain (user) text, escaped."""
    return Paragraph(esc(text) if text not in (None, "") else "—", style(style_name))


def markup(text: str, style_name: str = "body") -> Paragraph:
    """A paragraph of text the code wrote (may contain <b>, <i>, <br/>); never user input
    unless passed through esc()."""
    return Paragraph(text, style(style_name))


def heading(text: str, level: int = 2) -> Paragraph:
    return Paragraph(esc(text), style("h2" if level <= 2 else "h3"))


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


def rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.5, color=GRID, spaceBefore=3, spaceAfter=3)


# --- Tables ----------------------------------------------------------------------------------


def _cell(value: Any, style_name: str = "cell") -> Flowable:
    return value if isinstance(value, Flowable) else para(value, style_name)


def key_values(rows: Iterable[tuple[str, Any]], label_width: float = 45 * mm) -> Table:
    """A two-column table of labels and values (plain text or flowables). Keep long texts
    (narratives, notes) out of it: a table row does not break across pages."""
    data = [[para(label, "label"), _cell(value)] for label, value in rows]
    table = Table(
        data or [["", ""]], colWidths=[label_width, CONTENT_WIDTH - label_width], hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
            ]
        )
    )
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[float] | None = None,
    numeric: Iterable[int] = (),
    total: Sequence[Any] | None = None,
) -> Table:
    """A grid with a header row repeated on every page; `numeric` columns align right;
    `total`, when given, is a last row in bold."""
    numeric = set(numeric)

    def row_cells(row: Sequence[Any], bold: bool = False) -> list[Flowable]:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            text = esc(value) if value not in (None, "") else "—"
            if bold:
                text = f"<b>{text}</b>"
            cells.append(Paragraph(text, style("cell_right" if i in numeric else "cell")))
        return cells

    data: list[list[Flowable]] = [
        [
            Paragraph(f"<b>{esc(h)}</b>", style("cell_right" if i in numeric else "cell"))
            for i, h in enumerate(header)
        ]
    ]
    data += [row_cells(r) for r in rows]
    if total is not None:
        data.append(row_cells(total, bold=True))
    if widths is None:
        widths = [CONTENT_WIDTH / len(header)] * len(header)
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.9, INK))
    table.setStyle(TableStyle(commands))
    return table


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


# --- The page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """The head of an agency's paper (kop surat): who writes, and how to reach them."""

    name: str
    parent: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    short_name: str = ""

    @classmethod
    def of(cls, agency: Agency) -> Letterhead:
        """From an agency (its parent loaded with it, or one query)."""
        return cls(
            name=agency.name,
            parent=agency.parent.name if agency.parent is not None else "",
            address=agency.address,
            phone=agency.phone,
            email=agency.email,
            short_name=agency.short_name,
        )

    def flowables(self) -> list[Flowable]:
        parts: list[Flowable] = []
        if self.parent:
            parts.append(Paragraph(esc(self.parent.upper()), style("lh_parent")))
        parts.append(Paragraph(esc(self.name.upper()), style("lh_name")))
        if self.address:
            parts.append(Paragraph(esc(" ".join(self.address.split())), style("lh_contact")))
        contacts = []
        if self.phone:
            contacts.append(_("Telephone %(phone)s") % {"phone": self.phone})
        if self.email:
            contacts.append(_("E-mail %(email)s") % {"email": self.email})
        if contacts:
            parts.append(Paragraph(esc(" · ".join(contacts)), style("lh_contact")))
        parts.append(HRFlowable(width="100%", thickness=1.8, color=INK, spaceBefore=4))
        parts.append(HRFlowable(width="100%", thickness=0.5, color=INK, spaceBefore=1.2))
        parts.append(spacer(3))
        return parts


@dataclass(frozen=True)
class PrintContext:
    """Who prints, when, and what: what the header and footer of every page say."""

    title: str
    printed_by: str
    printed_at: dt.datetime
    running_head: str = ""  # the letterhead's name, repeated on pages after the first
    reference: str = ""  # a document number, repeated too

    @classmethod
    def for_user(
        cls, user: User, *, title: str, running_head: str = "", reference: str = ""
    ) -> PrintContext:
        agency = getattr(user, "agency", None)
        who = user.full_name or user.username
        if agency is not None:
            who = f"{who} ({agency.short_name})"
        return cls(
            title=title,
            printed_by=who,
            printed_at=timezone.now(),
            running_head=running_head,
            reference=reference,
        )


def _page_decorator(info: PrintContext) -> Callable[[rl_canvas.Canvas, int, int], None]:
    printed = _("Printed %(time)s by %(user)s") % {
        "time": local_datetime(info.printed_at),
        "user": info.printed_by,
    }
    confidential = _("Printed from Sinergi; confidential — handle per the agreement.")

    def decorate(canv: rl_canvas.Canvas, page: int, pages: int) -> None:
        canv.saveState()
        # Footer: a rule, who printed it and when, the confidentiality line, page X of Y.
        y = MARGIN_BOTTOM - 8 * mm
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y + 1.5 * mm, PAGE_WIDTH - MARGIN_X, y + 1.5 * mm)
        left = Paragraph(f"{esc(printed)}<br/>{esc(confidential)}", style("footer"))
        right = Paragraph(
            esc(_("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}),
            style("footer_right"),
        )
        right_width = 30 * mm
        _w, h = left.wrapOn(canv, CONTENT_WIDTH - right_width, 20 * mm)
        left.drawOn(canv, MARGIN_X, y - h)
        _w, rh = right.wrapOn(canv, right_width, 10 * mm)
        right.drawOn(canv, PAGE_WIDTH - MARGIN_X - right_width, y - rh)
        # Header of the following pages: whose document, and which.
        if page > 1:
            head = " · ".join(x for x in (info.running_head, info.title, info.reference) if x)
            top = Paragraph(esc(head), style("footer"))
            top.wrapOn(canv, CONTENT_WIDTH, 12 * mm)
            top.drawOn(canv, MARGIN_X, PAGE_HEIGHT - MARGIN_TOP + 3 * mm)
            canv.line(
                MARGIN_X,
                PAGE_HEIGHT - MARGIN_TOP + 2 * mm,
                PAGE_WIDTH - MARGIN_X,
                PAGE_HEIGHT - MARGIN_TOP + 2 * mm,
            )
        canv.restoreState()

    return decorate


def _numbered_canvas(
    decorate: Callable[[rl_canvas.Canvas, int, int], None],
) -> type[rl_canvas.Canvas]:
    """A canvas that holds its pages back until the end, so that every page can say how many
    there are ("page 2 of 5")."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # private; absent from the stubs

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                decorate(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    *,
    story: list[Flowable],
    info: PrintContext,
    letterhead: Letterhead | None = None,
    author: str = "Sinergi",
    subject: str = "",
) -> bytes:
    """Lay the story out on A4 pages (the letterhead first) and return the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=author,
        subject=subject or info.title,
        creator="Sinergi",
        initialFontName=FONT,
    )
    flowables = (letterhead.flowables() if letterhead else []) + list(story)
    doc.build(flowables, canvasmaker=_numbered_canvas(_page_decorator(info)))
    return buffer.getvalue()


# --- The response ----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(*parts: Any, extension: str = "pdf") -> str:
    """An ASCII file name from `parts` ("IND-36-2025-000001", "surat rujukan" …): accents
    folded, anything else than letters, digits, dot, dash and underscore made a dash."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _UNSAFE.sub("-", text).strip(".-_")[:120] or "document"
    return f"{text}.{extension}"


def pdf_response(content: bytes, *, name: str) -> HttpResponse:
    """The PDF as a download named after `name` (made safe), that no cache keeps."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(name)}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
