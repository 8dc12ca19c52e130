"""The API of accounts: the caller (`/api/v1/me/`) and the directory of agencies."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.models import Agency, User
from portal.api.base import LanguageMixin
from portal.api.permissions import SignedIn


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind"]


class AgencySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "parent",
            "region",
            "email",
            "phone",
            "address",
            "is_active",
        ]


class MeSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "agency",
            "language",
            "muted_email_kinds",
        ]


class MeView(LanguageMixin, APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class AgencyViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The directory of agencies (every signed-in user reads it)."""

    permission_classes = [SignedIn]

    serializer_class = AgencySerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["name", "short_name", "kind"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Agency]:
        qs = Agency.objects.all()
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs
