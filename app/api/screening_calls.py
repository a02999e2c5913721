"""The client's calls for screening (staff only): the flags the server's screening left on providers."""
from __future__ import annotations

from app.api.endpoint import Endpoint, reads
from app.api.models import LeieLoadResult, MonitoringStatus, Page, ScreeningFlag
from app.api.multipart import MultipartBody, Upload
from app.api.transport import Caller

# a server without screening (the seed guide's backend, an older one) has no flags: an empty page
FLAGS = Endpoint("the screening flags", "GET", "screening/flags/", reads(Page[ScreeningFlag].model_validate),
                 absent=Page[ScreeningFlag](count=0, results=()))

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

    async def monitoring_status(self) -> MonitoringStatus:
        return await self._call(STATUS)

    async def all_screening_flags(self, page_size: int = 500) -> list[ScreeningFlag]:
        """Every flag, walking the pages (a few hundred at most in a real directory)."""
        flags: list[ScreeningFlag] = []
        page = 1
        while True:
            answer = await self.screening_flags(page=page, page_size=page_size)
            flags.extend(answer.results)
            if answer.next is None:
                return flags
            page += 1
