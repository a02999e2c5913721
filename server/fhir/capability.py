"""The CapabilityStatement at /fhir/metadata: exactly what params.py declares, nothing more."""
from __future__ import annotations

from typing import Any

from django.conf import settings

from contract.fhir import FHIR_VERSION, JSON_TYPE, RESOURCE_TYPES
from server.fhir.params import INCLUDES, MAX_COUNT, SEARCH_PARAMS

_RELEASED = "2026-12-07"


def capability_statement(base: str) -> dict[str, Any]:
    """What this server offers at `base` (its /fhir/ address): read and search of four types, and $export."""
    public = "; anonymous callers read the credentialed directory (FHIR_PUBLIC=1)" if settings.FHIR_PUBLIC else ""
    resources = [{
        "type": name,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [{"name": param, "type": kind, "documentation": words}
                        for param, (kind, words) in SEARCH_PARAMS[name].items()],
        **({"searchInclude": list(INCLUDES[name])} if name in INCLUDES else {}),
    } for name in RESOURCE_TYPES]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": _RELEASED,
        "kind": "instance",
        "software": {"name": "ProviderDesk reference server"},
        "implementation": {"description": "ProviderDesk's provider directory, read-only", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": [JSON_TYPE, "json"],
        "rest": [{
            "mode": "server",
            "documentation": f"Read-only. Searches page with Bundle.link next, _count 1 to {MAX_COUNT}; "
                             "_summary=count; Practitioner and PractitionerRole searches give Bundle.total when asked "
                             "(_total=accurate); unknown parameters are ignored unless Prefer: handling=strict. "
                             "GET $export streams NDJSON of _type (default: every type) at once, "
                             "not the asynchronous Bulk Data kick-off.",
            "security": {"description": "Bearer access token of /api/v1/auth/login/; the directory's "
                                        f"rules of who sees which providers apply{public}."},
            "resource": resources,
            "operation": [{"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}],
        }],
    }
