"""The audit export: every decision (or every event) of a date range, oldest first, paginated."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers.factories import create_provider, screened
from tests.helpers.live_server import LiveServer, SignIns

FUTURE = str(date.today() + timedelta(days=365))
RANGE = {"since": "2001-03-02", "until": "2001-03-04"}  # no demo event is this old


def move_events(live_server: LiveServer, times: dict[tuple[str, str], str]) -> None:
    """Set the time of each (provider id, action)'s events to a local time (ISO, no zone)."""
    live_server.manage("shell", "-c", (
        "from datetime import datetime\n"
        "from django.utils import timezone\n"
        "from server.credentialing.models import AuditEvent\n"
        f"for (pid, action), at in {times!r}.items():\n"
        "    moved = AuditEvent.objects.filter(provider_id=pid, action=action).update(\n"
        "        at=timezone.make_aware(datetime.fromisoformat(at)))\n"
        "    assert moved == 1, (pid, action, moved)\n"))


def item(provider: dict[str, Any], at: str, actor: str, action: str, detail: str, fields: list[str]) -> dict:
    return {"at": at, "actor": actor, "action": action, "detail": detail, "fields": fields,
            "provider_id": provider["id"], "provider_name": provider["full_name"],
            "license_number": provider["license_number"]}


@pytest.fixture(scope="module")
def history(live_server: LiveServer, tokens: SignIns) -> dict[str, dict[str, Any]]:
    """Three providers whose events lie around 2 to 4 March 2001 (the server's local dates)."""
    with tokens.client("facility_admin") as admin, \
            tokens.client("credentialing_officer") as officer:
        a, b, c = (create_provider(admin, first_name=name) for name in ("Ann", "Bob", "Cid"))
        screened(officer)
        for target, body in ((a, {"decision": "verified", "license_expiry_date": FUTURE}),
                             (b, {"decision": "rejected", "note": "The scan is unreadable."}),
                             (c, {"decision": "verified", "license_expiry_date": FUTURE})):
            officer.post(f"/providers/{target['id']}/license/decision/", json=body).raise_for_status()
        admin.patch(f"/providers/{c['id']}/", json={"bio": "New bio."}).raise_for_status()
    move_events(live_server, {
        (a["id"], "created"): "2001-03-01T12:00:00",
        (a["id"], "verified"): "2001-03-02T00:00:00",  # the first instant of `since`: in
        (b["id"], "created"): "2001-03-03T08:00:00",
        (c["id"], "updated"): "2001-03-03T08:00:00",  # the same instant: ordered by id after b's
        (b["id"], "rejected"): "2001-03-04T23:59:59.999999",  # the last instant of `until`: in
        (c["id"], "created"): "2001-02-28T09:00:00",
        (c["id"], "verified"): "2001-03-01T23:59:59.999999",  # the day before: out
    })
    return {"a": a, "b": b, "c": c}


def test_default_is_the_decisions_of_the_range(officer: httpx.Client, history: dict[str, dict[str, Any]]) -> None:
    answer = officer.get("/credentialing/audit/", params=RANGE)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 2, "next": None, "previous": None, "results": [
        item(history["a"], "2001-03-02T00:00:00Z", "credentialing@demo.local", "verified", f"expires {FUTURE}",
             ["license_status"]),
        item(history["b"], "2001-03-04T23:59:59.999999Z", "credentialing@demo.local", "rejected",
             "The scan is unreadable.", ["license_status"]),
    ]}


