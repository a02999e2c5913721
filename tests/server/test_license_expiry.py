"""A verified license past its expiry date reads as expired everywhere; the provider's dashboard warns before."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from tests.helpers.factories import register_provider, screened
from tests.helpers.live_server import LiveServer

FUTURE = str(date.today() + timedelta(days=365))


def set_expiry(live_server: LiveServer, provider_id: str, days: int, status: str | None = None) -> date:
    """Set the license's expiry date `days` after the server's local today, in the database; that date."""
    out = live_server.manage("shell", "-c", (
        "import datetime\n"
        "from django.utils import timezone\n"
        "from server.directory.models import Provider\n"
        f"p = Provider.objects.get(pk={provider_id!r})\n"
        f"p.license_expiry_date = timezone.localdate() + datetime.timedelta(days={days})\n"
        + (f"p.license_status = {status!r}\n" if status else "")
        + "p.save()\n"
        "print(p.license_expiry_date.isoformat())\n"))
    return date.fromisoformat(out.strip().splitlines()[-1])


def verified_account(anon: httpx.Client, officer: httpx.Client) -> tuple[dict[str, Any], httpx.Client]:
    """A registered provider with a verified license, and a client signed in as it."""
    account = register_provider(anon)
    pid = account["profile"]["id"]
    screened(officer)
    officer.post(f"/providers/{pid}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": FUTURE}).raise_for_status()
    own = httpx.Client(base_url=str(anon.base_url), headers={"Authorization": f"Bearer {account['access']}"},
                       timeout=30)
    return account, own


def verified_at(officer: httpx.Client, provider_id: str) -> str:
    """When the provider's license was last verified, from its audit trail."""
    trail = officer.get(f"/providers/{provider_id}/audit/").json()
    return next(e["at"] for e in trail if e["action"] == "verified")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def expiry_notice_id(provider_id: str, expiry: date, level: str) -> str:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:providerdesk:notification:license-expiry")
    return str(uuid.uuid5(namespace, f"{provider_id}:{expiry}:{level}"))


def test_a_passed_expiry_reads_expired_everywhere(
    live_server: LiveServer, anon: httpx.Client, officer: httpx.Client, admin: httpx.Client
) -> None:
    account, own = verified_account(anon, officer)
    pid, number = account["profile"]["id"], account["profile"]["license_number"]
    cursor = None
    while True:  # walk the change feed to its end, to read only what changes next
        page = officer.get("/providers/changes/", params={"limit": 5000, **({"since": cursor} if cursor else {})})
        cursor = page.json()["cursor"]
        if not page.json()["has_more"]:
            break
    before = officer.get("/dashboard/").json()["by_license_status"]

    expiry = set_expiry(live_server, pid, -1)

    detail = admin.get(f"/providers/{pid}/").json()
    assert (detail["license_status"], detail["license_verified"]) == ("expired", False)
    assert detail["license_expiry_date"] == expiry.isoformat()
    for status, count in (("expired", 1), ("verified", 0)):
        listed = admin.get("/providers/", params={"license_status": status, "search": number}).json()
        assert listed["count"] == count
    assert [r["license_status"] for r in admin.get("/providers/", params={"search": number}).json()["results"]] == [
        "expired"]
    assert admin.get("/providers/", params={"license_verified": "true", "search": number}).json()["count"] == 0
    found = admin.get("/providers/search/", params={"q": number}).json()
    assert [(r["id"], r["license_status"]) for r in found] == [(pid, "expired")]
    changed = officer.get("/providers/changes/", params={"since": cursor}).json()["results"]
    assert [(r["id"], r["license_status"], r["license_verified"]) for r in changed] == [(pid, "expired", False)]
    expired_queue = officer.get("/credentialing/queue/", params={"license_status": "expired", "page_size": 500})
    assert pid in {r["id"] for r in expired_queue.json()["results"]}
    for params in ({"license_status": "verified"}, {"expiring_within": 30}):
        queue = officer.get("/credentialing/queue/", params={**params, "page_size": 500}).json()
        assert pid not in {r["id"] for r in queue["results"]}, params
    after = officer.get("/dashboard/").json()["by_license_status"]
    assert after["expired"] == before["expired"] + 1
    assert after["verified"] == before["verified"] - 1
    profile = own.get("/auth/provider/profile/").json()
    assert (profile["license_status"], profile["license_verified"]) == ("expired", False)
    dashboard = own.get("/auth/provider/dashboard/").json()
    assert dashboard["license_status"] == "expired"
    assert dashboard["provider_profile"]["license_verified"] is False
    assert dashboard["notifications"][0] == {
        "id": expiry_notice_id(pid, expiry, "error"), "level": "error",
        "message": f"Your license expired on {long_date(expiry)}. Upload your renewed license.",
        "created_at": verified_at(officer, pid), "read": False,
    }, "it applies from the day after the expiry date, but not before the license was verified"
    own.close()


