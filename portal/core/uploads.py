"""The one check every uploaded file goes through: size, type recognised from the content
(libmagic, never the file name or the browser's word), and a SHA-256 for the chain of custody."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from portal.core.pdf_safety import UnreadablePdf, active_content
from portal.core.unstorable import unstorable

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    sha256: str
    name: str


def check_upload(
    upload: UploadedFile,
    *,
    allowed_types: set[str],
    max_bytes: int,
    size_error: str,
    type_error: str,
) -> CheckedUpload:
    """Read the upload and return it checked; ValidationError({"file": ...}) otherwise."""
    name = upload.name or "file"
    if unstorable(name):  # Django's parser drops these; a file may come another way
        raise ValidationError(
            {"file": _("The file name contains characters that cannot be stored.")}
        )
    if not upload.size or upload.size > max_bytes:
        raise ValidationError({"file": size_error})
    content = upload.read()
    if not content or len(content) > max_bytes:
        raise ValidationError({"file": size_error})
    content_type = magic.from_buffer(content[:8192], mime=True)
    if content_type not in allowed_types:
        raise ValidationError({"file": type_error})
    if content_type == "application/pdf":
        _refuse_active_pdf(content)
    return CheckedUpload(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        name=name[:255],
    )


def _refuse_active_pdf(content: bytes) -> None:
    """A PDF that could run or open something by itself is refused (portal/core/pdf_safety.py
    says what counts), and so is one that cannot be read to tell."""
    try:
        found = active_content(content)
    except UnreadablePdf:
        raise ValidationError(
            {"file": _("This PDF cannot be read (it may be damaged or password-protected).")}
        ) from None
    if found:
        raise ValidationError(
            {
                "file": _(
                    "This PDF contains active content (%(found)s), which is not accepted. Save "
                    "or print it again as a plain PDF and upload that."
                )
                % {"found": ", ".join(found)}
            }
        )


def guarded_file_response(
    request: HttpRequest,
    field_file: FieldFile,
    *,
    filename: str,
    content_type: str,
    audit: Callable[..., object] | None,
    inline: bool = False,
) -> FileResponse:
    """Serve a stored upload from MEDIA_ROOT (never public) to a caller whose access the view
    has checked: as an attachment unless `inline`, with the type recorded at upload, never
    cached. `audit(actor=, request=)` records the download once the file has opened (None: not
    audited); a file gone missing from storage is a 404 and no download."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    add_never_cache_headers(response)
    if audit is not None:
        audit(actor=request.user, request=request)
    return response


class StoredUpload(models.Model):
    """What every stored upload keeps beside its file: the name it came with, the type found
    in its content, its size and SHA-256 (chain of custody), who uploaded it and when. The
    concrete model adds its owner, `file`, and a unique (owner, sha256) constraint."""

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Declared by each concrete model, with its own upload_to.
    file: ClassVar[models.FileField]

    class Meta:
        abstract = True

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def extension(self) -> str:
        """The file name extension of the stored copy, from the checked type (never the
        uploaded name)."""
        return EXTENSIONS.get(self.content_type, "bin")


def store_upload(item: StoredUpload, checked: CheckedUpload, *, duplicate_error: str) -> None:
    """Fill `item` from a checked upload and save it with its file. The same file sent twice at
    once loses the race on the unique (owner, sha256) constraint: ValidationError, no file
    left behind."""
    item.original_name = checked.name
    item.content_type = checked.content_type
    item.size = len(checked.content)
    item.sha256 = checked.sha256
    try:
        with transaction.atomic():
            item.file.save("upload", ContentFile(checked.content), save=True)
    except IntegrityError:
        item.file.delete(save=False)
        raise ValidationError({"file": duplicate_error}) from None
