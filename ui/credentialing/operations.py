"""The credentialing page's operations on the server, one function each, in the way of Anki's aqt/operations.

Each takes keyword-only exactly what it works on, runs through the task runner and touches no
widget: `on_done` (its success callback) and `on_error` are the only places the caller's UI changes.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.api.client import ApiClient
from app.api.errors import ConflictError
from app.api.models import Decision, Provider, Versioned
from app.credentialing import audit_csv
from ui.common.tasks import TaskRunner

OnError = Callable[[Exception], bool]
Decided = Versioned[Provider]


def decide_license(*, client: ApiClient, runner: TaskRunner, reviewed: Provider, decision: Decision, note: str,
                   expiry: date | None, known: Versioned[Provider] | None,
                   on_done: Callable[[Decided], None], on_error: OnError) -> asyncio.Task[Decided]:
    """Send `decision` on the license of `reviewed` (the record the officer saw) with the ETag of
    `known`, the server's copy (fetched first when it is not the reviewed provider's). A record that
    changed since it was reviewed raises ConflictError into `on_error`, with the current one."""
    return runner.start(_decision(client, reviewed, decision, note, expiry, known), on_done=on_done,
                        on_error=on_error)


async def _decision(client: ApiClient, reviewed: Provider, decision: Decision, note: str, expiry: date | None,
                    known: Versioned[Provider] | None) -> Versioned[Provider]:
    version = known
    if version is None or version.value.id != reviewed.id:  # the server's copy had not arrived
        version = await client.provider(reviewed.id)
    if version.value.updated_at != reviewed.updated_at:
        # the officer confirmed what the pane showed before the server's newer copy: not that one
        raise ConflictError(current=version.value, etag=version.etag)
    return await client.decide_license(reviewed.id, decision, note=note, expiry=expiry, etag=version.etag)


def export_trail(*, client: ApiClient, runner: TaskRunner, provider: Provider, path: str | Path,
                 on_done: Callable[[int], None], on_error: OnError) -> asyncio.Task[int]:
    """Write `provider`'s whole audit trail (fetched again, complete) to `path`; `on_done(events written)`."""
    async def work() -> int:
        events = await client.audit_trail(provider.id)
        return await asyncio.to_thread(audit_csv.write_trail, path, provider, events)

    return runner.start(work(), on_done=on_done, on_error=on_error)


def export_decisions(*, client: ApiClient, runner: TaskRunner, path: str | Path, since: date, until: date,
                     action: str | None, on_done: Callable[[int], None], on_error: OnError) -> asyncio.Task[int]:
    """Write every decision (or every `action` event) from `since` to `until` to `path`; `on_done(records written)`."""
    async def work() -> int:
        records = await client.all_audit_events(since=since, until=until, action=action)
        return await asyncio.to_thread(audit_csv.write_records, path, records)

    return runner.start(work(), on_done=on_done, on_error=on_error)
