"""Screening against the OIG's LEIE (docs/api.md, "Screening"): who may read and load, atomic loads, the rules.

The rows of each file here are made for the test's own providers; every file is published later than
the one before it (the server refuses an older one), so tests may run in any order on the shared server.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract.validation import FLAG_CLEAR_REASON, VERIFY_EXCLUDED
from tests.helpers.factories import (
    create_provider,
    later_published,
    leie_file,
    leie_line,
    leie_upload,
    unique,
    unique_npi,
)
from tests.helpers.live_server import ROOT, LiveServer

SAMPLE = Path(__file__).parent / "fixtures" / "leie-sample.csv"
published, line, leie, upload = later_published, leie_line, leie_file, leie_upload


def flags_of(client: httpx.Client, provider_id: str) -> list[dict[str, Any]]:
    answer = client.get("/screening/flags/", params={"provider": provider_id, "page_size": 500})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


# Role rows first: screening is staff-only; no provider sees it, not even about itself.
READS = ("/screening/files/", "/screening/flags/", "/screening/runs/", "/screening/status/")


@pytest.mark.parametrize("path", READS)
def test_only_staff_read_screening(live_server: LiveServer, anon: httpx.Client, provider: httpx.Client,
                                   admin: httpx.Client, officer: httpx.Client, path: str) -> None:
    assert anon.get(path).status_code == 401
    assert provider.get(path).status_code == 403
    assert admin.get(path).status_code == 200
    assert officer.get(path).status_code == 200


def test_only_credentialing_officers_load_files(anon: httpx.Client, provider: httpx.Client,
                                               admin: httpx.Client) -> None:
    content = leie(line(f"Nobody{unique()}", "Ann"))
    assert upload(anon, content).status_code == 401
    assert upload(provider, content).status_code == 403
    assert upload(admin, content).status_code == 403


def test_a_provider_reads_nothing_of_its_own_flags(live_server: LiveServer, officer: httpx.Client,
                                                   provider: httpx.Client) -> None:
    own = provider.get("/auth/provider/profile/").json()
    assert upload(officer, leie(line(own["last_name"], own["first_name"]))).status_code == 201
    assert flags_of(officer, own["id"]), "the officer sees the flag"
    assert provider.get("/screening/flags/", params={"provider": own["id"]}).status_code == 403
    for answer in (provider.get("/auth/provider/profile/"), provider.get(f"/providers/{own['id']}/"),
                   provider.get("/auth/provider/dashboard/")):
        assert "flag" not in answer.text.lower()
        assert "leie" not in answer.text.lower()


def test_the_rules_flag_with_their_evidence(officer: httpx.Client, admin: httpx.Client) -> None:
    tag = unique()
    excluded = create_provider(admin, npi=unique_npi(), last_name=f"Ex{tag}", license_number=f"CA-X{tag}")
    named = create_provider(admin, first_name="José", last_name=f"Núñez-{tag}", license_number=f"CA-N{tag}")
    elsewhere = create_provider(admin, first_name="Lee", last_name=f"Far{tag}", license_number=f"NY-F{tag}")
    reinstated = create_provider(admin, npi=unique_npi(), last_name=f"Back{tag}", license_number=f"CA-B{tag}")
    content = leie(line("SOMEONE", "ELSE", npi=excluded["npi"]),
                   line(f"NUNEZ {tag}".upper(), "JOSE", state="CA"),
                   line(f"FAR{tag}".upper(), "LEE", state="CA"),
                   line(f"BACK{tag}".upper(), "ANN", npi=reinstated["npi"], reinstated="20240101"))
    answer = upload(officer, content, name="UPDATED-2026-12.csv")
    assert answer.status_code == 201, answer.text
    loaded = answer.json()["file"]
    assert (loaded["name"], loaded["rows"], loaded["current"], loaded["source"]) == ("UPDATED-2026-12.csv", 4, True,
                                                                                       "leie")
    [flag] = flags_of(officer, excluded["id"])
    assert (flag["kind"], flag["source"], flag["line"]) == ("excluded", "leie", 2)
    assert flag["evidence"]["NPI"] == excluded["npi"]
    assert flag["file"]["sha256"] == loaded["sha256"]
    [maybe] = flags_of(officer, named["id"])
    assert (maybe["kind"], maybe["line"], maybe["evidence"]["FIRSTNAME"]) == ("possible_match", 3, "JOSE")
    assert flags_of(officer, elsewhere["id"]) == [], "another state's row is another person"
    assert flags_of(officer, reinstated["id"]) == [], "a reinstated row flags nobody"
    assert admin.get("/screening/flags/", params={"kind": "excluded"}).status_code == 200


def test_a_flag_whose_row_is_in_the_next_file_stays_the_same(officer: httpx.Client, admin: httpx.Client) -> None:
    made = create_provider(admin, npi=unique_npi())
    row = line("SOMEONE", "ELSE", npi=made["npi"])
    assert upload(officer, leie(row)).status_code == 201
    [first] = flags_of(officer, made["id"])
    assert upload(officer, leie(line(f"Other{unique()}", "Ann"), row)).status_code == 201
    [again] = flags_of(officer, made["id"])
    assert (again["id"], again["created_at"], again["line"]) == (first["id"], first["created_at"], 3)
    assert upload(officer, leie(line(f"Other{unique()}", "Ann"))).status_code == 201
    assert flags_of(officer, made["id"]) == [], "a row no longer listed takes its flag away"


BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "header only": (leie(), "The file has the LEIE's header but no rows."),
    "wrong header": (b"LAST,FIRST\r\nA,B\r\n", "column 1 should be LASTNAME"),
    "too few columns": (leie(line("A", "B"), "SMITH,JOHN,,,INDIVIDUAL"), "Line 3 has 5 columns; every line of"),
    "cut in a quote": (leie(line("A", "B"))[:-2] + b'\r\nSMITH,"JOHN', "Line 3"),
    "letters in the npi": (leie(line("A", "B", npi="12345ABCDE")), "Line 2: NPI is '12345ABCDE', not 10 digits"),
    "a bad date": (leie(line("A", "B", reinstated="20241345")), "Line 2: REINDATE is '20241345', not a date"),
    "utf-16": ("\ufeff".encode("utf-16-le") + leie(line("A", "B")).decode().encode("utf-16-le"), "UTF-16"),
    "latin-1": (leie(line("MÜLLER", "B")).decode().encode("latin-1"), "Line 2 is not UTF-8 text (byte 0xDC)"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_naming_the_problem_and_nothing_changes(officer: httpx.Client, case: str) -> None:
    before = officer.get("/screening/files/").json()
    flags = officer.get("/screening/flags/", params={"page_size": 1}).json()["count"]
    content, words = BAD_FILES[case]
    answer = upload(officer, content)
    assert answer.status_code == 400
    assert words in answer.json()["file"][0]
    assert officer.get("/screening/files/").json() == before
    assert officer.get("/screening/flags/", params={"page_size": 1}).json()["count"] == flags


def test_an_older_or_the_same_file_is_refused(officer: httpx.Client) -> None:
    content = leie(line(f"Once{unique()}", "Ann"))
    when = published()
    assert upload(officer, content, when=when).status_code == 201
    same = upload(officer, content, when=published())
    assert same.status_code == 400
    assert "already loaded" in same.json()["file"][0]
    older = upload(officer, leie(line(f"Twice{unique()}", "Ann")), when="2001-01-01")
    assert older.status_code == 400
    assert "older than the one loaded" in older.json()["file"][0]
    [current] = [f for f in officer.get("/screening/files/").json() if f["current"]]
    assert current["published"] == when


def test_the_sample_with_the_real_header_loads_quoted_commas_and_all(officer: httpx.Client) -> None:
    answer = upload(officer, SAMPLE.read_bytes(), name="UPDATED.csv")
    assert answer.status_code == 201, answer.text
    assert answer.json()["file"]["rows"] == 3


def test_the_server_command_loads_a_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    good, bad = tmp_path / "UPDATED.csv", tmp_path / "bad.csv"
    good.write_bytes(SAMPLE.read_bytes())
    bad.write_bytes(leie(line("A", "B", npi="12345ABCDE")))

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "server", "manage", "leie_load", *args],
                              cwd=ROOT, env={**_env(), "PROVIDERDESK_DATA_DIR": str(data_dir)},
                              capture_output=True, text=True, timeout=120)

    subprocess.run([sys.executable, "-m", "server", "manage", "migrate", "-v0"], cwd=ROOT, check=True,
                   env={**_env(), "PROVIDERDESK_DATA_DIR": str(data_dir)}, timeout=120)
    done = command(str(good))
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert f"Loaded UPDATED.csv: 3 rows, published 2024-01-05, SHA-256 {digest}." in done.stdout  # its newest date
    refused = command(str(bad))
    assert refused.returncode != 0
    assert "bad.csv was not loaded, nothing changed: Line 2: NPI is '12345ABCDE'" in refused.stderr
    run = subprocess.run([sys.executable, "-m", "server", "manage", "screening_run"], cwd=ROOT, timeout=120,
                         env={**_env(), "PROVIDERDESK_DATA_DIR": str(data_dir)}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"against UPDATED.csv ({digest[:12]}…): 0 new flags, 0 gone" in run.stdout


def _env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


def flagged(officer: httpx.Client, admin: httpx.Client) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A provider flagged Excluded by a new file: the provider, the file's row, the flag."""
    made = create_provider(admin, npi=unique_npi())
    row = line("SOMEONE", "ELSE", npi=made["npi"])
    assert upload(officer, leie(row)).status_code == 201
    [flag] = flags_of(officer, made["id"])
    return made, row, flag


