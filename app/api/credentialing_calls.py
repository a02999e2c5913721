"""The client's calls for credentialing: license documents and decisions, the worklist, audits, the staff dashboard."""
from __future__ import annotations

from datetime import date
from typing import Any

from app.api.endpoint import RECORD, Endpoint, document, reads
from app.api.models import (
    AUDIT_EVENTS,
    AuditEvent,
    AuditRecord,
    Decision,
    DocumentFile,
    Page,
    Provider,
    ProviderSummary,
    RecredentialingClock,
    StaffDashboard,
    Versioned,
)
from app.api.transport import Caller, every_page, if_match

DOCUMENT = Endpoint("a license document", "GET", "providers/{}/license/document/", document)
DECISION = Endpoint("the license decision", "POST", "providers/{}/license/decision/", RECORD)
QUEUE = Endpoint("the worklist", "GET", "credentialing/queue/", reads(Page[ProviderSummary].model_validate))
TRAIL = Endpoint("a provider's audit trail", "GET", "providers/{}/audit/", reads(AUDIT_EVENTS.validate_python))
AUDIT = Endpoint("the audit export", "GET", "credentialing/audit/", reads(Page[AuditRecord].model_validate))
# a server without the clocks (the seed guide's backend, an older one) has none: an empty page
CLOCKS = Endpoint("the recredentialing clocks", "GET", "credentialing/recredentialing/",
                  reads(Page[RecredentialingClock].model_validate),
                  absent=Page[RecredentialingClock](count=0, results=()))
STAFF_DASHBOARD = Endpoint("the staff dashboard", "GET", "dashboard/", reads(StaffDashboard.model_validate))


class CredentialingCalls(Caller):
    """The credentialing officer's and the administrator's endpoints (our extensions)."""

    async def recredentialing_clocks(self, *, page: int = 1, page_size: int = 500) -> Page[RecredentialingClock]:
        return await self._call(CLOCKS, params={"page": page, "page_size": page_size})

    async def all_recredentialing_clocks(self, page_size: int = 500) -> list[RecredentialingClock]:
        """Every verified provider's clock, walking the pages."""
        return await every_page(lambda page: self.recredentialing_clocks(page=page, page_size=page_size))

    async def license_document(self, provider_id: str) -> DocumentFile:
        return await self._call(DOCUMENT, provider_id)

    async def decide_license(
        self, provider_id: str, decision: Decision, *, note: str = "", expiry: Any = None, etag: str | None = None
    ) -> Versioned[Provider]:
        body: dict[str, Any] = {"decision": decision.value, "note": note}
        if expiry is not None:
            body["license_expiry_date"] = expiry.isoformat()
        return await self._call(DECISION, provider_id, json=body, headers=if_match(etag))

    async def verification_queue(
        self, *, status: str = "pending_verification", expiring_within: int | None = None, page: int = 1,
        page_size: int = 50,
    ) -> Page[ProviderSummary]:
        params: dict[str, Any] = {"license_status": status, "page": page, "page_size": page_size}
        if expiring_within is not None:
            params["expiring_within"] = expiring_within
        return await self._call(QUEUE, params=params)

    async def audit_trail(self, provider_id: str) -> list[AuditEvent]:
        return await self._call(TRAIL, provider_id)

    async def audit_events(
        self, *, since: date, until: date, action: str | None = None, page: int = 1, page_size: int = 500
    ) -> Page[AuditRecord]:
        """One page of the audit export, oldest first: the events from `since` through `until`
        (both included). `action` None asks for the decisions, "all" for every action."""
        params: dict[str, Any] = {"since": since.isoformat(), "until": until.isoformat(), "page": page,
                                  "page_size": page_size}
        if action is not None:
            params["action"] = action
        return await self._call(AUDIT, params=params)

    async def all_audit_events(
        self, *, since: date, until: date, action: str | None = None, page_size: int = 500
    ) -> list[AuditRecord]:
        """Every event of the audit export's range, walking its pages (oldest first, so events
        recorded meanwhile land on later pages and shift nothing already read)."""
        return await every_page(lambda page: self.audit_events(since=since, until=until, action=action, page=page,
                                                                page_size=page_size))

    async def staff_dashboard(self) -> StaffDashboard:
        return await self._call(STAFF_DASHBOARD)