def test_the_dashboard_warns_30_days_ahead(live_server: LiveServer, anon: httpx.Client, officer: httpx.Client) -> None:
    account, own = verified_account(anon, officer)
    pid = account["profile"]["id"]
    first = own.get("/auth/provider/dashboard/").json()["notifications"]
    assert first[0]["message"].startswith("Your license was verified."), "no notice 365 days ahead"
    set_expiry(live_server, pid, 31)
    assert own.get("/auth/provider/dashboard/").json()["notifications"] == first, "none 31 days ahead"

    expiry = set_expiry(live_server, pid, 17)
    notices = own.get("/auth/provider/dashboard/").json()["notifications"]
    notice = {k: v for k, v in notices[0].items() if k != "created_at"}
    assert notice == {
        "id": expiry_notice_id(pid, expiry, "warning"), "level": "warning",
        "message": f"Your license expires on {long_date(expiry)}, in 17 days. Upload your renewed license before "
                   "then.",
        "read": False,
    }
    assert notices[1:] == first, "the stored notifications follow, unchanged"
    assert notices[0]["created_at"] == verified_at(officer, pid), "not before the license was verified"
    again = own.get("/auth/provider/dashboard/").json()["notifications"][0]
    assert again == notices[0], "the same notice on every read"
    live_server.manage("shell", "-c", (
        "import datetime\n"
        "from django.utils import timezone\n"
        "from server.credentialing.models import AuditEvent\n"
        f"AuditEvent.objects.filter(provider_id={pid!r}, action='verified').update(\n"
        "    at=timezone.now() - datetime.timedelta(days=100))\n"))
    verified_long_ago = own.get("/auth/provider/dashboard/").json()["notifications"][0]
    assert verified_long_ago["created_at"] == f"{expiry - timedelta(days=30)}T00:00:00Z", "when the window opened"

    expiry = set_expiry(live_server, pid, 1)
    assert own.get("/auth/provider/dashboard/").json()["notifications"][0]["message"] == (
        f"Your license expires on {long_date(expiry)}, in 1 day. Upload your renewed license before then.")
    expiry = set_expiry(live_server, pid, 0)
    today = own.get("/auth/provider/dashboard/").json()
    assert today["license_status"] == "verified", "valid through its expiry date"
    assert today["notifications"][0]["message"] == (
        f"Your license expires today, {long_date(expiry)}. Upload your renewed license today.")
    own.close()


def test_a_stored_expired_status_and_a_rejection(live_server: LiveServer, anon: httpx.Client,
                                                 officer: httpx.Client) -> None:
    account, own = verified_account(anon, officer)
    pid = account["profile"]["id"]
    expiry = set_expiry(live_server, pid, -400, status="expired")
    body = own.get("/auth/provider/dashboard/").json()
    assert body["license_status"] == "expired"
    assert body["notifications"][0]["level"] == "error"
    assert body["notifications"][0]["message"] == (
        f"Your license expired on {long_date(expiry)}. Upload your renewed license.")

    officer.post(f"/providers/{pid}/license/decision/",
                 json={"decision": "rejected", "note": "Renew it first."}).raise_for_status()
    body = own.get("/auth/provider/dashboard/").json()
    assert body["license_status"] == "rejected"
    first = body["notifications"][0]
    assert (first["level"], first["message"], first["read"]) == (
        "error", "Your license was rejected: Renew it first.", False), "stored at decision time, no expiry notice"
    uuid.UUID(first["id"])
    assert own.get("/auth/provider/dashboard/").json()["notifications"][0] == first
    own.close()
