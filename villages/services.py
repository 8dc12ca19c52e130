"""Writes to Desa Binaan, their partners, figures, activities and files. Each service checks
the actor's right, validates with messages in the user's language, saves and audits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementScope
from agreements.sharing_policy import agreement_binds, scope_binds
from portal import access
from portal.accounts.models import Agency
from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record
from portal.core.uploads import check_upload, store_upload
from portal.regions.models import Region
from villages import permissions, selectors
from villages.models import Activity, ActivityFile, DesaBinaan, DesaBinaanPartner, VillageFigure

if TYPE_CHECKING:
    from portal.accounts.models import User

VILLAGE_FIELDS = [
    "designated_on",
    "decree_number",
    "village_head_name",
    "village_head_phone",
    "contact_name",
    "contact_role",
    "contact_phone",
    "status",
    "notes",
]
# Changes to these are audited without their values: they are personal data.
PERSONAL_FIELDS = {"village_head_phone", "contact_phone"}
ACTIVITY_FIELDS = [
    "kind",
    "title",
    "date",
    "place",
    "agreement_scope",
    "area",
    "audience",
    "audience_notes",
    "participants_male",
    "participants_female",
    "speakers",
    "summary",
    "follow_ups",
]
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MATERIAL_TYPES = PHOTO_TYPES | {"application/pdf"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_MATERIAL_BYTES = 20 * 1024 * 1024


def _without_personal(diff: dict) -> dict:
    return {k: (["…", "…"] if k in PERSONAL_FIELDS else v) for k, v in diff.items()}


def _check_liaisons(desa: DesaBinaan, liaisons: list[User]) -> None:
    strangers = [u for u in liaisons if u.agency_id != desa.designating_office_id]
    if strangers:
        raise ValidationError(
            {"liaison_officers": _("Liaison officers must work for the designating office.")}
        )


# --- Desa Binaan ---------------------------------------------------------------------------


@transaction.atomic
def village_designate(
    *,
    actor: User,
    village: Region,
    designating_office: Agency,
    liaison_officers: list[User] | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> DesaBinaan:
    """An immigration office adopts a village as Desa Binaan."""
    if not permissions.may_designate_for(actor, designating_office):
        raise PermissionDenied(_("Only the designating office itself can designate its villages."))
    errors: dict[str, list[str]] = {}
    if village.level != Region.Level.VILLAGE:
        errors["village"] = [_("Choose a village (desa or kelurahan).")]
    elif DesaBinaan.objects.filter(village=village).exists():
        errors["village"] = [_("This village is already a Desa Binaan.")]
    if designating_office.kind != Agency.Kind.IMMIGRATION:
        errors["designating_office"] = [_("Desa Binaan are designated by immigration offices.")]
    if fields.get("designated_on") and fields["designated_on"] > timezone.localdate():
        errors["designated_on"] = [_("The designation date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    desa = DesaBinaan(village=village, designating_office=designating_office)
    apply_changes(desa, fields, VILLAGE_FIELDS)
    liaisons = list(liaison_officers or [])
    _check_liaisons(desa, liaisons)
    desa.full_clean()
    desa.save()
    desa.liaison_officers.set(liaisons)
    audit_record(
        action=AuditEntry.Action.VILLAGE_CREATED,
        actor=actor,
        request=request,
        target=desa,
        agency=designating_office,
        data={"village": village.code, "decree_number": desa.decree_number},
    )
    return desa


@transaction.atomic
def village_update(
    *,
    actor: User,
    desa: DesaBinaan,
    liaison_officers: list[User] | None = None,
    request: HttpRequest | None = None,
    **changes: Any,
) -> DesaBinaan:
    if not permissions.can_edit_village(actor, desa):
        raise PermissionDenied
    diff = apply_changes(desa, changes, VILLAGE_FIELDS)
    if desa.designated_on and desa.designated_on > timezone.localdate():
        raise ValidationError({"designated_on": _("The designation date cannot be in the future.")})
    if liaison_officers is not None:
        _check_liaisons(desa, liaison_officers)
        before = set(desa.liaison_officers.values_list("pk", flat=True))
        after = {u.pk for u in liaison_officers}
        if before != after:
            desa.liaison_officers.set(liaison_officers)
            diff["liaison_officers"] = [len(before), len(after)]
    desa.full_clean()
    if diff:
        desa.save()
        audit_record(
            action=AuditEntry.Action.VILLAGE_UPDATED,
            actor=actor,
            request=request,
            target=desa,
            agency=desa.designating_office,
            data={"changes": _without_personal(diff)},
        )
    return desa


def village_reveal(
    *, actor: User, desa: DesaBinaan, field: str, request: HttpRequest | None = None
) -> str:
    """The full value of a personal field, for someone who may see the village; audited."""
    if field not in PERSONAL_FIELDS:
        raise ValueError(field)
    if not selectors.visible_villages(actor).filter(pk=desa.pk).exists():
        raise PermissionDenied
    audit_record(
        action=AuditEntry.Action.PII_REVEALED,
        actor=actor,
        request=request,
        target=desa,
        agency=actor.agency,
        data={"field": field},
    )
    return getattr(desa, field)


@transaction.atomic
def village_partner_add(
    *,
    actor: User,
    desa: DesaBinaan,
    agency: Agency,
    agreement: Agreement | None = None,
    since: dt.date | None = None,
    request: HttpRequest | None = None,
) -> DesaBinaanPartner:
    if not permissions.can_edit_village(actor, desa):
        raise PermissionDenied
    errors = {}
    if agency.pk == desa.designating_office_id:
        errors["agency"] = [_("The designating office manages the village already.")]
    elif desa.partners.filter(agency=agency).exists():
        errors["agency"] = [_("This agency is already a partner of the village.")]
    if agreement is not None and not agreement.is_in_force_on(timezone.localdate()):
        errors["agreement"] = [_("This agreement is not in force.")]
    elif agreement is not None and not agreement_binds(
        agreement=agreement, first=desa.designating_office_id, second=agency.pk
    ):
        errors["agreement"] = [
            _("This agreement does not bind both the designating office and the partner.")
        ]
    if errors:
        raise ValidationError(errors)
    partner = DesaBinaanPartner.objects.create(
        desa=desa, agency=agency, agreement=agreement, since=since
    )
    audit_record(
        action=AuditEntry.Action.VILLAGE_PARTNER_ADDED,
        actor=actor,
        request=request,
        target=desa,
        agency=desa.designating_office,
        data={"partner": str(agency), "agreement": str(agreement) if agreement else ""},
    )
    return partner


@transaction.atomic
def village_partner_remove(
    *, actor: User, partner: DesaBinaanPartner, request: HttpRequest | None = None
) -> None:
    desa = partner.desa
    if not permissions.can_edit_village(actor, desa):
        raise PermissionDenied
    name = str(partner.agency)
    partner.delete()
    audit_record(
        action=AuditEntry.Action.VILLAGE_PARTNER_REMOVED,
        actor=actor,
        request=request,
        target=desa,
        agency=desa.designating_office,
        data={"partner": name},
    )


@transaction.atomic
def village_figures_save(
    *,
    actor: User,
    desa: DesaBinaan,
    year: int,
    procedural_abroad: int,
    nonprocedural_departures: int,
    returnees: int,
    source: str = "",
    request: HttpRequest | None = None,
) -> VillageFigure:
    """Create or correct one year's figures."""
    if not permissions.can_edit_village(actor, desa):
        raise PermissionDenied
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Enter a year between 2000 and this year.")})
    values = {
        "procedural_abroad": procedural_abroad,
        "nonprocedural_departures": nonprocedural_departures,
        "returnees": returnees,
    }
    if any(v is None or v < 0 for v in values.values()):
        raise ValidationError(_("Figures cannot be negative."))
    figure = VillageFigure.objects.select_for_update().filter(
        desa=desa, year=year
    ).first() or VillageFigure(desa=desa, year=year)
    created = figure.pk is None
    for name, value in {**values, "source": source, "updated_by": actor}.items():
        setattr(figure, name, value)
    # The model's own limits too (a figure beyond a PostgreSQL integer is a form error, not
    # a database error).
    figure.full_clean(validate_unique=False)
    figure.save()
    audit_record(
        action=AuditEntry.Action.VILLAGE_FIGURES_SAVED,
        actor=actor,
        request=request,
        target=desa,
        agency=desa.designating_office,
        data={"year": year, **values, "new": created},
    )
    return figure


