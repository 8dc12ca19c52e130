"""The shapes of the case-file API (reports, shares, referrals). Reads mirror the pages
(identifiers masked); writes are checked for shape here and handed to the same services as the
forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.accounts.api import AgencyBriefSerializer
from portal.accounts.models import Agency, User
from portal.core.categories import ReportCategory
from portal.regions.models import Region
from referrals import indicators
from referrals.models import (
    Evidence,
    PreventionAction,
    Referral,
    ReferralComment,
    Report,
    ReportPerson,
    Share,
)
from referrals.permissions import may_see_identifiers
from referrals.selectors import RowColumns
from referrals.vocabularies import (
    ControlMethod,
    ExploitationType,
    Industry,
    Outcome,
    PerpetratorRole,
    PersonRole,
    RecruitmentMethod,
    ReferralOutcome,
    RequestedAction,
    RiskLevel,
    Sex,
    Source,
    SuspectedMode,
    Urgency,
    VictimStatus,
)
from villages.models import DesaBinaan
from villages.selectors import visible_villages

# --- Reports -------------------------------------------------------------------------------


class PersonReadSerializer(serializers.ModelSerializer):
    """A person with identifiers masked (revealing is an audited action of the pages)."""

    nik = serializers.CharField(source="nik_masked", read_only=True)
    passport_number = serializers.CharField(source="passport_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    nationality = serializers.CharField(source="nationality.code", read_only=True)
    address_region = serializers.CharField(source="address_region_id", allow_null=True)

    class Meta:
        model = ReportPerson
        fields = [
            "id",
            "role",
            "full_name",
            "sex",
            "birth_date",
            "age",
            "nik",
            "passport_number",
            "nationality",
            "address_region",
            "phone",
            "notes",
            "victim_status",
            "victim_status_by",
            "perpetrator_roles",
            "nik_warnings",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "description",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, item: Evidence) -> str | None:
        """null while the file is locked for the caller (referrals.permissions.may_see_identifiers:
        a partner until it accepts a referral), as on the report page."""
        request = self.context.get("request")
        if request is None:
            return None
        # DRF hands every serializer the same context dict; the stubs type it as a Mapping.
        allowed = self.context.setdefault("_files_open", {})  # type: ignore[attr-defined]
        if item.report_id not in allowed:
            allowed[item.report_id] = may_see_identifiers(request.user, item.report)
        if not allowed[item.report_id]:
            return None
        return reverse("api:report-evidence-download", args=[item.report_id, item.pk])


class PreventionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreventionAction
        fields = [
            "id",
            "person",
            "office",
            "kind",
            "date",
            "checkpoint",
            "place",
            "interviewed",
            "statement_signed",
            "registry_result",
            "coordinated_with_bp3mi",
            "lifted_on",
            "lifted_documents",
        ]


class ReportListSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    destination_country = serializers.CharField(source="destination_country.code")

    class Meta:
        model = Report
        fields = [
            "id",
            "number",
            "agency",
            "occurred_at",
            "source",
            "region",
            "desa",
            "destination_country",
            "mode",
            "risk_level",
            "categories",
            "status",
            "submitted_at",
            "person_count",
            "updated_at",
        ]

    @classmethod
    def row_columns(cls) -> RowColumns:
        """What a row reads from the reports (referrals.selectors.list_rows): its own
        fields and its agency's, nothing else."""
        agency = [f"agency__{name}" for name in AgencyBriefSerializer.Meta.fields if name != "id"]
        own = [n for n in ReportListSerializer.Meta.fields if n not in ("id", "agency")]
        return RowColumns(related=("agency",), fields=(*own, *agency))


class ReportDetailSerializer(ReportListSerializer):
    persons = PersonReadSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    prevention_actions = PreventionSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.full_name", read_only=True)

    class Meta(ReportListSerializer.Meta):
        fields = [
            *ReportListSerializer.Meta.fields,
            "created_by",
            "place_detail",
            "route",
            "narrative",
            "indicators",
            "suggested_categories",
            "category_reason",
            "recruitment_methods",
            "control_methods",
            "exploitation_types",
            "industries",
            "outcome",
            "outcome_note",
            "closed_at",
            "persons",
            "evidence",
            "prevention_actions",
        ]


def _codes(choices: Sequence[Any], **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, **kwargs
    )


class PersonWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="An existing person of the report.")
    delete = serializers.BooleanField(required=False, default=False)
    role = serializers.ChoiceField(choices=PersonRole.choices, required=False)
    full_name = serializers.CharField(max_length=200, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    nik = serializers.CharField(max_length=40, required=False, allow_blank=True)
    passport_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=2, required=False, allow_blank=True)
    address_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    victim_status = serializers.ChoiceField(
        choices=VictimStatus.choices, required=False, allow_blank=True
    )
    victim_status_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    perpetrator_roles = _codes(PerpetratorRole.choices)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("id") is None and not attrs.get("delete"):
            missing = [f for f in ("role", "full_name") if not attrs.get(f)]
            if missing:
                raise serializers.ValidationError(
                    {f: [serializers.Field.default_error_messages["required"]] for f in missing}
                )
        return attrs


class VisibleVillageField(serializers.PrimaryKeyRelatedField):
    """A Desa Binaan the caller may choose, from the selector of the page's form: one it may
    not see answers as one that does not exist, so no caller learns which ids exist."""

    default_error_messages = {"does_not_exist": _("Choose a Desa Binaan you can see.")}

    def get_queryset(self) -> QuerySet[DesaBinaan]:
        return visible_villages(self.context["request"].user)


class ReportWriteSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField(required=False)
    # A field named like Field.source, which the stubs take for that attribute.
    source = serializers.ChoiceField(choices=Source.choices, required=False)  # type: ignore[assignment]
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    place_detail = serializers.CharField(max_length=250, required=False, allow_blank=True)
    desa = VisibleVillageField(queryset=DesaBinaan.objects.all(), required=False, allow_null=True)
    destination_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    route = serializers.CharField(max_length=300, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=SuspectedMode.choices, required=False, allow_blank=True)
    narrative = serializers.CharField(required=False, allow_blank=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    indicators = _codes(sorted(indicators.INDICATOR_CODES))
    categories = _codes(ReportCategory.choices)
    category_reason = serializers.CharField(required=False, allow_blank=True)
    recruitment_methods = _codes(RecruitmentMethod.choices)
    control_methods = _codes(ControlMethod.choices)
    exploitation_types = _codes(ExploitationType.choices)
    industries = _codes(Industry.choices)
    persons = PersonWriteSerializer(many=True, required=False)
    submit = serializers.BooleanField(required=False, default=False)
    correction_reason = serializers.CharField(required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ShareSerializer(serializers.ModelSerializer):
    report_number = serializers.CharField(source="report.number", read_only=True)
    agency = AgencyBriefSerializer(read_only=True)
    agreement = serializers.CharField(source="agreement.title", read_only=True)

    class Meta:
        model = Share
        fields = [
            "id",
            "report",
            "report_number",
            "agency",
            "agreement",
            "status",
            "note",
            "created_at",
            "shared_at",
        ]


class ShareCreateSerializer(serializers.Serializer):
    agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), many=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Referrals -----------------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    report_number = serializers.CharField(source="report.number", read_only=True)
    from_agency = AgencyBriefSerializer(read_only=True)
    to_agency = AgencyBriefSerializer(read_only=True)
    assigned_to = serializers.CharField(
        source="assigned_to.full_name", default=None, allow_null=True, read_only=True
    )  # null until the receiving agency assigns the referral

    class Meta:
        model = Referral
        fields = [
            "id",
            "report",
            "report_number",
            "from_agency",
            "to_agency",
            "requested_action",
            "urgency",
            "due_on",
            "message",
            "status",
            "assigned_to",
            "decline_reason",
            "outcome",
            "outcome_note",
            "sent_at",
            "accepted_at",
            "closed_at",
        ]


class ReferralCreateSerializer(serializers.Serializer):
    report = serializers.PrimaryKeyRelatedField(queryset=Report.objects.all())
    to_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True))
    requested_action = serializers.ChoiceField(choices=RequestedAction.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    due_on = serializers.DateField(required=False, allow_null=True)
    message = serializers.CharField(max_length=4000)


class AssignSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices)
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True)
    agency = serializers.CharField(source="agency.short_name", read_only=True)

    class Meta:
        model = ReferralComment
        fields = ["id", "author", "agency", "body", "created_at"]
        read_only_fields = ["id", "author", "agency", "created_at"]
