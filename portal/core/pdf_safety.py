"""Active content in an uploaded PDF (what a reader may run or open by itself), refused by
portal.core.uploads.check_upload: every object of the file is looked at, reachable or not.

A file that cannot be read is refused too. Stripping the active parts instead would hand back
another document than the one the uploader signed or seized, and evidence keeps its SHA-256."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

ACTION_TRIGGERS = ("/A", "/Next", "/PA")  # keys whose value is an action run when clicked …
NAVIGATION = {"/GoTo", "/Named"}  # actions that only move within the document
CLICKED = NAVIGATION | {"/URI"}  # … which may also be a web link
# Keys that are active content wherever they appear.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "AA",
    "/EmbeddedFiles": "EmbeddedFiles",
    "/EF": "EmbeddedFile",
    "/XFA": "XFA",
    "/RichMediaContent": "RichMedia",
    "/RichMediaSettings": "RichMedia",
}
ACTIVE_TYPES = {"/EmbeddedFile": "EmbeddedFile", "/RichMedia": "RichMedia"}
ACTIVE_SUBTYPES = {
    "/FileAttachment": "EmbeddedFile",
    "/RichMedia": "RichMedia",
    "/Screen": "Screen",
    "/Movie": "Movie",
    "/Sound": "Sound",
    "/3D": "3D",
}
# A reader follows a chain of actions; so do we, this far.
MAX_DEPTH = 64


class UnreadablePdf(Exception):
    """The file could not be parsed as a PDF (or is password-protected)."""


def active_content(content: bytes) -> list[str]:
    """The kinds of active content found in the PDF `content` (sorted, no repeats; [] for a
    clean file); UnreadablePdf when it cannot be checked."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("password-protected")
        found: set[str] = set()
        _look(reader.trailer, found)
        for number, generation in _object_ids(reader):
            try:
                value = reader.get_object(IndirectObject(number, generation, reader))
            except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
                # An object a reader could not read either; a reader would skip it too.
                logger.info("pdf object %s %s unreadable: %s", number, generation, error)
                continue
            _look(value, found)
        if not isinstance(reader.trailer.get("/Root", None), IndirectObject | DictionaryObject):
            raise UnreadablePdf("no catalogue")
        len(reader.pages)  # the page tree must be readable
    except UnreadablePdf:
        raise
    except RecursionError as error:
        raise UnreadablePdf("nested too deeply") from error
    except Exception as error:  # pypdf's many parse errors: what it cannot read, we refuse
        raise UnreadablePdf(str(error)[:200]) from error
    return sorted(found)


def _object_ids(reader: PdfReader) -> Iterator[tuple[int, int]]:
    """Every indirect object the cross-reference knows: in the file and in object streams."""
    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield number, generation
    for number in reader.xref_objStm:
        yield number, 0


def _look(value: object, found: set[str], depth: int = 0) -> None:
    """Record the active content in one object's direct contents (indirect objects are
    visited on their own, except actions, which are followed where they are triggered)."""
    if depth > MAX_DEPTH:
        found.add("nested too deeply")
        return
    if isinstance(value, ArrayObject):
        for item in value:
            if not isinstance(item, IndirectObject):
                _look(item, found, depth + 1)
        return
    if not isinstance(value, DictionaryObject):
        return
    for key, what in ACTIVE_KEYS.items():
        if key in value:
            found.add(what)
    kind = value.get("/Type")
    if kind in ACTIVE_TYPES:
        found.add(ACTIVE_TYPES[kind])
    subtype = value.get("/Subtype")
    if subtype in ACTIVE_SUBTYPES and kind in (None, "/Annot"):
        found.add(ACTIVE_SUBTYPES[subtype])
    if kind == "/Action" and value.get("/S") not in CLICKED:
        _action(value, CLICKED, found, "A", depth)
    if "/OpenAction" in value:
        # LibreOffice and Acrobat write "open at page 1" as an /OpenAction: navigation passes.
        _action(value["/OpenAction"], NAVIGATION, found, "OpenAction", depth)
    for key in ACTION_TRIGGERS:
        if key in value and (key != "/PA" or kind == "/Annot"):
            _action(value[key], CLICKED, found, key.lstrip("/"), depth)
    for key, item in value.items():
        if key == "/Parent" or isinstance(item, IndirectObject):
            continue
        _look(item, found, depth + 1)


def _action(value: object, allowed: set[str], found: set[str], trigger: str, depth: int) -> None:
    """An action (or a chain of them, or a bare destination) run on `trigger`."""
    if depth > MAX_DEPTH:
        found.add("nested too deeply")
        return
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject):
        # A destination ([page /Fit]) — or, for /Next, an array of actions.
        for item in value:
            item = item.get_object() if isinstance(item, IndirectObject) else item
            if isinstance(item, DictionaryObject) and "/S" in item:
                _action(item, allowed, found, trigger, depth + 1)
        return
    if not isinstance(value, DictionaryObject):
        return  # a destination by name or string
    action = value.get("/S")
    if action is None:
        return  # a destination dictionary, not an action
    if not isinstance(action, NameObject) or action not in allowed:
        name = str(action).lstrip("/") if isinstance(action, NameObject) else "?"
        found.add(name if trigger in ("A", "Next", "PA") else f"{trigger} {name}")
    _look(value, found, depth + 1)
    if "/Next" in value:
        _action(value["/Next"], allowed, found, trigger, depth + 1)
