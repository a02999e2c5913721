"""Rowids in name order: where a written row goes among the others, so the search index yields names sorted.

A row's rowid (`rid`) follows the name order (schema.name_key): a new row takes a rowid between its
neighbours by name; when some gap is too narrow every rowid is spread evenly again (rare). The
search index and the hospital links follow rowids; the caller rebuilds the search index after a
renumbering (writer.py). All of it runs inside the caller's transaction.
"""
from __future__ import annotations

import itertools

from sqlcipher3.dbapi2 import Connection

RID_SPACE = 1 << 62  # rowids live in [1, RID_SPACE]
END_GAP = 1 << 32  # room left after the last (or before the first) name for later ones
# a first fill's rowids: close together, so that the search index stores short rowid deltas (2^62 / n
# apart made it 60% larger at 100,000 rows), with room for 20 halvings between two neighbours
FILL_STEP = 1 << 20


def fill_step(count: int) -> int:
    """The distance between the rowids of `count` rows spread over the whole space."""
    return min(RID_SPACE // (count + 1), FILL_STEP)


def place(conn: Connection, keys: list[str]) -> dict[str, int] | None:
    """Rowids for new names (`keys`, sorted) between their neighbours'; None when some gap is too narrow."""
    if not keys:
        return {}
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS pending(k TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.pending")
    conn.executemany("INSERT INTO temp.pending VALUES (?)", [(k,) for k in keys])
    neighbours = conn.execute(
        "SELECT k, (SELECT rid FROM providers WHERE name_key < k ORDER BY name_key DESC LIMIT 1), "
        "(SELECT rid FROM providers WHERE name_key > k ORDER BY name_key LIMIT 1) FROM temp.pending ORDER BY k"
    ).fetchall()
    return _spread(neighbours)


def move_into_order(conn: Connection, moved: list[tuple[int, str]]) -> None:
    """Give the rows `moved` (rowid, name key), which came out of name order, rowids between their
    neighbours by name among the others (the name index built, the search index not yet)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS moved(rid INTEGER PRIMARY KEY, k TEXT NOT NULL)")
    conn.execute("DELETE FROM temp.moved")
    conn.executemany("INSERT INTO temp.moved VALUES (?, ?)", moved)
    neighbours = conn.execute(
        "SELECT m.k, (SELECT rid FROM providers WHERE name_key < m.k AND rid NOT IN (SELECT rid FROM temp.moved) "
        "ORDER BY name_key DESC LIMIT 1), (SELECT rid FROM providers WHERE name_key > m.k AND rid NOT IN "
        "(SELECT rid FROM temp.moved) ORDER BY name_key LIMIT 1) FROM temp.moved m ORDER BY m.k").fetchall()
    placed = _spread(neighbours)
    if placed is None:
        renumber(conn)
        return
    for table in ("providers", "provider_hospitals"):  # by way of negative rowids: no collision
        conn.executemany(f"UPDATE {table} SET rid = ? WHERE rid = ?", [(-rid, rid) for rid, _ in moved])
        conn.executemany(f"UPDATE {table} SET rid = ? WHERE rid = ?", [(placed[k], -rid) for rid, k in moved])


def renumber(conn: Connection) -> None:
    """Spread all rowids evenly again, in name order (the search index is then rebuilt by the caller)."""
    rids = [row[0] for row in conn.execute("SELECT rid FROM providers ORDER BY name_key")]
    step = fill_step(len(rids))
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS renumber(old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    conn.execute("DELETE FROM temp.renumber")
    conn.executemany("INSERT INTO temp.renumber VALUES (?, ?)", [(rid, -(i + 1) * step) for i, rid in enumerate(rids)])
    conn.execute("UPDATE providers SET rid = (SELECT new FROM temp.renumber WHERE old = providers.rid)")
    conn.execute("UPDATE providers SET rid = -rid")
    conn.execute("UPDATE provider_hospitals SET rid = (SELECT new FROM temp.renumber WHERE old = rid)")
    conn.execute("UPDATE provider_hospitals SET rid = -rid")


def _spread(neighbours: list[tuple[str, int | None, int | None]]) -> dict[str, int] | None:
    """Rowids for names (name key, rowid of the name before, of the name after, in name order), spread
    evenly between their neighbours; None when some gap is too narrow."""
    placed: dict[str, int] = {}
    for (before, after), group in itertools.groupby(neighbours, key=lambda row: (row[1], row[2])):
        names = [row[0] for row in group]
        slots = len(names) + 1
        if before is None and after is None:
            low, step = 0, RID_SPACE // slots
        elif after is None:
            low, step = before, min(END_GAP, (RID_SPACE - before) // slots)
        elif before is None:
            step = min(END_GAP, after // slots)
            low = after - step * slots
        else:
            low, step = before, (after - before) // slots
        if step < 1:
            return None
        placed.update((name, low + step * (i + 1)) for i, name in enumerate(names))
    return placed
