"""`manage documents_to_database`: documents still in this machine's data folder moved into the database."""
from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from server.credentialing.models import LicenseDocument
from server.credentialing.storage import DatabaseStorage


class Command(BaseCommand):
    help = "Move the license documents kept in this machine's data folder into the database (DOCUMENT_STORAGE)."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = storages["default"]
        if not isinstance(storage, DatabaseStorage):
            raise CommandError("Documents are not stored in the database here (DOCUMENT_STORAGE=files).")
        moved = 0
        for name in LicenseDocument.objects.values_list("file", flat=True).iterator():
            if name and storage.in_folder(name):
                storage.move_in(name)
                moved += 1
        self.stdout.write(f"{moved} document(s) moved into the database")
