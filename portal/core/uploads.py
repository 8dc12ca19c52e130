"""The one check every uploaded file goes through: size, type recognised from the content
(libmagic, never the file name or the browser's word), and a SHA-256 for the chain of custody."""

import hashlib
from dataclasses import dataclass

import magic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404


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
    if not upload.size or upload.size > max_bytes:
        raise ValidationError({"file": size_error})
    content = upload.read()
    if not content or len(content) > max_bytes:
        raise ValidationError({"file": size_error})
    content_type = magic.from_buffer(content[:8192], mime=True)
    if content_type not in allowed_types:
        raise ValidationError({"file": type_error})
    return CheckedUpload(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        name=(upload.name or "file")[:255],
    )


def private_file_response(
    field_file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Serve a stored upload from MEDIA_ROOT (never public) to a caller whose access has
    been checked: as an attachment unless `inline`, with the type recorded at upload, and a
    404 when the file has gone missing from storage."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
