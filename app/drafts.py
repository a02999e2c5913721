"""Drafts of unfinished forms: a small JSON file per form in the data folder, never holding secrets.

A draft keeps what the user typed so that closing a form, or the application, loses nothing.
Passwords are never written. A missing, unreadable or foreign file reads as "no draft".
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.private_files import private_dir, private_opener

log = logging.getLogger(__name__)
SECRET_FIELDS = frozenset({"password", "password_confirm"})
VERSION = 1


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Draft:
    """What the user had typed (field name to text), when it was saved, and the step it was on (0: the first)."""

    values: dict[str, str]
    saved_at: datetime
    step: int = 0


def _keep(values: Mapping[str, Any]) -> dict[str, str]:
    """The values worth keeping: no secrets, no empty ones, everything as text."""
    kept: dict[str, str] = {}
    for name, value in values.items():
        if name in SECRET_FIELDS or value is None or isinstance(value, (dict, list)):
            continue
        text = str(value)
        if text.strip():
            kept[str(name)] = text
    return kept


def _parse(raw: bytes) -> Draft | None:
    try:
        data = json.loads(raw)
        saved_at = datetime.fromisoformat(data["saved_at"])
        values = data["values"]
    except (ValueError, KeyError, TypeError):
        return None
    if data.get("version") != VERSION or not isinstance(values, dict) or saved_at.tzinfo is None:
        return None
    kept = _keep({k: v for k, v in values.items() if isinstance(v, str)})
    step = data.get("step", 0)
    return Draft(kept, saved_at, step if isinstance(step, int) and step >= 0 else 0) if kept else None


class DraftStore:
    """One form's draft at `path`: load it, save over it, or clear it."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = path
        self._clock = clock

    @classmethod
    def for_registration(cls, data_dir: Path, *, on_behalf: bool = False) -> DraftStore:
        """The registration wizard's draft; an administrator's registrations for others have their own."""
        name = "registration-on-behalf.json" if on_behalf else "registration.json"
        return cls(data_dir / "drafts" / name)

    def load(self) -> Draft | None:
        """The saved draft, or None when there is none or it cannot be read."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("cannot read the draft %s: %s", self.path, error)
            return None
        draft = _parse(raw)
        if draft is None:
            log.warning("ignoring an unreadable draft %s", self.path)
        return draft

    def save(self, values: Mapping[str, Any], *, step: int = 0) -> Draft | None:
        """Keep `values` (without passwords or empty fields) and the `step` the form was on; with
        nothing left, clear the draft.

        The file is replaced whole (written beside it, then renamed), so a crash leaves the old
        draft or the new one, never half of one. Raises OSError when the folder cannot be written.
        """
        kept = _keep(values)
        if not kept:
            self.clear()
            return None
        draft = Draft(kept, self._clock(), step)
        body = json.dumps({"version": VERSION, "saved_at": draft.saved_at.isoformat(), "step": step,
                           "values": kept}, ensure_ascii=False, indent=1)
        # Only the user may read it (folder 0700, file 0600): a draft holds personal details.
        private_dir(self.path.parent)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8", opener=private_opener) as file:
            file.write(body)
        os.replace(temporary, self.path)
        return draft

    def clear(self) -> None:
        """Forget the draft (nothing happens when there is none)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
