"""The name order, one rule for the server's lists and the desktop's cache.

People's names sort as a reader expects: by last name, then first name, ignoring case and accents
("Çelik" between "Carter" and "Chen", not after "Zhu"), with the provider's id breaking ties. The
key is plain text compared by code point (SQLite's BINARY, PostgreSQL's "C" collation), so the
server's ORDER BY and the cache's give the same order.
"""
from __future__ import annotations

import unicodedata

SEPARATOR = "\x1f"  # below every character a name may hold (control characters are refused in names)


def folded(text: str) -> str:
    """`text` as it sorts: compatibility forms unfolded, accents dropped, case folded ("Ǆurić" -> "dzuric")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_name(first: str, last: str) -> str:
    """The key of the name order, before the id: last name, then first name, folded."""
    return f"{folded(last)}{SEPARATOR}{folded(first)}"
