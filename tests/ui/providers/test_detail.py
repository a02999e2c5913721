"""The audit trail's lines: fields named as the form names them (issue 22, item 13: `first_name`, `is_active`)."""
from __future__ import annotations

from datetime import UTC, datetime

from app.api.models import AuditEvent
from ui.providers.detail import audit_text


def test_the_trail_names_fields_in_words() -> None:
    at = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    events = [AuditEvent(at=at, actor="admin@demo.local", action="updated", fields=("first_name", "is_active")),
              AuditEvent(at=at, actor="admin@demo.local", action="updated", fields=("professional_title",))]
    lines = audit_text(events).splitlines()
    assert lines[0].endswith("admin@demo.local: updated (First Name, Active)"), lines[0]
    assert lines[1].endswith("(Professional Title)"), lines[1]
    assert "_" not in audit_text(events)
