"""License documents and the audit trail of everything done to a provider."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def document_path(instance: LicenseDocument, filename: str) -> str:
    # never the uploaded name: it is the user's text, and two uploads may share it
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[instance.content_type]
    return f"license_documents/{instance.provider_id}/{instance.id}.{extension}"


class LicenseDocument(models.Model):
    """One uploaded license document; a provider's newest one is its current document."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="license_documents")
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["provider", "uploaded_at"])]


class AuditAction(models.TextChoices):
    REGISTERED = "registered"
    CREATED = "created"
    UPDATED = "updated"
    DOCUMENT_UPLOADED = "document_uploaded"
    VERIFIED = "verified"
    REJECTED = "rejected"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"


class AuditEvent(models.Model):
    """Who did what to which provider, when, and which fields it touched."""

    id = models.BigAutoField(primary_key=True)
    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    fields = models.JSONField(default=list, blank=True)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["provider", "at"]),
            models.Index(fields=["action", "at"]),
            # the audit export and the dashboard's recent activities read in (at, id) order
            models.Index(fields=["at", "id"], name="audit_at_id_idx"),
        ]


class DocumentBlob(models.Model):
    """A stored file's bytes, in the database: where every server process on every machine finds them.

    Used by the database storage (storage.py) when documents are kept in PostgreSQL; a document's
    `file` names its blob.
    """

    name = models.CharField(primary_key=True, max_length=300)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
