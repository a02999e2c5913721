"""The client's calls for screening (staff only): the flags the server's screening left on providers."""
from __future__ import annotations

from app.api.endpoint import Endpoint, reads
from app.api.models import LeieLoadResult, MonitoringStatus, Page, ScreeningFlag, ScreeningFlagDetail
from app.api.multipart import MultipartBody, Upload
from app.api.transport import Caller, every_page
from contract.choices import FlagDecision

# a server without screening (the seed guide's backend, an older one) has no flags: an empty page
FLAGS = Endpoint("the screening flags", "GET", "screening/flags/", reads(Page[ScreeningFlag].model_validate),
                 absent=Page[ScreeningFlag](count=0, results=()))

FLAG = Endpoint("the screening flag", "GET", "screening/flags/{}/", reads(ScreeningFlagDetail.model_validate))

# not retried: a decision that reached the server is in its audit (a second one would be a second event)
FLAG_DECISION = Endpoint("the flag's decision", "POST", "screening/flags/{}/decision/",
                         reads(ScreeningFlagDetail.model_validate), retry=False)

STATUS = Endpoint("the screening status", "GET", "screening/status/", reads(MonitoringStatus.model_validate),
                  absent=MonitoringStatus(available=False))

# not retried: a load that reached the server may have been loaded (a second one is refused as already loaded)
LEIE_LOAD = Endpoint("the exclusion list's load", "POST", "screening/files/leie/",
                     reads(LeieLoadResult.model_validate), ok=(201,), retry=False)


class ScreeningCalls(Caller):
    """Screening's endpoints (our extensions; staff only)."""

    async def screening_flags(self, *, page: int = 1, page_size: int = 500) -> Page[ScreeningFlag]:
        return await self._call(FLAGS, params={"page": page, "page_size": page_size})

    async def load_leie(self, upload: Upload) -> LeieLoadResult:
        """Send the OIG's LEIE file (a credentialing officer's); ValidationError names what is wrong with it."""
        body = MultipartBody.form({}, upload)
        return await self._call(LEIE_LOAD, content=body, headers=body.headers)

    async def screening_flag(self, flag_id: str) -> ScreeningFlagDetail:
        """A flag with its evidence and the history of its decisions."""
        return await self._call(FLAG, flag_id)

    async def decide_flag(self, flag_id: str, decision: FlagDecision, reason: str = "") -> ScreeningFlagDetail:
        """A credentialing officer confirms the flag or clears it as a false positive (a reason required:
        ValidationError on `reason` otherwise)."""
        return await self._call(FLAG_DECISION, flag_id, json={"decision": decision.value, "reason": reason})

    async def monitoring_status(self) -> MonitoringStatus:
        return await self._call(STATUS)

    async def all_screening_flags(self, page_size: int = 500) -> list[ScreeningFlag]:
        """Every flag, walking the pages (a few hundred at most in a real directory)."""
        return await every_page(lambda page: self.screening_flags(page=page, page_size=page_size))
