"""The API's permission classes, in Sentry's manner: each endpoint declares one, and it asks
the predicates of portal.access and the apps' permissions.py — the same the pages ask — and
never compares a role itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSetMixin

from portal import access


class PredicatePermission(BasePermission):
    """A signed-in caller, then per action: `collection_rule(user)` for the actions on the
    collection (list, create, detail=False actions) and `object_rules[action](user, obj)` for
    the actions on one record. A record the caller may not see never gets here: the viewset's
    queryset (a selector) answers 404 for it first."""

    collection_rule: ClassVar[Callable[[Any], bool] | None] = None
    object_rules: ClassVar[Mapping[str, Callable[[Any, Any], bool]]] = {}

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not isinstance(view, ViewSetMixin) or getattr(view, "action", None) is None:
            return True  # an APIView, or a method the viewset lacks (DRF's 405)
        rule = type(self).collection_rule  # through the class: a rule is no method of ours
        if view.detail or rule is None:
            return True
        return bool(rule(user))

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        rule = self.object_rules.get(getattr(view, "action", None) or "")
        return rule is None or bool(rule(request.user, obj))


class SignedIn(PredicatePermission):
    """Any signed-in user; what they see is the viewset's selector."""


class ReadsCaseFiles(PredicatePermission):
    """Lists (and creation) of case files are refused (403) to a role that reads none — a
    system admin (access.reads_case_files) — as on the pages; its requests for single records
    answer 404 through the selectors, which give it nothing."""

    collection_rule = access.reads_case_files
