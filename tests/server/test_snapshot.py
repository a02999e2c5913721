"""The directory snapshot: its format, its order, gzip, and a cursor from which the feed loses nothing.

The audiences' rows and fields are in test_visibility.py (the snapshot against a first walk of the
feed, for every audience); the statuses per role in test_roles.py.
"""
from __future__ import annotations

import gzip
import json
from typing import Any

import httpx

from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer, SignIns
from tests.server.test_change_feed import walk, writes_beside


def snapshot(client: httpx.Client, **headers: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    answer = client.get("/providers/snapshot/", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/x-ndjson"
    header, *rows, trailer = [json.loads(line) for line in answer.content.splitlines()]
    assert trailer == {"end": True, "count": len(rows)}
    assert header["count"] == len(rows)
    return header, [dict(zip(header["fields"], row, strict=True)) for row in rows]


def test_snapshot_format_and_order(admin: httpx.Client) -> None:
    header, rows = snapshot(admin)
    assert header["format"] == 1
    assert header["fields"][0] == "id"
    assert len(header["fields"]) == len(set(header["fields"]))
    listed: list[str] = []
    for page in range(1, 100):
        body = admin.get("/providers/", params={"page": page, "page_size": 500, "is_active": "true"}).json()
        listed += [row["id"] for row in body["results"]]
        if body["next"] is None:
            break
    active = [row["id"] for row in rows if row["is_active"]]
    assert active == listed, "rows come in the directory's order: last name, first name, id"
    everything, _, cursor = walk(admin, None, 5000)
    assert {row["id"] for row in rows} == {row["id"] for row in everything}
    assert header["cursor"] == cursor, "nothing changed since: the snapshot's cursor is the feed's"


def test_snapshot_is_gzipped_when_asked(live_server: LiveServer, tokens: SignIns) -> None:
    url = f"{live_server.api}/providers/snapshot/"
    auth = {"Authorization": f"Bearer {tokens['facility_admin']}"}
    plain = httpx.get(url, headers={**auth, "Accept-Encoding": "identity"})
    packed = httpx.get(url, headers={**auth, "Accept-Encoding": "gzip, deflate"})
    refused = httpx.get(url, headers={**auth, "Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in refused.headers
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.num_bytes_downloaded < plain.num_bytes_downloaded / 2
    # the header line names the revision, so the two bodies are equal while nothing is written
    assert packed.content == plain.content == refused.content  # httpx decoded the gzip
    with httpx.stream("GET", url, headers={**auth, "Accept-Encoding": "gzip"}) as raw:
        body = b"".join(raw.iter_raw())
    assert gzip.decompress(body) == plain.content


def test_writes_made_during_a_snapshot_reach_the_feed_after_its_cursor(admin: httpx.Client) -> None:
    """A write committed after the header was read (the snapshot's transaction open): in the feed, once."""
    target = create_provider(admin, bio="before")["id"]
    with admin.stream("GET", "/providers/snapshot/", headers={"Accept-Encoding": "identity"}) as answer:
        lines = answer.iter_lines()
        header = json.loads(next(lines))
        admin.patch(f"/providers/{target}/", json={"bio": "after"}).raise_for_status()
        created = create_provider(admin, bio="born during the snapshot")["id"]
        *values, trailer = [json.loads(line) for line in lines if line]
    assert trailer == {"end": True, "count": len(values)}
    rows = [dict(zip(header["fields"], row, strict=True)) for row in values]
    by_id = {row["id"]: row for row in rows}
    assert by_id[target]["bio"] == "before", "every row is from the revision of the cursor"
    assert created not in by_id
    later, deleted, _ = walk(admin, header["cursor"], 3)
    assert [(row["id"], row["bio"]) for row in later] == [(target, "after"), (created, "born during the snapshot")]
    assert deleted == []


def test_snapshot_and_feed_exact_under_concurrent_writes(live_server: LiveServer, tokens: SignIns) -> None:
    """Four writers create and edit providers while a reader takes snapshots, each continued by the feed.

    Each write stores a unique marker in `bio`. For every snapshot: a marker both in the snapshot and
    in the feed after its cursor is a repeat; a provider whose final marker neither holds is a loss.
    """
    with tokens.client("facility_admin") as admin:
        pool = [create_provider(admin)["id"] for _ in range(8)]
    taken: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    errors = writes_beside(tokens, pool,
                           lambda client: taken.append(snapshot(client, **{"Accept-Encoding": "identity"})))
    assert not errors, errors[:3]
    assert len(taken) >= 3, "the reader took its snapshots while the writers wrote"
    with tokens.client("facility_admin") as admin:
        final = {row["id"]: row["bio"] for row in walk(admin, None, 5000)[0]}
        cursors = set()
        for header, rows in taken:
            cursors.add(header["cursor"])
            later, _, _ = walk(admin, header["cursor"], 7)
            seen = {row["id"]: row["bio"] for row in rows}
            repeated = {(row["id"], row["bio"]) for row in later} & set(seen.items())
            assert not repeated, f"a change in the snapshot came again after its cursor: {sorted(repeated)[:3]}"
            seen.update((row["id"], row["bio"]) for row in later)
            assert seen == final, "a change was lost between the snapshot and the feed after its cursor"
    assert len(cursors) >= 2, "the snapshots were taken at different revisions"
