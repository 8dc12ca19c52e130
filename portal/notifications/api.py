"""The API of notifications: the caller's own, read one by one or all at once."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import LanguageMixin, signed_in_user
from portal.api.permissions import SignedIn
from portal.notifications import services as notification_services
from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_of


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at"]


class NotificationViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [SignedIn]

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notifications_of(signed_in_user(self.request), unread=unread)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        notification_services.notification_mark_read(
            user=signed_in_user(request), notification_id=notification.pk
        )
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response(
            {"marked": notification_services.notification_mark_read(user=signed_in_user(request))}
        )
