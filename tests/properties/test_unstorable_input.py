"""Every route, every parameter, text PostgreSQL cannot store (NUL, lone surrogates, bytes that
are not UTF-8): never a server error (portal/core/unstorable.py answers 400 at the edge).

As a signed-in officer, with hypothesis (derandomized, a few examples per route):
- every URL pattern of the portal (the page matrix's table, which is checked against the URL
  configuration): its query parameters — those of the page's own GET forms, those the matrix
  uses, and the usual `q`, `page`, `next` — and each segment of its path: a 400;
- every operation of the API's OpenAPI schema: each query and path parameter, and a JSON body
  of the operation's fields with such text in a value, a key, or a nested list or object: 400;
- every form that posts, on every page: a NUL in any of its fields (the form's own message, or
  a saved record; Django's forms refuse a NUL beside the field), a NUL in an uploaded file's
  name, and a body that is not UTF-8 (400).

Values: text around a NUL, a lone surrogate (as JSON escapes it, or UTF-8-encoded as if it
were a character), an overlong NUL, or a lone UTF-8 lead or continuation byte."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tests.properties.html_forms import forms_of, post_forms
from tests.properties.profile import PROPERTIES
from tests.security.test_page_matrix import PAGES

pytestmark = pytest.mark.django_db

EXAMPLES = 3  # per route: the edge answers before any view, so these are quick

BAD_TEXT = ["\x00", "\ud800", "\udfff", "\udbff\x00"]
BAD_BYTES = [
    b"\x00",
    "\ud800".encode("utf-8", "surrogatepass"),  # a surrogate as if it were a character
    "\udc00".encode("utf-8", "surrogatepass"),
    b"\xc0\x80",  # an overlong NUL
    b"\xff",
    b"\xc3",  # a lead byte alone
    b"\x80",  # a continuation byte alone
]
plain = st.text(max_size=8)
bad_text = st.builds(lambda a, bad, b: a + bad + b, plain, st.sampled_from(BAD_TEXT), plain)
bad_bytes = st.builds(
    lambda a, bad, b: a.encode() + bad + b.encode(), plain, st.sampled_from(BAD_BYTES), plain
)
# How it may sit in a JSON body: a value, in a list, in a nested object, as a key.
bad_json = st.one_of(
    bad_text,
    st.lists(bad_text, min_size=1, max_size=2),
    st.fixed_dictionaries({"nested": bad_text}),
    st.dictionaries(bad_text, plain, min_size=1, max_size=1),
)


def with_query(url: str, name: str, raw: bytes) -> str:
    return f"{url}{'&' if '?' in url else '?'}{quote(name)}={quote_from_bytes(raw)}"


def with_segment(url: str, index: int, raw: bytes) -> str:
    """`url` with its index-th path segment (of those not empty) replaced by `raw`."""
    path, _sep, query = url.partition("?")
    parts = path.split("/")
    filled = [i for i, part in enumerate(parts) if part] or [len(parts) - 1]
    parts[filled[index % len(filled)]] = quote_from_bytes(raw)
    return "/".join(parts) + (f"?{query}" if query else "")


def refused(response) -> bool:
    return response.status_code == 400 and (
        "application/json" in response["Content-Type"] or "text/html" in response["Content-Type"]
    )


def answered(response, kind: str, raw: bytes) -> bool:
    """Refused, for a query parameter or a body; for a path, refused if it holds a NUL, else
    anything but a server error: Django itself re-percent-encodes a path that is not UTF-8
    (WSGIRequest, repercent_broken_unicode), which leaves storable text that matches no
    route or names no record."""
    if kind == "path" and b"\x00" not in raw:
        return response.status_code < 500
    return refused(response)


@pytest.fixture
def officer_client(clients) -> Client:
    client = clients["officer"]
    client.raise_request_exception = False  # a server error is an answer to report
    return client


def examples(check, strategy, count: int = EXAMPLES) -> str | None:
    """Run `check` on `count` examples of `strategy`; the first failure's line, or None."""

    # No shrinking: a failure names its route and value already, and shrinking one costs
    # minutes on a 2-core machine.
    @settings(PROPERTIES, max_examples=count, phases=[Phase.explicit, Phase.generate])
    @given(strategy)
    def example(drawn):
        check(drawn)

    try:
        example()
    except AssertionError as error:
        return str(error).splitlines()[0]
    return None


def call_in_savepoint(client: Client, method: str, url: str, **kwargs):
    with transaction.atomic():
        response = getattr(client, method.lower())(url, **kwargs)
        transaction.set_rollback(True)
    return response


# --- Pages ---------------------------------------------------------------------------------


def page_calls(records):
    """(name, method, url, data) of every call of the page matrix, as the officer makes it."""
    for name, calls in PAGES.items():
        for call in calls:
            yield name, call.method, call.url(name, records), call.data


def parameter_names(client: Client, method: str, url: str) -> list[str]:
    """The query parameters a page takes: its GET forms' fields, the matrix's own, the usual."""
    names = {"q", "page", "next"}
    names |= {part.split("=")[0] for part in url.partition("?")[2].split("&") if part}
    if method == "GET":
        page = client.get(url)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            for form in forms_of(page.content.decode()):
                if form.method == "get":
                    names |= {f.name for f in form.fields if f.name}
    return sorted(names)