def test_an_officer_confirms_or_clears_a_flag_with_a_reason_audited(officer: httpx.Client,
                                                                   admin: httpx.Client) -> None:
    made, row, flag = flagged(officer, admin)
    assert (flag["decision"], flag["decided_by"]) == (None, "")
    path = f"/screening/flags/{flag['id']}/decision/"
    unexplained = officer.post(path, json={"decision": "cleared", "reason": "  "})
    assert (unexplained.status_code, unexplained.json()) == (400, {"reason": [FLAG_CLEAR_REASON]})
    confirmed = officer.post(path, json={"decision": "confirmed"})
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["decision"], confirmed.json()["decided_by"]) == ("confirmed", "credentialing@demo.local")
    cleared = officer.post(path, json={"decision": "cleared", "reason": "Another person: born 1931, ours 1980"})
    body = cleared.json()
    assert (body["decision"], body["decision_reason"]) == ("cleared", "Another person: born 1931, ours 1980")
    assert [(event["decision"], event["actor"]) for event in body["history"]] == [
        ("cleared", "credentialing@demo.local"), ("confirmed", "credentialing@demo.local")]
    assert officer.post(path, json={"decision": "excluded"}).status_code == 400
    assert admin.post(path, json={"decision": "confirmed"}).status_code == 403, "administrators read only"
    # a later file with the same row keeps the flag and its decision
    assert upload(officer, leie(line(f"Other{unique()}", "Ann"), row)).status_code == 201
    [kept] = flags_of(officer, made["id"])
    assert (kept["id"], kept["decision"], kept["line"]) == (flag["id"], "cleared", 3)
    assert len(admin.get(f"/screening/flags/{flag['id']}/").json()["history"]) == 2


