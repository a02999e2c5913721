"""Erasing the database's data, for `seed-demo --reset`."""
from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection

from server.accounts.models import User
from server.directory.models import Hospital, Provider, RevisionCounter


def database_is_empty() -> bool:
    return not (User.objects.exists() or Provider.objects.exists() or Hospital.objects.exists())


# Kept by a reset: Django's own catalogue, and the revision counter, so that revisions never go
# back and a client's old change-feed cursor cannot hide the new providers.
KEPT_TABLES = {"django_content_type", "auth_permission", RevisionCounter._meta.db_table}


def database_reset() -> None:
    """Erase all data (accounts, sessions, providers, tombstones, audit trail, documents)."""
    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in KEPT_TABLES]
    # One TRUNCATE / DELETE per table: deleting providers one by one would write a tombstone each.
    # Without foreign key checks SQLite empties a table at once instead of row by row (6 s for 100,000).
    with connection.constraint_checks_disabled():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "license_documents", ignore_errors=True)