# --- Activities ----------------------------------------------------------------------------


def _check_activity(
    actor: User, activity: Activity, co_organisers: list[Agency], villages: list[DesaBinaan]
) -> None:
    errors: dict[str, list[str]] = {}
    if activity.date and activity.date > timezone.localdate() + dt.timedelta(days=366):
        errors["date"] = [_("The date lies more than a year ahead.")]
    if activity.organiser_id in {a.pk for a in co_organisers}:
        errors["co_organisers"] = [_("The organiser cannot also be a co-organiser.")]
    scope: AgreementScope | None = activity.agreement_scope
    if scope is not None:
        agreement = scope.agreement
        if activity.date and not agreement.is_in_force_on(activity.date):
            errors["agreement_scope"] = [
                _("The agreement was not in force on the activity's date.")
            ]
        elif not scope_binds(agreement_scope=scope, agency_id=activity.organiser_id):
            errors["agreement_scope"] = [_("The organiser is not bound by this scope.")]
    visible = set(selectors.visible_villages(actor).values_list("pk", flat=True))
    if any(v.pk not in visible for v in villages):
        errors["villages"] = [_("Choose only villages you can see.")]
    if activity.area is not None and not (
        Region.Level.REGENCY <= activity.area.level <= Region.Level.DISTRICT
    ):
        errors["area"] = [_("Choose a regency, city or district as the area.")]
    if errors:
        raise ValidationError(errors)


