"""JSON endpoints for the region picker (static/portal/js/region-picker.js) and region search.

Regions are public reference data: signing in is the only access rule. Bad parameters give
empty results, never an error page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from portal.regions.selectors import region_children, region_search

# The list changes with a Kemendagri edition, i.e. with a deployment: browsers may keep a
# level's children for an hour.
CACHE_SECONDS = 3600


def _json(results: list) -> JsonResponse:
    response = JsonResponse({"results": results})
    patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    return response


@login_required
@require_GET
def children(request: HttpRequest) -> JsonResponse:
    """`?parent=<code>`: the children of that region ordered by name; no parent, the provinces."""
    return _json(region_children(request.GET.get("parent", "").strip()))


@login_required
@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """`?q=<text>&level=<1-4>&within=<code>`: up to 20 regions whose name contains the text,
    each with code, name, level and path ("Cilegon › Kota Cilegon › Banten")."""  # noqa: RUF002
    level_param = request.GET.get("level", "").strip()
    level = None
    if level_param:
        if not level_param.isdigit():
            return _json([])
        level = int(level_param)
    within = request.GET.get("within", "").strip() or None
    return _json(region_search(request.GET.get("q", ""), level=level, within=within))
