"""Search answers as FHIR Bundles (searchset, paged by Bundle.link), and $export's NDJSON lines."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import orjson
from django.db.models import QuerySet

from contract import fhir
from server.common.bodies import heavy
from server.directory.models import Provider
from server.directory.selectors import provider_rows
from server.directory.snapshot import read_snapshot
from server.directory.visibility import Audience, visible_providers
from server.fhir import places
from server.fhir.outcome import operation_outcome
from server.fhir.params import Search
from server.fhir.providers import providers_found

MAKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "Practitioner": fhir.practitioner, "PractitionerRole": fhir.practitioner_role}
EXPORT_CHUNK = 1000


def _included(search: Search, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resources `_include` asks for beside a page of PractitionerRoles, each once."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if "PractitionerRole:practitioner" in search.includes:
            found[("Practitioner", row["id"])] = fhir.practitioner(row)
        if "PractitionerRole:organization" in search.includes and row["organization_facility"]:
            organization = fhir.facility_organization(row["organization_facility"])
            found.setdefault(("Organization", organization["id"]), organization)
        if "PractitionerRole:location" in search.includes:
            for hospital in row["hospitals"]:
                found.setdefault(("Location", hospital["id"]), fhir.location(hospital))
    return list(found.values())


def fhir_rows(queryset: QuerySet[Provider]) -> list[dict[str, Any]]:
    """The representations contract/fhir.py maps, of the rows of `queryset`: summaries with their hospitals,
    and the NPI (read apart: it is not a summary field)."""
    rows = provider_rows(queryset, detail=False, with_hospitals=True)
    if rows and "npi" not in rows[0]:
        npis = {str(pk): npi for pk, npi in queryset.order_by().values_list("pk", "npi")}
        for row in rows:
            row["npi"] = npis.get(row["id"])
    return rows


def _provider_page(found: QuerySet[Provider], search: Search) -> tuple[list[dict[str, Any]], bool]:
    """The rows of the page (and whether more follow): their ids first, in one query of the search, then
    their representations by id (selectors would run the search again for each of their subqueries)."""
    ids = list(found.values_list("pk", flat=True)[search.offset:search.offset + search.count + 1])
    more = len(ids) > search.count
    ids = ids[:search.count]
    by_id = {row["id"]: row for row in fhir_rows(Provider.objects.filter(pk__in=ids))}
    return [by_id[str(pk)] for pk in ids if str(pk) in by_id], more


def _page(audience: Audience, search: Search) -> tuple[int | None, bool, list[dict[str, Any]], list[dict[str, Any]]]:
    """(the total when asked for, whether more pages follow, the page's matches, what they include)."""
    if search.resource_type in MAKERS:
        found = providers_found(audience, search)
        if search.summary_count:
            return found.count(), False, [], []
        rows, more = _provider_page(found, search)
        total = found.count() if search.total else None
        make = MAKERS[search.resource_type]
        return total, more, [make(row) for row in rows], _included(search, rows)
    every = places.places_found(audience, search)
    page = [] if search.summary_count else every[search.offset:search.offset + search.count]
    return len(every), search.offset + search.count < len(every) and not search.summary_count, page, []


def _link(relation: str, base: str, query: list[tuple[str, str]], offset: int) -> dict[str, str]:
    kept = [(k, v) for k, v in query if k != "_offset"] + ([("_offset", str(offset))] if offset else [])
    return {"relation": relation, "url": f"{base}?{urlencode(kept)}" if kept else base}


def searchset(audience: Audience, search: Search, base: str, query: list[tuple[str, str]]) -> dict[str, Any]:
    """The Bundle answering `search` at `base` (the type's absolute address) with `query` (to page on)."""
    total, more, matches, included = _page(audience, search)
    links = [_link("self", base, query, search.offset)]
    if more:
        links.append(_link("next", base, query, search.offset + search.count))
    if not search.summary_count and search.offset > 0:
        links.append(_link("previous", base, query, max(0, search.offset - search.count)))
    root = base.rsplit("/", 1)[0]
    entries = [{"fullUrl": f"{root}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": mode}}
               for mode, group in (("match", matches), ("include", included)) for r in group]
    if search.ignored:
        words = f"Ignored the unknown search parameters {', '.join(sorted(set(search.ignored)))}."
        entries.append({"resource": operation_outcome([("warning", "not-supported", words)]),
                        "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset",
                              **({"total": total} if total is not None else {}), "link": links}
    if entries:
        bundle["entry"] = entries
    return bundle


def read(audience: Audience, resource_type: str, resource_id: str) -> dict[str, Any] | None:
    """One resource `audience` may read, or None."""
    if resource_type in MAKERS:
        rows = fhir_rows(visible_providers(audience).filter(pk=resource_id))
        return MAKERS[resource_type](rows[0]) if rows else None
    every = places.organizations(audience) if resource_type == "Organization" else places.locations()
    return next((r for r in every if r["id"] == resource_id), None)


def _provider_chunks(audience: Audience) -> Iterator[list[dict[str, Any]]]:
    """Every provider `audience` may see, `EXPORT_CHUNK` at a time by id (never all rows at once)."""
    visible: QuerySet[Provider] = visible_providers(audience).order_by("pk")
    last = None
    while True:
        with heavy:  # a few exports build a chunk at the same moment, as snapshots do
            window = visible if last is None else visible.filter(pk__gt=last)
            ids = list(window.values_list("pk", flat=True)[:EXPORT_CHUNK])
            rows = fhir_rows(Provider.objects.filter(pk__in=ids).order_by("pk")) if ids else []
        if not ids:
            return
        yield rows
        last = ids[-1]


def export_lines(audience: Audience, types: tuple[str, ...]) -> Iterator[bytes]:
    """NDJSON of every resource of `types` that `audience` may read, one type after the other, all read
    from one state of the database (a generator: the read transaction spans the streamed answer)."""
    with read_snapshot():
        for resource_type in types:
            if resource_type in MAKERS:
                make = MAKERS[resource_type]
                for rows in _provider_chunks(audience):
                    yield b"".join(orjson.dumps(make(row)) + b"\n" for row in rows)
            else:
                every = places.organizations(audience) if resource_type == "Organization" else places.locations()
                yield b"".join(orjson.dumps(r) + b"\n" for r in every)
