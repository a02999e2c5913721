"""`python -m server manage screening_run`: a monitoring run (the whole directory against the loaded files)."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from server.screening.runs import monitoring_run


class Command(BaseCommand):
    help = "Screen every provider against the loaded reference files and store the run (for a monthly schedule)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = monitoring_run(by="command line")
        files = ", ".join(f"{f['name']} ({f['sha256'][:12]}…)" for f in run.files) or "no file loaded"
        self.stdout.write(f"Screened {run.providers} providers against {files}: {len(run.added)} new flags, "
                          f"{len(run.removed)} gone; now {run.counts['excluded']} excluded, "
                          f"{run.counts['possible_match']} possible matches.")
