"""The API of agreements: those binding the caller's agency, with their parties and scopes."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers, viewsets

from agreements.models import Agreement, AgreementScope, Party
from agreements.selectors import visible_agreements
from portal.accounts.api import AgencyBriefSerializer
from portal.api.base import LanguageMixin, signed_in_user
from portal.api.permissions import SignedIn


class PartySerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "agency",
            "agreement_number",
            "signatory_name",
            "signatory_position",
            "role",
            "covers_child_offices",
        ]


class AgreementScopeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="scope.code", read_only=True)
    name = serializers.CharField(source="scope.name", read_only=True)
    allows_data_exchange = serializers.BooleanField(
        source="scope.allows_data_exchange", read_only=True
    )

    class Meta:
        model = AgreementScope
        fields = ["id", "code", "name", "allows_data_exchange", "categories", "parties"]


class AgreementSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    scopes = AgreementScopeSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "signed_on",
            "signed_at",
            "effective_from",
            "effective_until",
            "summary",
            "terminated_on",
            "parties",
            "scopes",
        ]


class AgreementViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Agreements binding the caller's agency (all of them for system admins)."""

    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = Agreement.objects.none()
    permission_classes = [SignedIn]

    serializer_class = AgreementSerializer

    def get_queryset(self) -> QuerySet[Agreement]:
        return visible_agreements(signed_in_user(self.request)).prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("agency")),
            Prefetch(
                "scopes",
                queryset=AgreementScope.objects.select_related("scope").prefetch_related("parties"),
            ),
        )