def test_all_actions_and_one_action(admin: httpx.Client, history: dict[str, dict[str, Any]]) -> None:
    every = admin.get("/credentialing/audit/", params={**RANGE, "action": "all"}).json()
    assert [(r["provider_id"], r["action"], r["at"]) for r in every["results"]] == [
        (history["a"]["id"], "verified", "2001-03-02T00:00:00Z"),
        (history["b"]["id"], "created", "2001-03-03T08:00:00Z"),
        (history["c"]["id"], "updated", "2001-03-03T08:00:00Z"),
        (history["b"]["id"], "rejected", "2001-03-04T23:59:59.999999Z"),
    ]
    assert every["results"][2] == item(history["c"], "2001-03-03T08:00:00Z", "admin@demo.local", "updated",
                                       "Changed: bio", ["bio"])
    updated = admin.get("/credentialing/audit/", params={**RANGE, "action": "updated"}).json()
    assert [r["provider_id"] for r in updated["results"]] == [history["c"]["id"]]
    one_day = admin.get("/credentialing/audit/", params={"since": "2001-03-01", "until": "2001-03-01",
                                                         "action": "all"}).json()
    assert [(r["provider_id"], r["action"]) for r in one_day["results"]] == [
        (history["a"]["id"], "created"), (history["c"]["id"], "verified")]


def test_pages_walk_the_range(officer: httpx.Client, history: dict[str, dict[str, Any]]) -> None:
    seen = []
    answer = officer.get("/credentialing/audit/", params={**RANGE, "action": "all", "page_size": 3}).json()
    assert answer["count"] == 4
    assert answer["previous"] is None
    seen += answer["results"]
    assert "page=2" in answer["next"]
    second = officer.get(answer["next"]).json()
    assert second["next"] is None
    assert second["previous"] is not None
    seen += second["results"]
    assert [r["action"] for r in seen] == ["verified", "created", "updated", "rejected"]
    assert officer.get("/credentialing/audit/", params={**RANGE, "page": 9}).status_code == 404


@pytest.mark.parametrize(("params", "errors"), [
    ({}, {"since": ["This field is required."], "until": ["This field is required."]}),
    ({"since": "2001-02-30", "until": "2001-03-01"},
     {"since": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"since": "2001-03-01", "until": "20010302"},
     {"until": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"since": "2001-03-02", "until": "2001-03-01"},
     {"until": ["The end date (until) must not be before the start date (since)."]}),
    ({**RANGE, "action": "approved"},
     {"action": ["Select a valid choice. approved is not one of the available choices."]}),
])
def test_bad_parameters_are_field_errors(officer: httpx.Client, params: dict[str, str],
                                         errors: dict[str, list[str]]) -> None:
    answer = officer.get("/credentialing/audit/", params=params)
    assert answer.status_code == 400
    assert answer.json() == errors


def test_extreme_dates_are_an_empty_page_not_an_error(officer: httpx.Client) -> None:
    for since, until in (("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-31")):
        answer = officer.get("/credentialing/audit/", params={"since": since, "until": until, "action": "all"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"count": 0, "next": None, "previous": None, "results": []}
    whole = officer.get("/credentialing/audit/", params={"since": "0001-01-01", "until": "9999-12-31"})
    assert whole.status_code == 200
    assert whole.json()["count"] >= 2


@pytest.mark.parametrize(("who", "status", "detail"), [
    ("anonymous", 401, "Authentication credentials were not provided."),
    ("provider", 403, "You do not have permission to perform this action."),
])
def test_only_staff_may_export(live_server: LiveServer, tokens: SignIns, who: str, status: int,
                               detail: str) -> None:
    with tokens.client(None if who == "anonymous" else who) as client:
        answer = client.get("/credentialing/audit/", params=RANGE)
    assert answer.status_code == status
    assert answer.json() == {"detail": detail}


def test_the_schema_describes_the_export(anon: httpx.Client, live_server: LiveServer) -> None:
    schema = anon.get(f"{live_server.url}/api/schema/", params={"format": "json"}).json()
    operation = schema["paths"]["/api/v1/credentialing/audit/"]["get"]
    required = {p["name"] for p in operation["parameters"] if p.get("required")}
    assert required == {"since", "until"}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    record = schema["components"]["schemas"][page]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][record]["properties"]) == {
        "at", "actor", "action", "detail", "fields", "provider_id", "provider_name", "license_number"}