def test_a_changed_row_is_new_evidence_and_its_flag_is_open_again(officer: httpx.Client, admin: httpx.Client) -> None:
    made, row, flag = flagged(officer, admin)
    officer.post(f"/screening/flags/{flag['id']}/decision/", json={"decision": "cleared", "reason": "Not ours"})
    moved = row.replace("SPRINGFIELD", "SHELBYVILLE")  # the OIG corrected the row's address
    assert upload(officer, leie(moved)).status_code == 201
    [again] = flags_of(officer, made["id"])
    assert again["id"] != flag["id"]
    assert again["decision"] is None
    assert admin.get(f"/screening/flags/{flag['id']}/").status_code == 404


def test_a_load_is_a_monitoring_run_stored_as_a_diff_and_a_rerun_is_identical(officer: httpx.Client,
                                                                             admin: httpx.Client) -> None:
    made, _row, flag = flagged(officer, admin)
    [run] = officer.get("/screening/runs/", params={"page_size": 1}).json()["results"]
    detail = officer.get(f"/screening/runs/{run['id']}/").json()
    assert flag["id"] in [change["flag_id"] for change in detail["added"]]
    [file] = detail["files"]
    assert (file["source"], file["sha256"]) == ("leie", flag["file"]["sha256"])
    first = officer.post("/screening/runs/")
    assert first.status_code == 201, first.text
    again = officer.post("/screening/runs/").json()
    assert (again["added"], again["removed"], again["added_count"]) == ([], [], 0), "nothing changed meanwhile"
    assert (again["counts"], again["files"]) == (first.json()["counts"], first.json()["files"])
    assert again["providers"] >= 1
    officer.post(f"/screening/flags/{flag['id']}/decision/", json={"decision": "confirmed"})
    assert upload(officer, leie(line(f"Other{unique()}", "Ann"))).status_code == 201
    [latest] = officer.get("/screening/runs/", params={"page_size": 1}).json()["results"]
    gone = officer.get(f"/screening/runs/{latest['id']}/").json()["removed"]
    assert [(change["provider_id"], change["decision"]) for change in gone if change["flag_id"] == flag["id"]] == [
        (made["id"], "confirmed")]


def test_the_status_says_the_last_runs_age_and_whether_monitoring_is_overdue(officer: httpx.Client,
                                                                              admin: httpx.Client) -> None:
    run = officer.post("/screening/runs/").json()
    status = admin.get("/screening/status/").json()
    assert (status["last_run"]["id"], status["age_days"], status["overdue"]) == (run["id"], 0, False)
    assert set(status["last_run"]["counts"]) == {"excluded", "possible_match"}
    assert admin.post("/screening/runs/").status_code == 403, "administrators read; officers run"


def test_verify_refuses_a_provider_with_an_excluded_flag_until_it_is_cleared(officer: httpx.Client,
                                                                            admin: httpx.Client) -> None:
    made, _row, flag = flagged(officer, admin)
    path = f"/providers/{made['id']}/license/decision/"
    verify = {"decision": "verified", "license_expiry_date": "2099-01-01"}
    refused = officer.post(path, json=verify)
    assert (refused.status_code, refused.json()) == (400, {"decision": [VERIFY_EXCLUDED]})
    assert admin.get(f"/providers/{made['id']}/").json()["license_status"] == "pending_verification"
    officer.post(f"/screening/flags/{flag['id']}/decision/", json={"decision": "confirmed"}).raise_for_status()
    assert officer.post(path, json=verify).status_code == 400, "confirmed: still excluded"
    officer.post(f"/screening/flags/{flag['id']}/decision/",
                 json={"decision": "cleared", "reason": "Another person"}).raise_for_status()
    verified = officer.post(path, json=verify)
    assert (verified.status_code, verified.json()["license_status"]) == (200, "verified")
    assert officer.post(path, json={"decision": "rejected", "note": "Scan unreadable"}).status_code == 200
