"""Audit records, license documents and license decisions."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from contract import validation as rules
from contract.choices import LicenseStatus, NotificationLevel
from server.accounts.models import User
from server.common.conditional import if_match_check
from server.common.exceptions import PayloadTooLarge, Throttled429
from server.credentialing.clocks import screening_problem
from server.credentialing.models import AuditAction, AuditEvent, LicenseDocument
from server.directory.models import Notification, Provider
from server.directory.selectors import provider_detail
from server.screening.selectors import excluded

DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
DOCUMENT_TYPE_INVALID = "The license document must be a PDF, PNG or JPEG file."
DOCUMENT_TOO_LARGE = "The license document is larger than 10 MB (10,485,760 bytes), the most it may be."
UPLOADS_THROTTLED = "Too many license documents uploaded in the past hour. Try again later."
UPLOAD_WINDOW = timedelta(hours=1)
NOTE_REQUIRED = "A note is required when rejecting a license; the provider will see it."
EXPIRY_REQUIRED = "An expiry date is required to verify a license."
EXPIRY_PAST = "The expiry date must be in the future."

logger = logging.getLogger("server.credentialing")


def audit_record(
    *, provider: Provider, actor: User | None, action: str, fields: Iterable[str] = (), detail: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        provider=provider,
        actor=actor,
        actor_email=actor.email if actor is not None else "system",
        action=action,
        fields=sorted(fields),
        detail=detail,
    )


def document_content_type(head: bytes) -> str | None:
    """The type a document's first bytes show, whatever its name says."""
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def license_document_check(upload: UploadedFile) -> str:
    """The upload's real content type, or a field error."""
    upload.seek(0)
    content_type = document_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError({"license_document": [DOCUMENT_TYPE_INVALID]})
    return content_type


@transaction.atomic
def license_document_attach(*, provider: Provider, actor: User, upload: UploadedFile) -> LicenseDocument:
    """Store a new document; the license goes back to pending verification.

    The file is at most LICENSE_DOCUMENT_MAX_BYTES (413 beyond), a provider gets at most
    LICENSE_DOCUMENT_UPLOADS_PER_HOUR uploads an hour (429), and keeps its current document plus
    LICENSE_DOCUMENTS_KEPT earlier ones: older ones are erased, rows and files, and the upload's
    audit event names their checksums.
    """
    size = upload.size or 0
    if size > settings.LICENSE_DOCUMENT_MAX_BYTES:
        raise PayloadTooLarge(DOCUMENT_TOO_LARGE)
    content_type = license_document_check(upload)
    _upload_rate_check(provider, timezone.now())
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = LicenseDocument(
        provider=provider,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    document.file.save("document", upload, save=False)
    document.save()
    erased = _earlier_documents_erase(provider)
    detail = f"{content_type}, {document.size} bytes, sha256 {document.sha256}"
    if erased:
        detail += "; erased " + ", ".join(
            f"the document of {d.uploaded_at:%Y-%m-%d %H:%M} UTC (sha256 {d.sha256})" for d in erased)
    audit_record(provider=provider, actor=actor, action=AuditAction.DOCUMENT_UPLOADED, detail=detail)
    return document


def _upload_rate_check(provider: Provider, now: datetime) -> None:
    """429 when the provider had LICENSE_DOCUMENT_UPLOADS_PER_HOUR uploads in the past hour.

    Counted from the audit trail, which outlives erased documents and is shared by every process.
    """
    since = now - UPLOAD_WINDOW
    recent = list(AuditEvent.objects.filter(provider=provider, action=AuditAction.DOCUMENT_UPLOADED, at__gt=since)
                  .order_by("-at").values_list("at", flat=True)[:settings.LICENSE_DOCUMENT_UPLOADS_PER_HOUR])
    if len(recent) >= settings.LICENSE_DOCUMENT_UPLOADS_PER_HOUR:
        wait = (recent[-1] + UPLOAD_WINDOW - now).total_seconds()
        raise Throttled429(wait=max(1.0, wait), detail=UPLOADS_THROTTLED)


def _earlier_documents_erase(provider: Provider) -> list[LicenseDocument]:
    """Erase the provider's documents beyond the current one and LICENSE_DOCUMENTS_KEPT earlier ones.

    The rows go now; the files once the transaction commits (a rollback keeps both).
    """
    kept = settings.LICENSE_DOCUMENTS_KEPT + 1
    erased = list(LicenseDocument.objects.filter(provider=provider).order_by("-uploaded_at", "-id")[kept:])
    if not erased:
        return []
    LicenseDocument.objects.filter(pk__in=[d.pk for d in erased]).delete()
    names = [d.file.name for d in erased if d.file.name]
    storage = erased[0].file.storage
    transaction.on_commit(lambda: _files_delete(storage, names))
    return erased


def _files_delete(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the erased license document %s", name)


def _decision_errors(decision: str, note: str, expiry: date | None, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if decision == LicenseStatus.REJECTED and not note.strip():
        errors["note"] = [NOTE_REQUIRED]
    if decision == LicenseStatus.VERIFIED:
        if expiry is None:
            errors["license_expiry_date"] = [EXPIRY_REQUIRED]
        elif expiry <= today:
            errors["license_expiry_date"] = [EXPIRY_PAST]
    return errors


@transaction.atomic
def license_decide(
    *, provider: Provider, actor: User, decision: str, note: str, expiry: date | None, today: date,
    if_match: str | None = None,
) -> Provider:
    """Verify (with a future expiry date) or reject (with a note the provider sees) a license.

    The decision applies to the record as it is now (locked), and only if `if_match` still names it.
    """
    errors = _decision_errors(decision, note, expiry, today)
    if errors:
        raise ValidationError(errors)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if_match_check(if_match, provider.revision, lambda: provider_detail(provider.pk))
    if decision == LicenseStatus.VERIFIED and excluded(provider):
        raise ValidationError({"decision": [rules.VERIFY_EXCLUDED]})
    stale = screening_problem(provider, today) if decision == LicenseStatus.VERIFIED else None
    if stale is not None:
        raise ValidationError({"decision": [stale]})
    provider.license_status = decision
    provider.license_note = note.strip() if decision == LicenseStatus.REJECTED else ""
    if decision == LicenseStatus.VERIFIED:
        provider.license_expiry_date = expiry
    provider.save()
    audit_record(provider=provider, actor=actor, action=decision,
                 fields=["license_status"], detail=note.strip() or f"expires {expiry}")
    _notify_decision(provider, decision, note, expiry)
    return provider


def _notify_decision(provider: Provider, decision: str, note: str, expiry: date | None) -> None:
    if decision == LicenseStatus.VERIFIED:
        level, message = NotificationLevel.SUCCESS, f"Your license was verified. It expires on {expiry}."
    else:
        level, message = NotificationLevel.ERROR, f"Your license was rejected: {note.strip()}"
    Notification.objects.create(provider=provider, level=level, message=message[:500])


def changed_fields(provider: Provider, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(provider, name) != value]
