"""Reading /fhir/ as a FHIR client would: every resource checked by a FHIR validator, searches walked by Bundle.link.

`fhir.resources` (pydantic models of FHIR) checks each element's type, cardinality and primitive
forms; its R4B models are those of R4 for the four resources we publish (R4B changed none of
them). It does not check FHIR's rule that no element is empty (ele-1), so `validate` does too.
"""
from __future__ import annotations

from typing import Any

import httpx
from fhir.resources.R4B import get_fhir_model_class

FHIR_JSON = "application/fhir+json"


def _empty_paths(value: Any, path: str = "") -> list[str]:
    if value in ("", [], {}, None):
        return [path or "(root)"]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _empty_paths(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in _empty_paths(item, f"{path}[{n}]")]
    return []


def validate(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource` if it is valid FHIR R4 (a ValidationError naming the element otherwise)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert _empty_paths(resource) == [], f"empty elements in {resource['resourceType']}/{resource.get('id')}"
    return resource


def walk(client: httpx.Client, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every entry of a search, following Bundle.link next to the end; each Bundle and resource validated."""
    entries: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        answer = client.get(next_url, params=params if next_url == url else None)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith(FHIR_JSON)
        bundle = validate(answer.json()) if answer.json().get("entry") else answer.json()
        entries += bundle.get("entry", [])
        next_url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    return entries


def matches(client: httpx.Client, resource_type: str, **params: Any) -> list[dict[str, Any]]:
    """The resources a search of `resource_type` finds (its `match` entries), every page of them."""
    return [e["resource"] for e in walk(client, f"/fhir/{resource_type}", **params) if e["search"]["mode"] == "match"]


def outcome_of(answer: httpx.Response, status: int) -> str:
    """The diagnostics of an OperationOutcome answered with `status` (asserting that it is one)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(FHIR_JSON)
    body = validate(answer.json())
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["diagnostics"])
