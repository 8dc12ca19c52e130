"""Text PostgreSQL cannot store (a NUL, a lone surrogate, bytes that do not decode), refused with
a 400 by UnstorableInputMiddleware before any view, form, session or query sees it.

A NUL in a form field is left to the form, which refuses it beside the field; file names need
no check, Django's multipart parser drops such characters from them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"


def unstorable(text: str) -> bool:
    """Does `text` hold a character PostgreSQL cannot store?"""
    return UNSTORABLE.search(text) is not None


def _shown(name: str) -> str:
    """A name to quote back in a message: the bad characters replaced, kept short."""
    return UNSTORABLE.sub("\ufffd", name)[:60]


def _decoded(raw: bytes, encoding: str) -> str | None:
    """The text of `raw`, or None if it does not decode or holds an unstorable character."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if unstorable(text) else text


def _wsgi_bytes(value: str) -> bytes:
    # WSGI hands bytes over as latin-1 text (PEP 3333), as Django's get_bytes_from_wsgi reads it.
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _bad_field(body: bytes, encoding: str, *, nul_allowed: bool = False) -> str | None:
    """The name of the first field of a query string (or urlencoded body) whose name or value
    does not decode, or holds an unstorable character; "" for a name that is itself bad."""
    for pair in body.split(b"&"):
        if not pair:
            continue
        raw_name, _sep, raw_value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(raw_value.replace(b"+", b" "))
        if nul_allowed:
            name_bytes, value_bytes = (
                name_bytes.replace(b"\0", b""),
                value_bytes.replace(b"\0", b""),
            )
        name = _decoded(name_bytes, encoding)
        if name is None:
            return ""
        if _decoded(value_bytes, encoding) is None:
            return name
    return None


def _bad_json_path(data: object) -> str | None:
    """The dotted path of the first unstorable key or string in parsed JSON (iteratively: a
    deeply nested document must not exhaust the stack)."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if unstorable(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{_shown(key)}" if path else _shown(key)
                if unstorable(key):
                    return inner
                stack.append((inner, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def _body(request: HttpRequest) -> bytes | None:
    """The request body, unless it is larger than Django lets a view read (Django answers
    that itself, later)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not length or (limit is not None and length > limit):
        return None
    return request.body


def problem(request: HttpRequest) -> str | None:
    """Where the request carries unstorable text, said for the user; None if nowhere."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    # A path that is not UTF-8 Django has re-percent-encoded already (storable text).
    if unstorable(request.path_info):
        return _("The address")
    for key, value in request.META.items():
        is_header = key.startswith("HTTP_") or key == "CONTENT_TYPE"
        if is_header and isinstance(value, str) and "\x00" in value:
            header = key.removeprefix("HTTP_").replace("_", "-").title()
            return _('The header "%(name)s"') % {"name": header}
    for cookie, value in request.COOKIES.items():
        if unstorable(cookie) or unstorable(value):
            return _('The cookie "%(name)s"') % {"name": _shown(cookie)}
    query = _wsgi_bytes(request.META.get("QUERY_STRING", ""))
    name = _bad_field(query, encoding)
    if name is not None:
        return (
            _('The parameter "%(name)s"') % {"name": _shown(name)}
            if name
            else _("A parameter name")
        )
    content_type = request.content_type or ""
    if content_type in JSON_TYPES or content_type.endswith("+json"):
        body = _body(request)
        if body is None:
            return None
        text = _decoded(body, request.encoding or "utf-8")
        if text is None:
            return _("The request body")
        if "\\u" in text:  # only an escape can make a NUL or a surrogate in valid JSON
            try:
                path = _bad_json_path(json.loads(text))
            except (ValueError, RecursionError):
                return None  # not JSON: the parser answers that
            if path is not None:
                return _('The field "%(name)s"') % {"name": path}
    elif content_type == FORM_TYPE:
        body = _body(request)
        if body is not None:
            # A NUL in a field is left to the form, which says so beside the field.
            name = _bad_field(body, encoding, nul_allowed=True)
            if name is not None:
                return (
                    _('The field "%(name)s"') % {"name": _shown(name)}
                    if name
                    else _("A field name")
                )
    return None


def _language(request: HttpRequest, *, api: bool) -> str:
    """The caller's language before the session is read: the API's caller by Accept-Language
    (as portal.api.base.caller_language; the account is not known yet), then the language
    menu's cookie (as portal.core.middleware.LanguageMiddleware), else Bahasa Indonesia."""
    supported = {code for code, _name in settings.LANGUAGES}
    if api:
        for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in supported:
                return code
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def refusal(request: HttpRequest, where: str) -> HttpResponse:
    """400 naming where the unstorable text is: JSON in DRF's shape on the API, a page that
    needs nothing of the request (no session or user is loaded yet) elsewhere."""
    message = _(
        "%(where)s contains characters that cannot be stored: a NUL character, an unpaired "
        "surrogate or bytes that are not valid UTF-8. Remove them and try again."
    ) % {"where": where}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    html = loader.get_template("errors/400_unstorable.html").render(
        {"message": message, "language": translation.get_language()}
    )
    response = HttpResponse(html, status=400)
    # The CSP and frame middleware come later in the chain and do not see this answer.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'"
    response["X-Frame-Options"] = "DENY"
    return response


class UnstorableInputMiddleware:
    """Listed before SessionMiddleware: a NUL in the session cookie would otherwise reach
    the session query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        with translation.override(_language(request, api=api)):
            where = problem(request)
            if where is not None:
                response = refusal(request, where)
                response["Content-Language"] = translation.get_language()
                response["Vary"] = "Cookie, Accept-Language" if api else "Cookie"
                return response
        return self.get_response(request)
