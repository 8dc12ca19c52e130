"""Nothing shows in English in the Indonesian interface: every page of the page matrix (the
same records_of_every_kind and calls as test_page_matrix.py), for every role, and the choices of every model,
the e-mails and the PDFs and exports the pages serve.

What is "English": a text shown that is a message of a catalogue Django reads — ours
(locale/id), allauth's, Django's own, django-countries' names — which no catalogue translates
into Indonesian. Messages whose Indonesian is the same text on purpose ("Desa Binaan",
"Malaysia") are translated entries and pass. A message with placeholders ("Report
%(number)s closed.") is matched as a pattern. Besides, a sentence that reads as English
(two or more English function words) fails whatever its source, which catches text written
into a template without {% translate %}."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django
import django_countries
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.notifications.kinds import EMAIL_KINDS
from portal.notifications.models import Notification
from referrals.services import EVENT_MESSAGES
from tests.pdftext import pdf_pages
from tests.security.test_page_matrix import PAGES, answer

pytestmark = pytest.mark.django_db

OUR_APPS = ("portal", "agreements", "villages", "referrals")
CATALOGUES = [
    Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po",
    Path(allauth.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po",
    Path(django.__file__).parent / "conf" / "locale" / "id" / "LC_MESSAGES" / "django.po",
    *sorted((Path(django.__file__).parent / "contrib").glob("*/locale/id/LC_MESSAGES/django.po")),
]
# Messages with no Indonesian catalogue at all: English whenever they show.
ENGLISH_ONLY = [
    Path(django_countries.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
]
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]")
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|your|you|is|are|with|this|that|for|not|be|has|have|will|from)\b", re.I
)


@cache
def catalogue() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """(English messages no catalogue translates, patterns of those with placeholders)."""
    translated: set[str] = set()
    indonesian: set[str] = set()  # a translation that is also some English message's text
    seen: set[str] = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            texts = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
            seen.update(texts)
            done = entry.msgstr_plural and all(entry.msgstr_plural.values())
            if (entry.msgstr or done) and "fuzzy" not in entry.flags:
                translated.update(texts)
                indonesian.update([entry.msgstr, *entry.msgstr_plural.values()])
    for path in ENGLISH_ONLY:
        seen.update(e.msgid for e in polib.pofile(str(path)) if not e.obsolete)
    english = {text for text in seen - translated - indonesian if re.search(r"[A-Za-z]{3}", text)}
    exact = frozenset(t for t in english if not PLACEHOLDER.search(t))
    patterns = []
    for text in english - exact:
        pieces = PLACEHOLDER.split(text)
        if sum(len(p.strip()) for p in pieces) < 12:
            continue  # "%(a)s: %(b)s" would match anything
        patterns.append(re.compile("^" + "(.+?)".join(map(re.escape, pieces)) + "$", re.S))
    return exact, tuple(patterns)


def untranslated(texts: Iterator[str]) -> list[str]:
    exact, patterns = catalogue()
    found = []
    for text in texts:
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            continue
        if text in exact or any(p.match(text) for p in patterns):
            found.append(text)
        elif len(set(ENGLISH_WORDS.findall(text.lower()))) >= 2:
            found.append(f"{text} (reads as English)")
    return found


class _Visible(HTMLParser):
    """Text nodes and the attributes people see or hear (titles, labels, placeholders, alt
    texts, button values, the confirmation questions)."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-confirm")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in self.ATTRIBUTES
                or (name == "value" and ("type", "submit") in attrs)
                or (name == "content" and ("name", "description") in attrs)
            ):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def shown(response) -> list[str]:
    """What a person reads in an answer: a page, a PDF, a CSV."""
    kind = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "text/html" in kind:
        parser = _Visible()
        parser.feed(body.decode())
        return parser.texts
    if "application/pdf" in kind:
        return [line for page in pdf_pages(body) for line in page.splitlines()]
    if "text/csv" in kind:
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    return []


# --- Pages ---------------------------------------------------------------------------------

CALLS = [
    pytest.param(name, call, id=f"{name}-{call.method}{'-' + call.label if call.label else ''}")
    for name, calls in PAGES.items()
    for call in calls
    if 200 in call.expect.values()
]


@pytest.mark.parametrize(("name", "call"), CALLS)
def test_every_page_speaks_indonesian(name, call, records_of_every_kind, clients, settings):
    assert settings.LANGUAGE_CODE == "id"
    url = call.url(name, records_of_every_kind)
    problems = []
    for role, client in clients.items():
        if call.expect[role] != 200:
            continue
        with transaction.atomic():
            response = client.get(url) if call.method == "GET" else client.post(url, call.data)
            texts = shown(response) if answer(response) == 200 else []
            transaction.set_rollback(True)
        problems += [f"{role}: {text}" for text in untranslated(texts)]
    assert not problems, f"{call.method} {url} shows English:\n  " + "\n  ".join(problems)


def test_the_confirmation_step_speaks_indonesian(records_of_every_kind, clients):
    response = clients["officer"].post(
        reverse("referrals:delete", args=[records_of_every_kind.draft.pk])
    )
    assert response.templates[0].name == "includes/confirm_page.html"
    assert untranslated(shown(response)) == []


# --- Choices, e-mails ----------------------------------------------------------------------


def _choice_labels() -> Iterator[tuple[str, str]]:
    for model in apps.get_models():
        if not model.__module__.startswith(OUR_APPS):
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "flatchoices", None) or getattr(
                getattr(field, "base_field", None), "flatchoices", None
            )
            for _value, label in choices or ():
                yield f"{model._meta.label}.{field.name}", label


def test_every_choice_has_an_indonesian_label():
    missing = []
    for where, label in _choice_labels():
        with translation.override("en"):
            english = str(label)
        with translation.override("id"):
            shown_id = str(label)
        if shown_id == english and untranslated([english]):
            missing.append(f"{where}: {english}")
    assert not missing, "Choices without Indonesian:\n  " + "\n  ".join(missing)


def test_the_emails_speak_indonesian(client, officer):
    with translation.override("id"):
        texts = [str(label) for label in EMAIL_KINDS.values()]
        for kind, message in EVENT_MESSAGES.items():
            note = Notification(recipient=officer, kind=kind, message=message, params={})
            texts += render_to_string(
                "notifications/email.txt", {"notification": note, "base_url": ""}
            ).splitlines()
    client.post("/accounts/password/reset/", {"email": officer.email})
    (message,) = mail.outbox
    texts += [message.subject, *message.body.splitlines()]
    problems = untranslated(texts)
    assert not problems, "E-mails in English:\n  " + "\n  ".join(problems)
