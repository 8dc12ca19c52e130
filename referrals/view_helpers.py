"""What the pages of reports, exchanges and documents share (referrals/views.py,
exchange_views.py, document_views.py): the refusal of the case lists and their pagination."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import QuerySet

from portal import access
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate, paginate_search
from referrals import selectors
from referrals.models import Report


def require_case_files(request: AuthenticatedHttpRequest) -> None:
    """The lists of case files are refused (403) to a role that reads none, a system admin
    (portal.access.reads_case_files); its records answer 404 through the selectors."""
    if not access.reads_case_files(request.user):
        raise PermissionDenied


def paginate_reports(
    request: AuthenticatedHttpRequest, reports: QuerySet[Report], filters: selectors.ReportFilters
) -> Page:
    """A page of a report list; a search by words reads its matches once (paginate_search)."""
    if filters.full_text:
        return paginate_search(request, reports)
    return paginate(request, reports)
