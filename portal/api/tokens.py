"""The caller's personal API tokens (/api/v1/tokens/); the page for them is portal.api.pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import services as token_services
from portal.api.base import LanguageMixin, signed_in_user
from portal.api.models import ApiToken
from portal.api.permissions import SignedIn


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=365, default=90)


class TokenViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """My API tokens. Creating one answers its secret once; deleting one revokes it."""

    permission_classes = [SignedIn]

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.filter(user=signed_in_user(self.request))

    @extend_schema(
        request=TokenCreateSerializer,
        responses={
            201: inline_serializer(
                "TokenCreated",
                {"token": serializers.CharField(), "details": TokenSerializer()},
            )
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = token_services.token_create(
            actor=signed_in_user(request), request=request, **serializer.validated_data
        )
        return Response(
            {"token": raw, "details": TokenSerializer(token).data},
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance: ApiToken) -> None:
        token_services.token_revoke(
            actor=signed_in_user(self.request), token=instance, request=self.request
        )
