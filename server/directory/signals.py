"""Revision bumps for writes that do not pass through Provider.save().

Hospital links, hospital renames and erasures change what the change feed must deliver, so
each takes new revisions inside its own transaction.
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from server.directory.models import Hospital, Provider, ProviderTombstone, revisions_reserve


def providers_touch(provider_ids: list[Any]) -> None:
    """Give each provider a new revision (one each: the feed needs them unique)."""
    ids = sorted({str(pk) for pk in provider_ids})
    if not ids:
        return
    now = timezone.now()
    with transaction.atomic():
        last = revisions_reserve(len(ids))
        for offset, pk in enumerate(ids):
            Provider.objects.filter(pk=pk).update(revision=last - len(ids) + 1 + offset, updated_at=now)


@receiver(m2m_changed, sender=Provider.hospitals.through)
def _on_hospital_links_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any,
                               **kwargs: Any) -> None:
    if action == "pre_clear" and reverse:
        instance._cleared_provider_ids = list(instance.providers.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        providers_touch([instance.pk])
    elif action == "post_clear":
        providers_touch(getattr(instance, "_cleared_provider_ids", []))
    else:
        providers_touch(list(pk_set or []))


@receiver(pre_save, sender=Hospital)
def _on_hospital_pre_save(sender: Any, instance: Hospital, **kwargs: Any) -> None:
    old = Hospital.objects.filter(pk=instance.pk).values("name", "city").first()
    instance._renamed = bool(old) and (old["name"], old["city"]) != (instance.name, instance.city)


@receiver(post_save, sender=Hospital)
def _on_hospital_saved(sender: Any, instance: Hospital, created: bool, **kwargs: Any) -> None:
    if getattr(instance, "_renamed", False):
        providers_touch(list(instance.providers.values_list("pk", flat=True)))


@receiver(post_delete, sender=Provider)
def _on_provider_erased(sender: Any, instance: Provider, **kwargs: Any) -> None:
    with transaction.atomic():
        ProviderTombstone.objects.update_or_create(
            provider_id=instance.pk, defaults={"revision": revisions_reserve()}
        )


@receiver(pre_delete, sender=Hospital)
def _on_hospital_pre_delete(sender: Any, instance: Hospital, **kwargs: Any) -> None:
    instance._linked_provider_ids = list(instance.providers.values_list("pk", flat=True))


@receiver(post_delete, sender=Hospital)
def _on_hospital_deleted(sender: Any, instance: Hospital, **kwargs: Any) -> None:
    providers_touch(getattr(instance, "_linked_provider_ids", []))
