"""The stand-in (tests/helpers/seed_server.py) answers what the seed guide's real backend answered.

The recorded scenario (tools/seed_calls.py) runs against a fresh stand-in, and every answer is
compared with the recording (tests/fixtures/seed_backend/answers.json, made by tools/seed_record.py
against that backend): the same status, content type and JSON, every value equal but ids, times and
tokens (which keep their type). Re-recording after that backend changes: docs/api.md.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.helpers.seed_server import FIXTURE, PASSWORD, running_seed_server
from tools.seed_calls import SCHEMA, Scenario, comparable

RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _call(answer: dict[str, object]) -> tuple[object, object, str]:
    return answer["name"], answer["method"], UUID.sub("<id>", str(answer["path"]))


@pytest.fixture(scope="module")
def stand_in_answers() -> list[dict[str, object]]:
    with running_seed_server(providers=0) as server:
        return Scenario(server.api, PASSWORD).run()


def test_the_scenario_calls_what_was_recorded(stand_in_answers: list[dict[str, object]]) -> None:
    assert [_call(a) for a in stand_in_answers] == [_call(a) for a in RECORDED]


@pytest.mark.parametrize("index", range(len(RECORDED)), ids=[a["name"] for a in RECORDED])
def test_the_stand_in_answers_as_recorded(stand_in_answers: list[dict[str, object]], index: int) -> None:
    recorded, answered = RECORDED[index], stand_in_answers[index]
    assert (answered["status"], answered["content_type"]) == (recorded["status"], recorded["content_type"])
    assert comparable(answered["body"]) == comparable(recorded["body"])


def test_the_recording_covers_every_kind_of_answer() -> None:
    """What the issue found the real backend answering is in the recording (so compared above)."""
    by_name = {a["name"]: a for a in RECORDED}
    assert by_name["login"]["body"]["role"]["name"] == "provider"
    assert by_name["login, superuser"]["body"]["role"] == {"name": "user", "permissions": {}}
    assert by_name["login, superuser"]["body"]["authUser"]["roles"] == []
    assert by_name["logout {refresh_token}"]["body"] == {"error": "Invalid token"}
    assert by_name["refresh after logout"]["status"] == 200, "that backend revokes nothing"
    assert by_name["password change at our path"]["content_type"] == "text/html"
    assert by_name["change password"]["body"] == {"message": "Password changed successfully"}
    assert by_name["health (ours only)"]["status"] == 404
    assert "provider_count" not in json.dumps(by_name["hospitals"]["body"])
    assert any(a["path"] == SCHEMA for a in RECORDED)
