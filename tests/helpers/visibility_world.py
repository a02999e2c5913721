"""A server's directory holding one provider of each kind, and the rule of who sees which (docs/api.md).

A world holds one provider of each kind (credentialed, pending, rejected, verified but past its
expiry, expired, deactivated) besides the demo provider; what each audience should see is computed
from the database by the rule of docs/api.md ("What each role sees"), and every read of the
directory, the API's and FHIR's, must answer exactly that.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tests.helpers.factories import create_provider, register_provider, screened
from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer, SignIns

AUDIENCES = ("anonymous", "pending_provider", "verified_provider", "facility_admin", "credentialing_officer")
STAFF = ("facility_admin", "credentialing_officer")
FUTURE = "2099-06-30"
TAG = "Zephyrine"  # every provider made here has this last-name prefix (search finds them all)

_DATABASE_ROWS = """
import json
from server.directory.models import Provider
rows = [{"id": str(p.pk), "is_active": p.is_active, "status": p.license_status,
         "expiry": p.license_expiry_date.isoformat() if p.license_expiry_date else None,
         "last_name": p.last_name, "hospitals": [str(h) for h in p.hospitals.values_list("pk", flat=True)]}
        for p in Provider.objects.all()]
print(json.dumps(rows))
"""


@dataclass
class World:
    server: LiveServer
    tokens: SignIns
    own: dict[str, str]  # audience -> its own provider id
    kinds: dict[str, str]  # kind of provider -> id
    hospital: str

    def client(self, audience: str) -> httpx.Client:
        return self.tokens.client(None if audience == "anonymous" else audience)

    def database(self) -> list[dict[str, Any]]:
        return json.loads(self.server.manage("shell", "-c", _DATABASE_ROWS).strip().splitlines()[-1])

    def visible(self, audience: str, *, active: bool | None = True, hospital: str | None = None,
                tagged: bool = False, status: str | None = None) -> set[str]:
        """The ids `audience` may see by the contract's rule, of those matching the other conditions."""
        today = date.today().isoformat()
        found = set()
        for row in self.database():
            credentialed = row["is_active"] and row["status"] == "verified" and (
                row["expiry"] is None or row["expiry"] >= today)
            if audience not in STAFF and not credentialed and row["id"] != self.own.get(audience):
                continue
            if active is not None and row["is_active"] != active:
                continue
            if hospital is not None and hospital not in row["hospitals"]:
                continue
            if tagged and not row["last_name"].startswith(TAG):
                continue
            if status is not None and row["status"] != status:
                continue
            found.add(row["id"])
        return found


def _set_in_database(server: LiveServer, provider_id: str, code: str) -> None:
    server.manage("shell", "-c", (
        "import datetime\nfrom django.utils import timezone\nfrom server.directory.models import Provider\n"
        f"p = Provider.objects.get(pk={provider_id!r})\n{code}\np.save()\n"))


def make_world(server: LiveServer) -> World:
    tokens = SignIns(server, {"facility_admin": DEMO_ACCOUNTS["facility_admin"],
                              "credentialing_officer": DEMO_ACCOUNTS["credentialing_officer"],
                              "verified_provider": DEMO_ACCOUNTS["provider"]})
    with tokens.client("facility_admin") as admin, tokens.client("credentialing_officer") as officer, \
            server.client() as anon:
        hospital = admin.get("/hospitals/").json()["results"][0]["id"]
        kinds = {}
        for kind in ("credentialed", "pending", "rejected", "verified_past", "expired", "deactivated"):
            made = create_provider(admin, last_name=f"{TAG}{kind.title()}", hospitals=[hospital],
                                   additional_information=f"private words of {kind}")
            kinds[kind] = made["id"]
            if kind in ("credentialed", "verified_past", "deactivated"):
                screened(officer)
                officer.post(f"/providers/{made['id']}/license/decision/",
                             json={"decision": "verified", "license_expiry_date": FUTURE}).raise_for_status()
            if kind == "rejected":
                officer.post(f"/providers/{made['id']}/license/decision/",
                             json={"decision": "rejected", "note": "Blurred scan"}).raise_for_status()
            if kind == "deactivated":
                assert admin.delete(f"/providers/{made['id']}/").status_code == 204
        _set_in_database(server, kinds["verified_past"],
                         "p.license_expiry_date = timezone.localdate() - datetime.timedelta(days=1)")
        _set_in_database(server, kinds["expired"], "p.license_status = 'expired'\n"
                         "p.license_expiry_date = timezone.localdate() - datetime.timedelta(days=40)")
        pending = register_provider(anon, last_name=f"{TAG}Newcomer", hospitals=[hospital])
        tokens.add("pending_provider", pending["user"]["email"], pending["password"])
        with tokens.client("verified_provider") as demo:
            own = {"pending_provider": pending["profile"]["id"],
                   "verified_provider": demo.get("/auth/provider/profile/").json()["id"]}
    return World(server, tokens, own, kinds, hospital)
