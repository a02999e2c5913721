"""Provider writes: registration, creation, updates and deactivation, each audited."""
from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from rest_framework.exceptions import ValidationError

from contract import validation as rules
from contract.choices import LicenseStatus, NotificationLevel, Role
from server.accounts.models import EndedBecause, User
from server.accounts.services import user_sessions_revoke
from server.common.conditional import if_match_check
from server.credentialing.models import AuditAction
from server.credentialing.services import audit_record, license_document_attach
from server.directory.models import Hospital, Notification, Provider
from server.directory.selectors import provider_detail

PROVIDER_FIELDS = (
    "professional_title", "first_name", "last_name", "email", "phone_number", "organization_facility",
    "professional_role", "specialization", "license_number", "npi", "additional_information",
    "years_of_experience", "consultation_fee", "bio", "hospital_clinic", "address",
)


def _unique_errors(*, email: str | None, license_number: str | None, npi: str | None = None,
                   exclude: Any = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    others = Provider.objects.exclude(pk=exclude) if exclude else Provider.objects.all()
    if npi and others.filter(npi=npi).exists():
        errors["npi"] = [rules.NPI_UNIQUE]
    if license_number is not None and others.annotate(key=Upper("license_number")).filter(
        key=license_number.strip().upper()
    ).exists():
        errors["license_number"] = [rules.LICENSE_UNIQUE]
    if email is not None:
        email = email.strip().lower()
        own_user = Provider.objects.filter(pk=exclude).values_list("user_id", flat=True).first() if exclude else None
        if others.filter(email=email).exists() or User.objects.filter(email=email).exclude(pk=own_user).exists():
            errors["email"] = [rules.EMAIL_UNIQUE]
    return errors


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _hospitals(ids: list[Any]) -> list[Hospital]:
    found = list(Hospital.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"hospitals": ["One or more hospitals do not exist."]})
    return found


def _username_for(email: str, wanted: str | None) -> str:
    if wanted and wanted.strip():
        username = wanted.strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": [rules.USERNAME_UNIQUE]})
        return username
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0])[:140] or "provider"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def _password_check(password: str, values: dict[str, Any]) -> None:
    probe = User(email=values["email"], first_name=values["first_name"], last_name=values["last_name"])
    try:
        validate_password(password, user=probe)
    except DjangoValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from None


def _save_new(provider: Provider) -> None:
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        # two writers raced past the checks above; the constraint decides
        _raise_if(_unique_errors(email=provider.email, license_number=provider.license_number, npi=provider.npi))
        raise


@transaction.atomic
def provider_register(*, values: dict[str, Any], password: str, username: str | None) -> tuple[User, Provider]:
    """A provider signs up: an account with the provider role, and its pending profile."""
    fields = {k: v for k, v in values.items() if k in PROVIDER_FIELDS}
    _raise_if(_unique_errors(email=fields["email"], license_number=fields["license_number"], npi=fields.get("npi")))
    _password_check(password, fields)
    user = User.objects.create_user(
        fields["email"], password, username=_username_for(fields["email"], username),
        first_name=fields["first_name"], last_name=fields["last_name"], role=Role.PROVIDER,
    )
    provider = Provider(user=user, license_status=LicenseStatus.PENDING, **fields)
    _save_new(provider)
    if values.get("hospitals"):
        provider.hospitals.set(_hospitals(values["hospitals"]))
        provider.save()
    audit_record(provider=provider, actor=user, action=AuditAction.REGISTERED)
    Notification.objects.create(
        provider=provider, level=NotificationLevel.INFO,
        message="Welcome to ProviderDesk. Upload your license document so that it can be verified.",
    )
    return user, provider


@transaction.atomic
def provider_create(*, actor: User, values: dict[str, Any]) -> Provider:
    """A facility administrator adds a provider (no account; its license is pending)."""
    fields = {k: v for k, v in values.items() if k in PROVIDER_FIELDS}
    _raise_if(_unique_errors(email=fields["email"], license_number=fields["license_number"], npi=fields.get("npi")))
    provider = Provider(license_status=LicenseStatus.PENDING, is_active=values.get("is_active", True), **fields)
    _save_new(provider)
    if values.get("hospitals"):
        provider.hospitals.set(_hospitals(values["hospitals"]))
        provider.save()
    audit_record(provider=provider, actor=actor, action=AuditAction.CREATED)
    return provider


def _apply(provider: Provider, values: dict[str, Any]) -> list[str]:
    changed = []
    for name in PROVIDER_FIELDS:
        if name in values and getattr(provider, name) != values[name]:
            setattr(provider, name, values[name])
            changed.append(name)
    return changed


def _sync_user(provider: Provider) -> None:
    user = provider.user
    if user is None:
        return
    user.email, user.first_name, user.last_name = provider.email, provider.first_name, provider.last_name
    user.is_active = provider.is_active
    user.save(update_fields=["email", "first_name", "last_name", "is_active"])
    if not provider.is_active:
        user_sessions_revoke(user=user, because=EndedBecause.DEACTIVATED)


def provider_lock(provider: Provider, if_match: str | None) -> Provider:
    """The provider's row, locked until the transaction ends, if `if_match` is still its version."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if_match_check(if_match, locked.revision, lambda: provider_detail(locked.pk))
    return locked


@transaction.atomic
def provider_update(
    *, actor: User, provider: Provider, values: dict[str, Any], document: UploadedFile | None = None,
    if_match: str | None = None,
) -> Provider:
    """Change a provider: a new license number or document sends the license back to pending."""
    provider = provider_lock(provider, if_match)
    _raise_if(_unique_errors(
        email=values.get("email") if values.get("email") != provider.email else None,
        license_number=values.get("license_number")
        if (values.get("license_number") or "").upper() != provider.license_number.upper() else None,
        npi=values.get("npi"), exclude=provider.pk,
    ))
    old_number = provider.license_number
    changed = _apply(provider, values)
    if "hospitals" in values:
        hospitals = _hospitals(values["hospitals"])
        if {h.pk for h in hospitals} != set(provider.hospitals.values_list("pk", flat=True)):
            provider.hospitals.set(hospitals)
            changed.append("hospitals")
    if "is_active" in values and values["is_active"] != provider.is_active:
        provider.is_active = values["is_active"]
        changed.append("is_active")
    if document is not None:
        license_document_attach(provider=provider, actor=actor, upload=document)
    if document is not None or provider.license_number.upper() != old_number.upper():
        _back_to_pending(provider)
    if changed or document is not None:
        provider.save()
        _sync_user(provider)
    if changed:
        action = AuditAction.UPDATED
        if changed == ["is_active"]:
            action = AuditAction.REACTIVATED if provider.is_active else AuditAction.DEACTIVATED
        audit_record(provider=provider, actor=actor, action=action, fields=changed,
                     detail="Changed: " + ", ".join(sorted(changed)))
    return provider


def _back_to_pending(provider: Provider) -> None:
    if provider.license_status != LicenseStatus.PENDING:
        provider.license_status = LicenseStatus.PENDING
        provider.license_note = ""


@transaction.atomic
def provider_deactivate(*, actor: User, provider: Provider, if_match: str | None = None) -> Provider:
    """Deactivate (never erase) a provider; its account, if any, can no longer sign in."""
    return provider_update(actor=actor, provider=provider, values={"is_active": False}, if_match=if_match)
