"""The roster import's last step: create the rows without problems, and report what became of every row.

Creation never sends a POST twice after an unclear answer (the provider may exist), retries only
what the server refused before writing (rate limits), and stops sending after a lost connection or
a refused session. The report can be saved as CSV in the export's format.
"""
from __future__ import annotations

import asyncio
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.api import errors
from app.api.client import ApiClient
from app.transfer.csv_format import Cancel, Progress, cell
from app.transfer.roster_preview import RowPreview, describe

OUTCOMES = {"created": "Created", "refused": "Refused by the server", "skipped": "Not sent: problems in the file",
            "failed": "Failed", "unknown": "Unknown: the server did not answer", "not_sent": "Not sent"}
REPORT_COLUMNS = ("row", "first_name", "last_name", "license_number", "email", "outcome", "provider_id", "messages")


@dataclass(frozen=True)
class RowResult:
    preview: RowPreview
    outcome: str  # a key of OUTCOMES
    messages: tuple[str, ...] = ()
    provider_id: str | None = None

    @property
    def created(self) -> bool:
        return self.outcome == "created"


@dataclass(frozen=True)
class ImportReport:
    results: tuple[RowResult, ...] = field(default_factory=tuple)

    @property
    def created(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.results if r.created)

    @property
    def not_created(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.results if not r.created)

    def write_csv(self, path: str | Path) -> None:
        """Save the report (blocking: call it through `asyncio.to_thread`)."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for r in self.results:
                values = r.preview.row.values
                writer.writerow(cell(v) for v in (
                    r.preview.number, values.get("first_name", ""), values.get("last_name", ""), r.preview.license,
                    r.preview.email, OUTCOMES[r.outcome], r.provider_id, "; ".join(r.messages)))


async def _create_one(client: ApiClient, row: RowPreview, stop: list[str]) -> RowResult:
    for attempt in range(4):
        try:
            created = await client.create_provider(row.fields)
        except errors.RateLimitedError as error:  # refused before anything was written: safe to send again
            if attempt == 3:
                return RowResult(row, "failed", (error.message,))
            await asyncio.sleep(error.retry_after)
            continue
        except errors.ValidationError as error:
            texts = [describe(name, m) for name, ms in error.field_errors.items() for m in ms]
            return RowResult(row, "refused", tuple(texts + error.non_field_errors) or (error.message,))
        except errors.OfflineError:
            stop.append("Not sent: the server stopped answering")
            return RowResult(row, "unknown", ("The server did not answer: this provider may or may not have been "
                                              "created. Look it up in the directory before importing it again.",))
        except (errors.AuthenticationError, errors.PermissionDeniedError) as error:
            stop.append(f"Not sent: {error.message}")
            return RowResult(row, "failed", (error.message,))
        except errors.ApiError as error:
            return RowResult(row, "failed", (error.message,))
        return RowResult(row, "created", provider_id=created.value.id)
    raise AssertionError("unreachable")


async def create_rows(
    client: ApiClient, rows: Sequence[RowPreview], *, progress: Progress | None = None,
    cancel: Cancel | None = None, concurrency: int = 3,
) -> ImportReport:
    """Create the rows without errors (POSTs are never repeated after an unclear answer); a result per row.

    Rows with errors are reported as not sent; after a lost connection or a refused session the
    rest are not sent either. `cancel()` stops before the next row; what was created stays.
    """
    results = {r.number: RowResult(r, "skipped", tuple(p.text for p in r.errors)) for r in rows if not r.ok}
    good = [r for r in rows if r.ok]
    pending = iter(good)
    stop: list[str] = []

    async def work() -> None:
        for row in pending:
            if stop or (cancel is not None and cancel()):
                results[row.number] = RowResult(row, "not_sent", (stop[0] if stop else "Not sent: import stopped",))
                continue
            results[row.number] = await _create_one(client, row, stop)
            if progress is not None:
                progress(sum(r.outcome != "skipped" for r in results.values()), len(good))

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, len(good)))):
            group.create_task(work())
    return ImportReport(tuple(results[r.number] for r in rows))
