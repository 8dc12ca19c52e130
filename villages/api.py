"""The API of villages: the Desa Binaan and the activities the caller may see."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from portal.accounts.api import AgencyBriefSerializer
from portal.api.base import LanguageMixin, signed_in_user
from portal.api.permissions import SignedIn
from villages.models import Activity, DesaBinaan
from villages.selectors import visible_activities, visible_villages


class VillageSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="village.code", read_only=True)
    name = serializers.CharField(source="village.name", read_only=True)
    designating_office = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = DesaBinaan
        fields = [
            "id",
            "code",
            "name",
            "designating_office",
            "designated_on",
            "decree_number",
            "status",
        ]


class ActivitySerializer(serializers.ModelSerializer):
    organiser = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "date",
            "place",
            "organiser",
            "co_organisers",
            "villages",
            "area",
            "audience",
            "participants_male",
            "participants_female",
            "summary",
        ]


class VillageViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = DesaBinaan.objects.none()
    permission_classes = [SignedIn]

    serializer_class = VillageSerializer

    def get_queryset(self) -> QuerySet[DesaBinaan]:
        return (
            visible_villages(signed_in_user(self.request))
            .select_related("village", "designating_office")
            .order_by("village__name")
        )


class ActivityViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = Activity.objects.none()
    permission_classes = [SignedIn]

    serializer_class = ActivitySerializer

    def get_queryset(self) -> QuerySet[Activity]:
        return (
            visible_activities(signed_in_user(self.request))
            .select_related("organiser")
            .prefetch_related("co_organisers", "villages")
            .order_by("-date", "-id")
        )