def _save_activity(
    actor: User, activity: Activity, co_organisers: list[Agency], villages: list[DesaBinaan]
) -> None:
    """Validate and store an activity with its co-organisers and villages (create and edit)."""
    _check_activity(actor, activity, co_organisers, villages)
    activity.full_clean()
    activity.save()
    activity.co_organisers.set(co_organisers)
    activity.villages.set(villages)


@transaction.atomic
def activity_create(
    *,
    actor: User,
    organiser: Agency,
    co_organisers: list[Agency] | None = None,
    villages: list[DesaBinaan] | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Activity:
    if not access.is_system_admin(actor) and organiser.pk not in access.visible_agency_ids(actor):
        raise PermissionDenied(_("You can record activities of your own agency only."))
    activity = Activity(organiser=organiser, created_by=actor)
    apply_changes(activity, fields, ACTIVITY_FIELDS)
    _save_activity(actor, activity, list(co_organisers or []), list(villages or []))
    audit_record(
        action=AuditEntry.Action.ACTIVITY_CREATED,
        actor=actor,
        request=request,
        target=activity,
        agency=organiser,
        data={"kind": activity.kind, "date": activity.date.isoformat()},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    co_organisers: list[Agency],
    villages: list[DesaBinaan],
    request: HttpRequest | None = None,
    **changes: Any,
) -> Activity:
    if not permissions.can_edit_activity(actor, activity):
        raise PermissionDenied
    diff = apply_changes(activity, changes, ACTIVITY_FIELDS)
    _save_activity(actor, activity, co_organisers, villages)
    audit_record(
        action=AuditEntry.Action.ACTIVITY_UPDATED,
        actor=actor,
        request=request,
        target=activity,
        agency=activity.organiser,
        data={"changes": diff},
    )
    return activity


@transaction.atomic
def activity_file_upload(
    *,
    actor: User,
    activity: Activity,
    upload: UploadedFile,
    kind: str,
    title: str = "",
    request: HttpRequest | None = None,
) -> ActivityFile:
    """A photo (JPEG, PNG, WebP; 10 MB) or material (those or PDF; 20 MB), recognised by its
    content, never by its name."""
    if not permissions.can_edit_activity(actor, activity):
        raise PermissionDenied
    allowed, limit = (
        (PHOTO_TYPES, MAX_PHOTO_BYTES)
        if kind == ActivityFile.Kind.PHOTO
        else (MATERIAL_TYPES, MAX_MATERIAL_BYTES)
    )
    if kind not in ActivityFile.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of file.")})
    checked = check_upload(
        upload,
        allowed_types=allowed,
        max_bytes=limit,
        size_error=_("The file is empty or larger than %(mb)s MB.") % {"mb": limit // 2**20},
        type_error=_("Photos must be JPEG, PNG or WebP; materials may also be PDF."),
    )
    if activity.files.filter(sha256=checked.sha256).exists():
        raise ValidationError({"file": _("This file is already attached.")})
    item = ActivityFile(activity=activity, kind=kind, title=title.strip()[:200], uploaded_by=actor)
    store_upload(item, checked, duplicate_error=_("This file is already attached."))
    audit_record(
        action=AuditEntry.Action.FILE_UPLOADED,
        actor=actor,
        request=request,
        target=activity,
        agency=activity.organiser,
        data={"file": item.original_name, "sha256": item.sha256, "type": item.content_type},
    )
    return item


def activity_file_download_record(
    *, actor: User, item: ActivityFile, request: HttpRequest | None = None
) -> None:
    audit_record(
        action=AuditEntry.Action.FILE_DOWNLOADED,
        actor=actor,
        request=request,
        target=item.activity,
        agency=actor.agency,
        data={"file": item.original_name, "sha256": item.sha256},
    )
