"""Evidence of a report: photos and PDFs, checked by content (as referral attachments are);
removable only from a draft."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.core.uploads import CheckedUpload, check_upload, store_upload
from referrals import permissions
from referrals.models import Evidence, Report

if TYPE_CHECKING:
    from portal.accounts.models import User


EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def checked_case_file(
    upload: UploadedFile, *, attached: QuerySet[Any], type_error: str
) -> CheckedUpload:
    """A photo or PDF of a case (evidence, referral attachment), checked by content, and not
    already among `attached`."""
    checked = check_upload(
        upload,
        allowed_types=EVIDENCE_TYPES,
        max_bytes=MAX_EVIDENCE_BYTES,
        size_error=_("The file is empty or larger than %(mb)s MB.")
        % {"mb": MAX_EVIDENCE_BYTES // 2**20},
        type_error=type_error,
    )
    if attached.filter(sha256=checked.sha256).exists():
        raise ValidationError({"file": _("This file is already attached.")})
    return checked


@transaction.atomic
def evidence_upload(
    *,
    actor: User,
    report: Report,
    upload: UploadedFile,
    kind: str,
    description: str = "",
    request: HttpRequest | None = None,
) -> Evidence:
    """A photo (JPEG, PNG, WebP) or a PDF of at most 20 MB, recognised by its content."""
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied(_("You cannot add evidence to this report."))
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    checked = checked_case_file(
        upload,
        attached=report.evidence.all(),
        type_error=_("Evidence must be a photo (JPEG, PNG, WebP) or a PDF."),
    )
    item = Evidence(
        report=report, kind=kind, description=description.strip()[:300], uploaded_by=actor
    )
    store_upload(item, checked, duplicate_error=_("This file is already attached."))
    audit_record(
        action=AuditEntry.Action.FILE_UPLOADED,
        actor=actor,
        request=request,
        target=report,
        data={"file": item.original_name, "sha256": item.sha256, "type": item.content_type},
    )
    return item


@transaction.atomic
def evidence_remove(*, actor: User, item: Evidence, request: HttpRequest | None = None) -> None:
    """Evidence can be removed from a draft; once submitted it stays (chain of custody)."""
    report = item.report
    if not permissions.can_remove_evidence(actor, report):
        raise PermissionDenied(_("Evidence of a submitted report cannot be removed."))
    name, digest, stored = item.original_name, item.sha256, item.file
    item.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit_record(
        action=AuditEntry.Action.FILE_REMOVED,
        actor=actor,
        request=request,
        target=report,
        data={"file": name, "sha256": digest},
    )


def evidence_download_record(
    *, actor: User, item: Evidence, request: HttpRequest | None = None
) -> None:
    audit_record(
        action=AuditEntry.Action.FILE_DOWNLOADED,
        actor=actor,
        request=request,
        target=item.report,
        agency=actor.agency,
        data={"file": item.original_name, "sha256": item.sha256},
    )