def test_every_page_refuses_unstorable_parameters_and_paths(records_of_every_kind, officer_client):
    failures: list[str] = []
    calls = list(page_calls(records_of_every_kind))
    assert len(calls) > 100, len(calls)
    for name, method, url, data in calls:
        names = parameter_names(officer_client, method, url)

        def check(drawn, method=method, url=url, data=data, name=name):
            (kind, which), raw = drawn
            target = (
                with_query(url, which, raw) if kind == "query" else with_segment(url, which, raw)
            )
            kwargs = {"data": data} if method == "POST" else {}
            response = call_in_savepoint(officer_client, method, target, **kwargs)
            assert answered(response, kind, raw), (
                f"{name}: {method} {target} -> {response.status_code}"
            )

        where = st.one_of(
            st.tuples(st.just("query"), st.sampled_from(names)),
            st.tuples(st.just("path"), st.integers(0, 8)),
        )
        failure = examples(check, st.tuples(where, bad_bytes))
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)


def test_every_form_survives_unstorable_fields(records_of_every_kind, clients):
    """Every form that posts, on every page the matrix shows a role: NUL in any field is the
    form's business (never a server error); a body that is not UTF-8 is refused at the edge."""
    order = ("officer", "supervisor", "agency_admin", "system_admin", "partner", "lone")
    seen: set[str] = set()
    failures: list[str] = []
    for name, calls in PAGES.items():
        call = calls[0]
        role = next((role for role in order if call.expect[role] == 200), None)
        if call.method != "GET" or role is None:
            continue
        client = clients[role]
        client.raise_request_exception = False
        page = client.get(call.url(name, records_of_every_kind))
        if "html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode()):
            target = form.action or call.url(name, records_of_every_kind)
            key = f"{role} {target}"
            if key in seen or "/logout/" in target or "/reveal/" in target:
                continue
            seen.add(key)
            defaults = form.defaults()
            names = form.names() or ["field"]
            files = [f.name for f in form.fields if f.kind == "file"]

            def check(drawn, client=client, target=target, defaults=defaults, files=files):
                chosen, value = drawn
                data = {**defaults, **{n: [value] for n in chosen}}
                for n in files:
                    data[n] = SimpleUploadedFile("foto\x00.png", b"\x89PNG\r\n", "image/png")
                response = call_in_savepoint(client, "POST", target, data=data)
                assert response.status_code < 500, f"{target}: {response.status_code}"

            nul = st.builds(lambda a, b: f"{a}\x00{b}", plain, plain)
            failure = examples(check, st.tuples(st.sets(st.sampled_from(names), min_size=1), nul))
            if failure:
                failures.append(failure)
            body = "&".join(f"{quote(n)}=%FF%FE" for n in names)
            response = call_in_savepoint(
                client,
                "POST",
                target,
                data=body,
                content_type="application/x-www-form-urlencoded",
            )
            if not refused(response):
                failures.append(f"{target} (not UTF-8): {response.status_code}")
    assert len(seen) > 20, sorted(seen)
    assert not failures, "\n".join(failures)


# --- The API -------------------------------------------------------------------------------


def api_operations():
    """(method, path template, query names, path names, body field names) of every operation
    of the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            query = [p["name"] for p in parameters if p["in"] == "query"]
            in_path = [p["name"] for p in parameters if p["in"] == "path"]
            body = (operation.get("requestBody") or {}).get("content", {})
            fields: list[str] = []
            if "application/json" in body:
                ref = body["application/json"]["schema"].get("$ref", "")
                fields = sorted(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            yield method.upper(), path, query, in_path, fields


def test_every_api_operation_refuses_unstorable_input(records_of_every_kind, officer_client):
    operations = list(api_operations())
    assert len(operations) > 30, len(operations)
    failures: list[str] = []
    for method, template, query, in_path, fields in operations:
        # Real-looking identifiers; the bad text is what is refused.
        url = re.sub(r"\{[^}]+\}", "1", template)
        choices = [st.tuples(st.just("query"), st.sampled_from([*query, "q"]))]
        if in_path:
            choices.append(st.tuples(st.just("path"), st.sampled_from(in_path)))
        if method in ("POST", "PUT", "PATCH"):
            choices.append(st.tuples(st.just("body"), st.sampled_from(fields or ["field"])))

        def check(drawn, method=method, url=url, template=template):
            (kind, name), raw, value = drawn
            kwargs: dict = {}
            target = url
            if kind == "query":
                target = with_query(url, name, raw)
            elif kind == "path":
                target = re.sub(r"\{[^}]+\}", "1", template.replace("{" + name + "}", "\0"))
                target = target.replace("\0", quote_from_bytes(raw))
            else:
                kwargs = {
                    "data": json.dumps({name: value, "other": "teks biasa"}),
                    "content_type": "application/json",
                }
            if method in ("POST", "PUT", "PATCH") and not kwargs:
                kwargs = {"data": "{}", "content_type": "application/json"}
            response = call_in_savepoint(officer_client, method, target, **kwargs)
            status = response.status_code
            assert answered(response, kind, raw), f"{method} {target} {kind}:{name} -> {status}"
            if kind != "path" or b"\x00" in raw:
                assert "detail" in response.json(), (target, kwargs, response.json())

        strategy = st.tuples(st.one_of(choices), bad_bytes, bad_json)
        failure = examples(check, strategy, EXAMPLES * len(choices))
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)
