"""Text out of the PDFs Sinergi prints, for assertions — without a PDF library.

reportlab embeds TrueType fonts as subsets and writes each string in the subset's own codes,
with a ToUnicode map beside it; page streams are Flate-compressed (and ASCII85-armoured).
This reads the cross-reference table, decodes the streams, maps every shown string back to
Unicode through its font's map, and returns the text page by page. It understands what
reportlab writes, not every PDF."""

from __future__ import annotations

import base64
import re
import zlib

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_REF = re.compile(rb"/(\w+) (\d+) 0 R")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # literal string (one level of nesting)
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|/[^\s/\[\]()<>]+"  # name
    rb"|\[|\]"
    rb"|[-+]?\d*\.?\d+"  # number
    rb"|[A-Za-z'\"*]+",  # operator
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """{object number: (dictionary text, decoded stream or None)}, via the xref table."""
    start = int(_STARTXREF.findall(data)[-1])
    table = data[start:].split(b"trailer", 1)[0]
    header = re.match(rb"xref\s+(\d+) (\d+)", table)
    first = int(header[1])
    objects = {}
    for i, (offset, _gen, kind) in enumerate(_XREF_ENTRY.findall(table)):
        if kind != b"n":
            continue
        number = first + i
        pos = int(offset)
        body_start = data.index(b"obj", pos) + 3
        end = data.index(b"endobj", body_start)
        stream_at = data.find(b"stream", body_start, end)
        if stream_at == -1:
            objects[number] = (data[body_start:end], None)
            continue
        head = data[body_start:stream_at]
        length = int(re.search(rb"/Length (\d+)", head)[1])
        raw_start = stream_at + len(b"stream")
        raw_start += 2 if data[raw_start : raw_start + 2] == b"\r\n" else 1
        raw = data[raw_start : raw_start + length]
        if b"/ASCII85Decode" in head:
            raw = base64.a85decode(re.sub(rb"\s", b"", raw).removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            raw = zlib.decompress(raw)
        objects[number] = (head, raw)
    return objects


def _literal(token: bytes) -> bytes:
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", body[i + 1 :])[0]
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif nxt in (b"\n", b"\r"):
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


def _string(token: bytes) -> bytes:
    if token.startswith(b"("):
        return _literal(token)
    hexdigits = re.sub(rb"\s", b"", token[1:-1])
    return bytes.fromhex(hexdigits.decode() + ("0" if len(hexdigits) % 2 else ""))


def pdf_pages(data: bytes) -> list[str]:
    """The text of every page, lines separated by newlines."""
    assert data.startswith(b"%PDF"), data[:20]
    objects = _objects(data)
    # Fonts by their resource name (/F2+0), with their ToUnicode maps.
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _stream in objects.values():
        if b"/Type /Font" not in head:
            continue
        name = re.search(rb"/Name /([^\s/>]+)", head)
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if not name:
            continue
        cmap: dict[int, str] = {}
        if to_unicode:
            text = objects[int(to_unicode[1])][1] or b""
            for code, uni in _BFCHAR.findall(text.split(b"beginbfchar", 1)[-1]):
                cmap[int(code, 16)] = chr(int(uni, 16))
        fonts[name[1]] = cmap
    # Pages in order: the /Kids of the page tree, each page's /Contents.
    pages_obj = next(head for head, _s in objects.values() if re.search(rb"/Type /Pages\b", head))
    kids = [int(n) for n in re.findall(rb"(\d+) 0 R", pages_obj.split(b"/Kids", 1)[1])]
    result = []
    for kid in kids:
        head = objects[kid][0]
        contents = re.search(rb"/Contents (\d+) 0 R", head)
        result.append(_show(objects[int(contents[1])][1] or b"", fonts) if contents else "")
    return result


def _show(content: bytes, fonts: dict[bytes, dict[int, str]]) -> str:
    out: list[str] = []
    operands: list[bytes] = []
    cmap: dict[int, str] | None = None

    def decode(raw: bytes) -> str:
        if cmap is None:
            return raw.decode("latin-1")
        return "".join(cmap.get(b, chr(b) if 32 <= b < 127 else "") for b in raw)

    for token in _TOKEN.findall(content):
        if token[:1] in (b"(", b"<", b"/", b"[", b"]") or re.match(rb"[-+.\d]", token):
            operands.append(token)
            continue
        op = token
        if op == b"Tf" and len(operands) >= 2:
            cmap = fonts.get(operands[-2][1:])
        elif op in (b"Tj", b"'", b'"') and operands:
            if op != b"Tj":
                out.append("\n")
            out.append(decode(_string(operands[-1])))
        elif op == b"TJ":
            for item in operands:
                if item[:1] in (b"(", b"<"):
                    out.append(decode(_string(item)))
        elif op in (b"Td", b"TD", b"T*", b"Tm", b"BT", b"ET"):
            out.append("\n")
        operands = []
    return re.sub(r"\n\s*\n+", "\n", "".join(out)).strip()


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, whitespace collapsed to single spaces (for `in` checks)."""
    return " ".join(" ".join(pdf_pages(data)).split())
