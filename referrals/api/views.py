"""The case-file API (reports, shares, referrals). Every queryset comes from the selectors the
pages use (one access module), and every write goes through the same service: a record the
caller may not see is a 404, a write the role may not make is a 403."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from portal import access
from portal.api.base import LanguageMixin, signed_in_user
from portal.api.permissions import ReadsCaseFiles
from portal.api.schema import form_parameters
from portal.core.uploads import guarded_file_response
from referrals import selectors as report_selectors
from referrals import services as report_services
from referrals.api import serializers as s
from referrals.forms import ReportQueryForm, report_filters
from referrals.models import Evidence, Referral, Report, Share
from referrals.permissions import may_see_identifiers
from referrals.services import PersonInput

# --- Reports -------------------------------------------------------------------------------


# The list's parameters, documented from the form that parses them (referrals.forms).
REPORT_FILTERS = [
    *form_parameters(
        ReportQueryForm,
        descriptions={
            "q": "Number, or words of the narrative and names",
            "regency": "Code of a Banten regency or city, e.g. 36.71",
            "region": "Region code (and everything below it); wins over `regency`",
            "date_from": "YYYY-MM-DD",
            "date_to": "YYYY-MM-DD",
            "desa": "A Desa Binaan you can see",
            "destination": "ISO 3166 code",
            "person": "Reports in which this person (by NIK or passport) appears",
        },
    ),
    OpenApiParameter("shared", bool, description="Reports shared with my agency instead"),
]


class ReportViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Indication reports: the caller's agency's own (drafts: the author's), or with
    `?shared=1` those shared with it. Identifiers are masked."""

    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = Report.objects.none()
    permission_classes = [ReadsCaseFiles]

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return s.ReportListSerializer
        if self.action in ("create", "update", "partial_update"):
            return s.ReportWriteSerializer
        return s.ReportDetailSerializer

    def get_queryset(self) -> QuerySet[Report]:
        user = signed_in_user(self.request)
        if self.action == "list":
            params = self.request.query_params
            filters = report_filters(params, user=user)
            return report_selectors.list_rows(
                report_selectors.report_list(
                    user=user, filters=filters, shared=params.get("shared") in ("1", "true")
                ),
                s.ReportListSerializer.row_columns(),
            )
        return report_selectors.visible_reports(user).select_related("agency", "created_by")

    def get_object(self) -> Report:
        report = super().get_object()
        if self.action == "retrieve":
            return report_selectors.report_detail(report=report)
        return report

    @extend_schema(parameters=REPORT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _service_data(
        self, data: dict[str, Any]
    ) -> tuple[dict[str, Any], builtins.list[PersonInput], bool, str]:
        data = dict(data)
        persons = [
            report_services.PersonInput(
                data={k: v for k, v in p.items() if k not in ("id", "delete")},
                pk=p.get("id"),
                delete=p.get("delete", False),
                prefix=f"persons-{i}",
            )
            for i, p in enumerate(data.pop("persons", []) or [])
        ]
        submit = data.pop("submit", False)
        reason = data.pop("correction_reason", "")
        return data, persons, submit, reason

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.ReportDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.ReportWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data, persons, submit, _reason = self._service_data(serializer.validated_data)
        report = report_services.report_create(
            actor=signed_in_user(request), persons=persons, submit=submit, request=request, **data
        )
        body = s.ReportDetailSerializer(
            report_selectors.report_detail(report=report), context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportWriteSerializer, responses=s.ReportDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        serializer = s.ReportWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data, persons, submit, reason = self._service_data(serializer.validated_data)
        report_services.report_update(
            actor=signed_in_user(request),
            report=report,
            persons=persons,
            submit=submit,
            correction_reason=reason,
            request=request,
            **data,
        )
        return Response(
            s.ReportDetailSerializer(
                report_selectors.report_detail(report=report), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=s.ReportWriteSerializer, responses=s.ReportDetailSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance: Report) -> None:
        report_services.report_delete(
            actor=signed_in_user(self.request), report=instance, request=self.request
        )

    def _step(self, service: Callable[..., Any], request: Request, **kwargs: Any) -> Response:
        report = self.get_object()
        service(actor=signed_in_user(request), report=report, request=request, **kwargs)
        return Response(
            s.ReportDetailSerializer(
                report_selectors.report_detail(report=report), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.report_submit, request)

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.report_start_review, request)

    @extend_schema(request=s.CloseSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        serializer = s.CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step(report_services.report_close, request, **serializer.validated_data)

    @extend_schema(request=s.ShareCreateSerializer, responses={201: s.ShareSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None)  # the new shares: an array
    def share(self, request: Request, pk: str | None = None) -> Response:
        """Share with partners; only those the agreements in force allow (else 400)."""
        report = self.get_object()
        serializer = s.ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shares = report_services.report_share(
            actor=signed_in_user(request),
            report=report,
            agencies=list(serializer.validated_data["agencies"]),
            note=serializer.validated_data["note"],
            request=request,
        )
        return Response(s.ShareSerializer(shares, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EvidenceUploadSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="evidence")
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        serializer = s.EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = report_services.evidence_upload(
            actor=signed_in_user(request),
            report=report,
            upload=data["file"],
            kind=data["kind"],
            description=data["description"],
            request=request,
        )
        return Response(s.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, kind): bytes for kind in sorted(report_services.EVIDENCE_TYPES)}
    )  # the file as uploaded, with the type found in its content
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_pk>[0-9]+)",
        url_name="evidence-download",
    )
    def evidence_download(
        self, request: Request, pk: str | None = None, evidence_pk: str | None = None
    ) -> HttpResponseBase:
        report = self.get_object()
        item = get_object_or_404(Evidence, pk=evidence_pk, report=report)
        if not may_see_identifiers(signed_in_user(request), report):
            raise PermissionDenied
        return guarded_file_response(
            request,
            item.file,
            filename=item.original_name,
            content_type=item.content_type,
            audit=partial(report_services.evidence_download_record, item=item),
        )


class ShareViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Shares of my agency's reports, and shares my agency received."""

    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = Share.objects.none()
    permission_classes = [ReadsCaseFiles]

    serializer_class = s.ShareSerializer

    def get_queryset(self) -> QuerySet[Share]:
        return report_selectors.visible_shares(signed_in_user(self.request))


# --- Referrals -----------------------------------------------------------------------------


class ReferralViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals sent by or to my agency (`?direction=incoming|outgoing`, `?open=1`)."""

    # The model, for the schema generator (which has no caller); rows: get_queryset().
    queryset = Referral.objects.none()
    permission_classes = [ReadsCaseFiles]

    serializer_class = s.ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        params = self.request.query_params
        direction = params.get("direction")
        if direction in ("incoming", "outgoing"):
            return report_selectors.referral_queue(
                user=signed_in_user(self.request),
                incoming=direction == "incoming",
                open_only=params.get("open") in ("1", "true"),
            )
        return (
            report_selectors.visible_referrals(signed_in_user(self.request))
            .select_related("report", "from_agency", "to_agency", "assigned_to")
            .order_by("-sent_at", "-id")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=["incoming", "outgoing"]),
            OpenApiParameter("open", bool),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ReferralCreateSerializer, responses={201: s.ReferralSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A report the caller may not see and one that does not exist answer alike (404).
        body = request.data if isinstance(request.data, dict) else {}
        report_id = str(body.get("report", ""))
        if report_id.isdigit():
            access.get_for(
                signed_in_user(request), report_selectors.visible_reports, int(report_id)
            )
        serializer = s.ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = access.get_for(
            signed_in_user(request), report_selectors.visible_reports, data.pop("report").pk
        )
        referral = report_services.referral_send(
            actor=signed_in_user(request), report=report, request=request, **data
        )
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _step(
        self,
        service: Callable[..., Any],
        request: Request,
        serializer_class: type[serializers.Serializer] | None = None,
    ) -> Response:
        referral = self.get_object()
        kwargs = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            kwargs = dict(serializer.validated_data)
        service(actor=signed_in_user(request), referral=referral, request=request, **kwargs)
        referral.refresh_from_db()
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=s.AssignSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.referral_accept, request, s.AssignSerializer)

    @extend_schema(request=s.DeclineSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.referral_decline, request, s.DeclineSerializer)

    @extend_schema(request=s.AssignSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()
        serializer = s.AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee = serializer.validated_data.get("assigned_to")
        if assignee is None:
            raise serializers.ValidationError({"assigned_to": ["This field is required."]})
        report_services.referral_assign(
            actor=signed_in_user(request), referral=referral, assigned_to=assignee, request=request
        )
        referral.refresh_from_db()
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=None, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.referral_start, request)

    @extend_schema(request=s.CompleteSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._step(report_services.referral_complete, request, s.CompleteSerializer)

    @extend_schema(methods=["GET"], request=None, responses=s.CommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.CommentSerializer, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()
        if request.method == "GET":  # paginated, as every list of the API
            comments = report_selectors.referral_comments(referral)
            page = self.paginate_queryset(comments)
            return self.get_paginated_response(s.CommentSerializer(page, many=True).data)
        serializer = s.CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = report_services.referral_comment(
            actor=signed_in_user(request),
            referral=referral,
            body=serializer.validated_data["body"],
            request=request,
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
