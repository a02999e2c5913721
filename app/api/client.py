"""The API client: one method per endpoint of docs/api.md, returning models or raising app.api.errors.

`ApiClient` is the one object the rest of the desktop holds; its methods come by concern from
account_calls.py, directory_calls.py, credentialing_calls.py and screening_calls.py, and each is one `_call` of an
endpoint described beside it (app/api/endpoint.py). Every request goes out and every answer comes
back through `Caller._call` (app/api/transport.py): retries, one error mapping (errors.error_for),
and one read path (the endpoint's adapter in app/api/adapters.py, then its model). Updates carry
`If-Match`; the dropdown is cached and revalidated with `If-None-Match`.
"""
from __future__ import annotations

from typing import Any

from app.api import adapters
from app.api.account_calls import AccountCalls
from app.api.appointment_calls import AppointmentCalls
from app.api.credentialing_calls import CredentialingCalls
from app.api.directory_calls import DirectoryCalls
from app.api.endpoint import Endpoint, nothing, reads
from app.api.models import Health
from app.api.multipart import Upload
from app.api.screening_calls import ScreeningCalls
from app.api.transport import Timeouts

__all__ = ["ApiClient", "Timeouts", "Upload"]

# tried once: a probe repeats by itself, and a retried probe tells offline late; a server without
# `/health/` that answers 404 answered all the same
HEALTH = Endpoint("the health check", "GET", "health/", reads(Health.model_validate), authed=False, retry=False,
                  absent=Health(status="unknown"))
# once `/health/` is known to be missing: an OPTIONS at the sign-in path, which any server answers
# cheaply (DRF: 200 and a few hundred bytes), instead of fetching its 404 page at every probe; a HEAD
# there put a warning (405) in its log every 15 s
REACHABLE = Endpoint("the health check", "OPTIONS", "auth/login/", nothing, ok=tuple(range(200, 500)),
                     authed=False, retry=False)
UNKNOWN = Health(status="unknown")
SCHEMA = Endpoint("the schema", "GET", "{}/api/schema/", reads(adapters.schema), authed=False)


class ApiClient(AccountCalls, DirectoryCalls, CredentialingCalls, ScreeningCalls, AppointmentCalls):
    """Talks to one server implementing docs/api.md. Close it with `aclose()`."""

    _no_health = False  # learnt at the first probe: the server has no `/health/`

    async def health(self) -> Health:
        """The server's health, tried once (a server without `/health/` reads as status "unknown", and is
        asked only whether it answers from then on: REACHABLE)."""
        if self._no_health:
            await self._call(REACHABLE)
            return UNKNOWN
        health = await self._call(HEALTH)
        self._no_health = health is HEALTH.absent
        return health

    async def openapi_schema(self) -> dict[str, Any]:
        """The server's OpenAPI document (`/api/schema/`, beside the versioned base path; NotFoundError
        when the server publishes none)."""
        root = self.base_url.rsplit("/api/v1", 1)[0]
        return await self._call(SCHEMA, root, params={"format": "json"})
