"""The API of regions: the Kemendagri codes, by parent or by name."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import LanguageMixin
from portal.api.permissions import SignedIn
from portal.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    # A field named like Field.parent, which the stubs take for that attribute.
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class RegionViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Kemendagri regions: `?parent=36.71` for the children of a region, `?q=` by name."""

    permission_classes = [SignedIn]

    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", str, description="Code of the parent region"),
            OpenApiParameter("q", str, description="Part of the name"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Region]:
        qs = Region.objects.order_by("code")
        if self.action != "list":
            return qs  # any region by its code, not only the provinces the list starts with
        params = self.request.query_params
        if params.get("parent"):
            qs = qs.filter(parent_id=params["parent"])
        elif not params.get("q"):
            qs = qs.filter(level=Region.Level.PROVINCE)
        if params.get("q"):
            qs = qs.filter(name__icontains=params["q"][:100])
        return qs
