"""The Indonesian catalogue is complete and safe to render, and the compiled .mo is the one
Django loads. The default UI language is Bahasa Indonesia: a missing, fuzzy or placeholder-broken
entry shows up to users as English text or as a crash while rendering."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ID_PO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %(count)d … as used by gettext and by {% blocktranslate %} once extracted.
NAMED_PERCENT = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# {{ name }} — template variables, should one ever reach the catalogue verbatim.
DOUBLE_BRACE = re.compile(r"\{\{\s*[^{}]+?\s*\}\}")


def placeholders(text: str) -> set[str]:
    found = set(NAMED_PERCENT.findall(text))
    found |= {re.sub(r"\s+", "", m) for m in DOUBLE_BRACE.findall(text)}
    return found


@pytest.fixture(scope="module")
def id_po() -> polib.POFile:
    return polib.pofile(str(ID_PO))


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"


def test_indonesian_header(id_po):
    assert id_po.metadata.get("Language") == "id"
    assert "charset=UTF-8" in id_po.metadata.get("Content-Type", "")
    assert id_po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not id_po.metadata_is_fuzzy


def test_english_header():
    en = polib.pofile(str(EN_PO))
    assert en.encoding.lower() == "utf-8"
    assert "charset=UTF-8" in en.metadata.get("Content-Type", "")
    assert en.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"


def test_every_indonesian_entry_is_translated(id_po):
    untranslated = [_label(e) for e in id_po.untranslated_entries()]
    assert not untranslated, "Untranslated:\n" + "\n".join(untranslated)
    assert len(id_po.translated_entries()) > 0


def test_no_fuzzy_indonesian_entries(id_po):
    fuzzy = [_label(e) for e in id_po.fuzzy_entries()]
    assert not fuzzy, "Fuzzy (ignored by compilemessages):\n" + "\n".join(fuzzy)


def test_indonesian_plurals_have_exactly_one_form(id_po):
    wrong = [
        _label(e)
        for e in id_po
        if e.msgid_plural and (set(e.msgstr_plural) != {0} or not e.msgstr_plural[0])
    ]
    assert not wrong, "Plural entries need msgstr[0] only:\n" + "\n".join(wrong)


def test_placeholders_are_kept(id_po):
    mismatched = []
    for entry in id_po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        for text in translations:
            got = placeholders(text)
            if got != expected:
                mismatched.append(
                    f"{_label(entry)}: expected {sorted(expected)}, got {sorted(got)}"
                )
    assert not mismatched, "Placeholder mismatch:\n" + "\n".join(mismatched)


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("Sign out", "Keluar"),
        ("Agencies", "Instansi"),
        ("Audit log", "Log audit"),
        ("Home", "Beranda"),
    ],
)
def test_compiled_catalogue_is_loaded(english, indonesian):
    mo = ID_PO.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages` (compilemessages)"
    with translation.override("id"):
        assert translation.gettext(english) == indonesian
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_compiled_plural_forms():
    with translation.override("id"):
        for n in (1, 2, 25):
            text = translation.ngettext("%(counter)s record", "%(counter)s records", n)
            assert text % {"counter": n} == f"{n} data"


def test_the_statistics_period_is_a_period_and_the_agreements_a_validity():
    with translation.override("id"):
        assert translation.gettext("Period") == "Periode"
        assert translation.pgettext("agreement validity", "Period") == "Masa berlaku"


@pytest.mark.parametrize(
    ("code", "indonesian"),
    [("SA", "Arab Saudi"), ("KR", "Korea Selatan"), ("BS", "Bahama"), ("MY", "Malaysia")],
)
def test_country_names_are_indonesian(code, indonesian):
    with translation.override("id"):
        assert countries.name(code) == indonesian
