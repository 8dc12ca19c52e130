import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a portal for
    Indonesian agencies speaks Indonesian by default, whatever language the phone is set to.
    """

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
    """The idle timeout without a session write on every request.

    A session ends SESSION_COOKIE_AGE after it was last saved; saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) made that an exact idle timeout at the price of a database
    write per page. Here a session is saved (and so extended) only when it was last extended
    more than EXTEND_AFTER_SECONDS ago, or when the request changed it anyway: it ends between
    SESSION_COOKIE_AGE - EXTEND_AFTER_SECONDS and SESSION_COOKIE_AGE after the last request.
    Listed right after SessionMiddleware, so that it sees what the rest of the request did to
    the session before SessionMiddleware saves it.
    """

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
