"""What the server offers beyond the seed guide, learnt at sign-in, and why the desktop disables the rest.

Our server publishes its OpenAPI document at `/api/schema/`, and so does the seed guide's backend;
its paths say what is there (and where a password is changed: ours, or that backend's own path). A
server without one is asked instead: each extension's endpoint once, an HTML 404 meaning it is
missing, and whether a record answers an ETag (in a schema: a documented 412); the password change
is then assumed at our path. Widgets read `reason(...)`: None when the feature works, else the
sentence shown beside what is disabled.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.api.client import ApiClient
from app.api.errors import ApiError, NotFoundError

log = logging.getLogger(__name__)
V1 = "/api/v1/"


class Feature(StrEnum):
    CHANGE_FEED = "providers/changes/"
    STAFF_DASHBOARD = "dashboard/"
    WORKLIST = "credentialing/queue/"
    UPLOADS = "providers/{id}/license/document/"
    CONFLICTS = "ETag"
    PASSWORD_CHANGE = "auth/password/change/"  # ours: a new session, every other one ended
    APPOINTMENTS = "appointments/"  # ours and the seed guide's backend's (its patients are accounts: booking differs)


# the seed guide's backend changes a password here instead (its own fields; no session is ended)
SEED_PASSWORD_CHANGE = "auth/change-password/"


# what a provider reads beside an unverified license where the server has no credentialing worklist
NOT_REVIEWED = ("This server has no credentialing: it says only whether the license is verified, and nobody "
                "reviews it through ProviderDesk.")

REASONS = {
    Feature.CHANGE_FEED: "This server has no change feed: the directory syncs by reading the whole list.",
    Feature.STAFF_DASHBOARD: "This server has no staff dashboard.",
    Feature.WORKLIST: "This server has no credentialing worklist.",
    Feature.UPLOADS: "This server does not keep license documents: uploads are not possible.",
    Feature.CONFLICTS: "This server does not report changes made meanwhile: the last save wins.",
    Feature.PASSWORD_CHANGE: "This server offers no way to change a password: ask its administrator.",
    Feature.APPOINTMENTS: ("This server has no provider schedules booked by staff: appointments cannot be shown "
                           "or booked here."),
}


@dataclass(frozen=True)
class Capabilities:
    """The features the server lacks (empty: everything works, as with our server)."""

    missing: frozenset[Feature] = frozenset()
    source: str = "assumed"  # "schema", "probes" or "assumed" (nothing could be learnt)
    password_path: str = Feature.PASSWORD_CHANGE.value  # or SEED_PASSWORD_CHANGE
    logout_needs_bearer: bool = False  # its schema says sign-out needs the access token (the seed's backend)

    @property
    def password_ends_other_sessions(self) -> bool:
        """Whether a password change signs out every other computer (ours does; the seed's backend does not)."""
        return self.password_path == Feature.PASSWORD_CHANGE.value

    def has(self, feature: Feature) -> bool:
        return feature not in self.missing

    @property
    def license_review(self) -> str | None:
        """None where licenses are reviewed (a worklist), else the sentence that says they are not."""
        return NOT_REVIEWED if Feature.WORKLIST in self.missing else None

    def reason(self, feature: Feature) -> str | None:
        """Why `feature` is disabled, or None when it works."""
        return REASONS[feature] if feature in self.missing else None


ALL = Capabilities()


def _books_for_patients(document: dict[str, Any]) -> bool:
    """Whether the server's appointments are ours: booked by staff for a patient named with a contact
    (`patient_contact`), not the seed guide's backend's, whose patients are its signed-in accounts."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    return any(isinstance(shape, dict) and "patient_contact" in (shape.get("properties") or {})
               for shape in schemas.values())


def _answers_412(document: dict[str, Any]) -> bool:
    """Whether some operation documents a 412 (a stale `If-Match`): the server detects conflicts."""
    operations = (op for path in document.get("paths", {}).values() if isinstance(path, dict)
                  for op in path.values() if isinstance(op, dict))
    return any("412" in (op.get("responses") or {}) for op in operations)


def _needs_bearer(document: dict[str, Any], path: str) -> bool:
    """Whether the POST at `path` documents only authenticated ways in (no empty requirement)."""
    operation = (document.get("paths", {}).get(V1 + path) or {}).get("post") or {}
    security = operation.get("security")
    return isinstance(security, list) and bool(security) and {} not in security


def from_schema(document: dict[str, Any]) -> Capabilities:
    """The features an OpenAPI document's paths (and its documented 412 answers) show."""
    paths = {str(p).removeprefix(V1) for p in document.get("paths", {})}
    paths |= {p.replace("{provider_id}", "{id}") for p in paths}
    missing: set[Feature] = {f for f in Feature if f is not Feature.CONFLICTS and f.value not in paths}
    if not _answers_412(document):
        missing.add(Feature.CONFLICTS)
    if not _books_for_patients(document):
        missing.add(Feature.APPOINTMENTS)
    password = Feature.PASSWORD_CHANGE.value
    if Feature.PASSWORD_CHANGE in missing and SEED_PASSWORD_CHANGE in paths:
        missing.discard(Feature.PASSWORD_CHANGE)
        password = SEED_PASSWORD_CHANGE
    return Capabilities(frozenset(missing), "schema", password, _needs_bearer(document, "auth/logout/"))


async def _absent(call: Any) -> bool:
    """Whether an endpoint is missing: a 404 (any other answer, a 403 too, means it is there)."""
    try:
        await call
    except NotFoundError:
        return True
    except ApiError:
        return False
    return False


async def _has_etag(client: ApiClient, provider: bool) -> bool:
    try:
        if provider:
            return (await client.profile()).etag is not None
        page = await client.providers(page_size=1)
        return not page.results or (await client.provider(page.results[0].id)).etag is not None
    except ApiError:
        return True  # nothing learnt: assume it, as with our server


async def _has_uploads(client: ApiClient, provider: bool) -> bool:
    """A profile (or record) that says nothing of a license document: the server keeps none."""
    try:
        record = await client.profile() if provider else None
    except ApiError:
        return True
    return record is None or "has_license_document" in record.value.model_fields_set


async def from_probes(client: ApiClient, *, provider: bool) -> Capabilities:
    """Ask each extension's endpoint once (a few small requests, side by side)."""
    feed, staff, worklist, etag, uploads, appointments = await asyncio.gather(
        _absent(client.changes_raw(limit=1)), _absent(client.staff_dashboard()),
        _absent(client.verification_queue(page_size=1)), _has_etag(client, provider),
        _has_uploads(client, provider), _absent(client.appointments(page_size=1)))
    missing = {f for f, gone in ((Feature.CHANGE_FEED, feed), (Feature.STAFF_DASHBOARD, staff),
                                 (Feature.WORKLIST, worklist), (Feature.CONFLICTS, not etag),
                                 (Feature.UPLOADS, not uploads), (Feature.APPOINTMENTS, appointments)) if gone}
    return Capabilities(frozenset(missing), "probes")


async def learn(client: ApiClient, *, provider: bool) -> Capabilities:
    """What the signed-in server offers: from its schema when it has one, else from probes."""
    try:
        document = await client.openapi_schema()
    except NotFoundError:
        found = await from_probes(client, provider=provider)
    except ApiError as error:
        log.info("the server's features could not be learnt (%s); assuming all", type(error).__name__)
        return ALL
    else:
        found = from_schema(document)
    if found.missing:
        log.info("the server lacks %s (learnt from %s)", ", ".join(sorted(f.name for f in found.missing)),
                 found.source)
    return found
