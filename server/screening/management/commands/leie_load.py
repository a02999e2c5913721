"""`python -m server manage leie_load UPDATED.csv [--published YYYY-MM-DD]`: load the OIG's LEIE file and screen."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.screening import selectors, services
from server.screening.leie import LeieFileError


class Command(BaseCommand):
    help = "Load the OIG's LEIE file (UPDATED.csv) in place of the current one, then screen every provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--published", type=date.fromisoformat, default=None,
                            help="its publication date (default: the newest date in the file)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            with path.open("rb") as stream:
                file = services.leie_load(stream=stream, name=path.name, loaded_by="command line",
                                          published=options["published"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except LeieFileError as error:
            raise CommandError(f"{path.name} was not loaded, nothing changed: {error}") from None
        counts = selectors.flag_counts()
        self.stdout.write(f"Loaded {file.name}: {file.rows} rows, published {file.published}, "
                          f"SHA-256 {file.sha256}. Flags: {counts['excluded']} excluded, "
                          f"{counts['possible_match']} possible matches.")
