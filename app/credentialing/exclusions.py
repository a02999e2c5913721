"""Loading the OIG's exclusion list (LEIE, `UPDATED.csv`) from this computer into the server, and its words."""
from __future__ import annotations

import asyncio
from pathlib import Path

from app.api.client import ApiClient
from app.api.models import LeieLoadResult
from app.api.multipart import Upload

MAX_BYTES = 64 * 1024 * 1024  # the server's limit (its LEIE_UPLOAD_MAX_BYTES); UPDATED.csv is about 15 MB


class ExclusionFileError(Exception):
    """A file this computer will not send; the message says why."""


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ExclusionFileError(f"{path.name} is {size / 1024 / 1024:.0f} MB: the LEIE's UPDATED.csv is about "
                                 "15 MB, and the server takes at most 64 MB. Is it the right file?")
    return path.read_bytes()


async def load_exclusion_list(client: ApiClient, path: str | Path) -> LeieLoadResult:
    """Send the file at `path` as the current LEIE (read in a worker thread); the server's refusal, with
    words that name the problem, comes as a ValidationError."""
    file = Path(path)
    content = await asyncio.to_thread(_read, file)
    return await client.load_leie(Upload("file", file.name, content, "text/csv"))


def loaded_words(result: LeieLoadResult) -> str:
    """What the user is told once the file is loaded and every provider screened."""
    excluded, possible = result.flags.get("excluded", 0), result.flags.get("possible_match", 0)
    return (f"Loaded {result.file.name}: {result.file.rows:,} rows, published {result.file.published}. "
            f"Every provider was screened: {excluded:,} Excluded, {possible:,} Possible "
            f"match{'es' * (possible != 1)}.")
