"""The name order as a reader expects it (contract/names.py): accents and case ignored, on every list.

Runs on SQLite and, in CI, on PostgreSQL (where the key is compared by code point whatever the
database's collation). The desktop's cache takes the same order: tests/app/directory/test_name_order.py.
"""
from __future__ import annotations

from typing import Any

import httpx

from tests.helpers.factories import all_ids, create_provider, unique
from tests.server.test_snapshot import snapshot

# (first, last) as people spell them, in the order a reader expects to find them
READER_ORDER = [("Amy", "carter"), ("Mehmet", "Çelik"), ("Ana", "de la Cruz"), ("Eve", "Dúran"),
                ("Émile", "Durand"), ("Ayşe", "Şahin"), ("Li", "Zhu")]


def made_in_reverse(admin: httpx.Client, organization: str) -> list[dict[str, Any]]:
    """The providers of READER_ORDER, created last to first (so creation order cannot pass for name order)."""
    made = [create_provider(admin, first_name=first, last_name=last, organization_facility=organization)
            for first, last in reversed(READER_ORDER)]
    return made[::-1]


def in_order_of(listed: list[str], made: list[dict[str, Any]]) -> list[str]:
    ours = {row["id"]: row["last_name"] for row in made}
    return [ours[provider_id] for provider_id in listed if provider_id in ours]


def test_lists_search_and_snapshot_sort_names_as_a_reader_expects(admin: httpx.Client) -> None:
    organization = f"Nameorder Clinic {unique()}"
    made = made_in_reverse(admin, organization)
    expected = [last for _, last in READER_ORDER]
    assert in_order_of(all_ids(admin, "/providers/", is_active="true"), made) == expected
    _, rows = snapshot(admin)
    assert in_order_of([row["id"] for row in rows], made) == expected
    # the search: every one matches the clinic's name alike, so the name order decides
    found = admin.get("/providers/search/", params={"q": organization}).json()
    listed = [row["id"] for row in (found if isinstance(found, list) else found["results"])]
    assert in_order_of(listed, made) == expected
