import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise with the language switch: unlike Django's
    LocaleMiddleware, not whatever language the browser or phone is set to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        translation.deactivate()
        return response


class SessionActivityMiddleware:
    """The idle timeout without a session write on every request: a session is saved (and so
    extended) only when last extended over EXTEND_AFTER_SECONDS ago, or changed anyway. Right
    after SessionMiddleware, to see what the request did to the session before that saves it."""

    EXTEND_AFTER_SECONDS = 60
    # Unix time of the last save, in the session.
    EXTENDED_AT_KEY = "_sinergi_extended_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no cookie and nothing stored: nothing to extend
        extended_at = session.get(self.EXTENDED_AT_KEY)  # loads it if nobody did
        if session.is_empty():
            return response  # the cookie named an ended session
        now = int(time.time())
        if (
            session.modified
            or not isinstance(extended_at, int)
            or not 0 <= now - extended_at < self.EXTEND_AFTER_SECONDS
        ):
            session[self.EXTENDED_AT_KEY] = now
        return response
