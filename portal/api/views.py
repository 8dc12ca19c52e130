"""API endpoints. Every queryset comes from the selectors the pages use (one access module),
and every write goes through the same service: a record the caller may not see is a 404, a
write the role may not make is a 403."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.models import AgreementScope, Party
from agreements.selectors import visible_agreements
from portal import access
from portal.accounts.models import Agency
from portal.api import serializers as s
from portal.api import services as token_services
from portal.api.base import LanguageMixin
from portal.api.models import ApiToken
from portal.api.permissions import ReadsCaseFiles, SignedIn
from portal.api.schema import form_parameters
from portal.core.uploads import guarded_file_response
from portal.notifications import services as notification_services
from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_of
from portal.regions.models import Region
from referrals import selectors as report_selectors
from referrals import services as report_services
from referrals.forms import ReportQueryForm, report_filters
from referrals.models import Evidence
from referrals.permissions import may_see_identifiers
from villages.selectors import visible_activities, visible_villages


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, for signed-in users (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); an anonymous
    visitor is sent to sign in, as on every page of the portal."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class MeView(LanguageMixin, APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class AgencyViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The directory of agencies (every signed-in user reads it)."""

    permission_classes = [SignedIn]

    serializer_class = s.AgencySerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["name", "short_name", "kind"]
    ordering = ["name"]

    def get_queryset(self):
        qs = Agency.objects.all()
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs


class RegionViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Kemendagri regions: `?parent=36.71` for the children of a region, `?q=` by name."""

    permission_classes = [SignedIn]

    serializer_class = s.RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", str, description="Code of the parent region"),
            OpenApiParameter("q", str, description="Part of the name"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
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


class AgreementViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Agreements binding the caller's agency (all of them for system admins)."""

    permission_classes = [SignedIn]

    serializer_class = s.AgreementSerializer

    def get_queryset(self):
        return visible_agreements(self.request.user).prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("agency")),
            Prefetch(
                "scopes",
                queryset=AgreementScope.objects.select_related("scope").prefetch_related("parties"),
            ),
        )


class VillageViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [SignedIn]

    serializer_class = s.VillageSerializer

    def get_queryset(self):
        return (
            visible_villages(self.request.user)
            .select_related("village", "designating_office")
            .order_by("village__name")
        )


class ActivityViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [SignedIn]

    serializer_class = s.ActivitySerializer

    def get_queryset(self):
        return (
            visible_activities(self.request.user)
            .select_related("organiser")
            .prefetch_related("co_organisers", "villages")
            .order_by("-date", "-id")
        )


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

    permission_classes = [ReadsCaseFiles]

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "list":
            return s.ReportListSerializer
        if self.action in ("create", "update", "partial_update"):
            return s.ReportWriteSerializer
        return s.ReportDetailSerializer

    def get_queryset(self):
        user = self.request.user
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

    def get_object(self):
        report = super().get_object()
        if self.action == "retrieve":
            return report_selectors.report_detail(report=report)
        return report

    @extend_schema(parameters=REPORT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _service_data(self, data: dict) -> tuple[dict, list, bool, str]:
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
    def create(self, request, *args, **kwargs):
        serializer = s.ReportWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data, persons, submit, _reason = self._service_data(serializer.validated_data)
        report = report_services.report_create(
            actor=request.user, persons=persons, submit=submit, request=request, **data
        )
        body = s.ReportDetailSerializer(
            report_selectors.report_detail(report=report), context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportWriteSerializer, responses=s.ReportDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = s.ReportWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data, persons, submit, reason = self._service_data(serializer.validated_data)
        report_services.report_update(
            actor=request.user,
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
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        report_services.report_delete(
            actor=self.request.user, report=instance, request=self.request
        )

    def _step(self, service, request, **kwargs):
        report = self.get_object()
        service(actor=request.user, report=report, request=request, **kwargs)
        return Response(
            s.ReportDetailSerializer(
                report_selectors.report_detail(report=report), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(report_services.report_submit, request)

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(report_services.report_start_review, request)

    @extend_schema(request=s.CloseSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = s.CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step(report_services.report_close, request, **serializer.validated_data)

    @extend_schema(request=s.ShareCreateSerializer, responses={201: s.ShareSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None)  # the new shares: an array
    def share(self, request, pk=None):
        """Share with partners; only those the agreements in force allow (else 400)."""
        report = self.get_object()
        serializer = s.ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shares = report_services.report_share(
            actor=request.user,
            report=report,
            agencies=list(serializer.validated_data["agencies"]),
            note=serializer.validated_data["note"],
            request=request,
        )
        return Response(s.ShareSerializer(shares, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EvidenceUploadSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="evidence")
    def evidence(self, request, pk=None):
        report = self.get_object()
        serializer = s.EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = report_services.evidence_upload(
            actor=request.user,
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
    def evidence_download(self, request, pk=None, evidence_pk=None):
        report = self.get_object()
        item = get_object_or_404(Evidence, pk=evidence_pk, report=report)
        if not may_see_identifiers(request.user, report):
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

    permission_classes = [ReadsCaseFiles]

    serializer_class = s.ShareSerializer

    def get_queryset(self):
        return report_selectors.visible_shares(self.request.user)


# --- Referrals -----------------------------------------------------------------------------


class ReferralViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals sent by or to my agency (`?direction=incoming|outgoing`, `?open=1`)."""

    permission_classes = [ReadsCaseFiles]

    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        params = self.request.query_params
        direction = params.get("direction")
        if direction in ("incoming", "outgoing"):
            return report_selectors.referral_queue(
                user=self.request.user,
                incoming=direction == "incoming",
                open_only=params.get("open") in ("1", "true"),
            )
        return (
            report_selectors.visible_referrals(self.request.user)
            .select_related("report", "from_agency", "to_agency", "assigned_to")
            .order_by("-sent_at", "-id")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=["incoming", "outgoing"]),
            OpenApiParameter("open", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ReferralCreateSerializer, responses={201: s.ReferralSerializer})
    def create(self, request, *args, **kwargs):
        # A report the caller may not see and one that does not exist answer alike (404).
        report_id = str(request.data.get("report", ""))
        if report_id.isdigit():
            access.get_for(request.user, report_selectors.visible_reports, int(report_id))
        serializer = s.ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = access.get_for(
            request.user, report_selectors.visible_reports, data.pop("report").pk
        )
        referral = report_services.referral_send(
            actor=request.user, report=report, request=request, **data
        )
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _step(self, service, request, serializer_class=None):
        referral = self.get_object()
        kwargs = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            kwargs = dict(serializer.validated_data)
        service(actor=request.user, referral=referral, request=request, **kwargs)
        referral.refresh_from_db()
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=s.AssignSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(report_services.referral_accept, request, s.AssignSerializer)

    @extend_schema(request=s.DeclineSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._step(report_services.referral_decline, request, s.DeclineSerializer)

    @extend_schema(request=s.AssignSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        referral = self.get_object()
        serializer = s.AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee = serializer.validated_data.get("assigned_to")
        if assignee is None:
            raise serializers.ValidationError({"assigned_to": ["This field is required."]})
        report_services.referral_assign(
            actor=request.user, referral=referral, assigned_to=assignee, request=request
        )
        referral.refresh_from_db()
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=None, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(report_services.referral_start, request)

    @extend_schema(request=s.CompleteSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(report_services.referral_complete, request, s.CompleteSerializer)

    @extend_schema(methods=["GET"], request=None, responses=s.CommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.CommentSerializer, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        referral = self.get_object()
        if request.method == "GET":  # paginated, as every list of the API
            comments = report_selectors.referral_comments(referral)
            page = self.paginate_queryset(comments)
            return self.get_paginated_response(s.CommentSerializer(page, many=True).data)
        serializer = s.CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = report_services.referral_comment(
            actor=request.user,
            referral=referral,
            body=serializer.validated_data["body"],
            request=request,
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


# --- Notifications and tokens --------------------------------------------------------------


class NotificationViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [SignedIn]

    serializer_class = s.NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notifications_of(self.request.user, unread=unread)

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_services.notification_mark_read(
            user=request.user, notification_id=notification.pk
        )
        notification.refresh_from_db()
        return Response(s.NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_services.notification_mark_read(user=request.user)})


class TokenViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """My API tokens. Creating one answers its secret once; deleting one revokes it."""

    permission_classes = [SignedIn]

    serializer_class = s.TokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(
        request=s.TokenCreateSerializer,
        responses={
            201: inline_serializer(
                "TokenCreated",
                {"token": serializers.CharField(), "details": s.TokenSerializer()},
            )
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = s.TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = token_services.token_create(
            actor=request.user, request=request, **serializer.validated_data
        )
        return Response(
            {"token": raw, "details": s.TokenSerializer(token).data},
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance):
        token_services.token_revoke(actor=self.request.user, token=instance, request=self.request)
