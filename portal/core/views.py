from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from portal import access
from portal.accounts.models import Agency
from portal.audit.models import AuditEntry
from portal.audit.selectors import audit_list_for_target
from portal.core.dashboard import dashboard_for
from portal.core.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    visible_ids = access.visible_agency_ids(user)
    recent = audit_list_for_target(user=user, target=user).filter(
        action__in=[AuditEntry.Action.LOGIN, AuditEntry.Action.LOGIN_FAILED]
    )[:5]
    return render(
        request,
        "core/home.html",
        {
            "visible_agencies": Agency.objects.filter(pk__in=visible_ids).order_by("name"),
            "recent_sign_ins": recent,
            "board": dashboard_for(user),
        },
    )


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: database and cache reachable."""
    status = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        status["database"] = "ok"
    except Exception:  # any failure means "not healthy", which is what we report
        status["database"] = "error"
    try:
        cache.set("health", "1", 5)
        status["cache"] = "ok" if cache.get("health") == "1" else "error"
    except Exception:
        status["cache"] = "error"
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which sets the cookie, and for a signed-in user also the
    account's language: e-mails follow it."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and user is not None
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        get_user_model().objects.filter(pk=user.pk).update(language=language)
    return response
