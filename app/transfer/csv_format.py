"""What the CSV export and the roster import share: the cell format and the hooks of their long operations.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
single quote (OWASP's advice against CSV injection); reading a roster removes that quote again.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class Cancelled(Exception):
    """The user stopped the operation."""


class RowSource(Protocol):
    """What export and the import's preview need of the directory cache (its methods may also be coroutines)."""

    def count(self, query: Any) -> Any: ...
    def rows(self, query: Any, offset: int, limit: int) -> Any: ...


async def maybe_await(value: Any) -> Any:
    """`value`, awaited first if it is awaitable."""
    return await value if inspect.isawaitable(value) else value


def guard(text: str) -> str:
    """`text` made safe from being run as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def unguard(text: str) -> str:
    """`text` without the quote `guard` added."""
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA else text


def cell(value: Any) -> str:
    """A value as the text of a guarded cell: empty for None, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return guard(str(value))
