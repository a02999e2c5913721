"""The demo seed, run as the real command: repeatable, unique where it must be, never over existing data."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import argon2
import httpx
import pytest

from contract.validation import npi_error
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, ROOT

PROVIDERS = 300
PROVIDER_ROWS = (
    "SELECT id, professional_title, first_name, last_name, email, license_number, professional_role, "
    "specialization, organization_facility, phone_number, license_status, is_active, user_id, npi "
    "FROM directory_provider ORDER BY id"
)


def seed(data_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`python -m server seed-demo` on SQLite in `data_dir` (never on a DATABASE_URL of the caller)."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    command = [sys.executable, "-m", "server", "seed-demo", "--providers", str(PROVIDERS),
               "--data-dir", str(data_dir), *options]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the seeded SQLite file, opened read-only."""
    uri = (data_dir / "db.sqlite3").as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        return db.execute(sql).fetchall()


def seeded_at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    done = seed(data_dir)
    assert done.returncode == 0, done.stderr
    assert f"{PROVIDERS} providers" in done.stdout
    return data_dir


def test_same_count_gives_same_data(seeded: Path, tmp_path: Path) -> None:
    done = seed(tmp_path)
    assert done.returncode == 0, done.stderr
    for sql in (PROVIDER_ROWS, "SELECT id, name, city FROM directory_hospital ORDER BY id",
                "SELECT provider_id, hospital_id FROM directory_provider_hospitals ORDER BY 1, 2",
                "SELECT id, email, username, role FROM accounts_user ORDER BY id",
                "SELECT id, provider_id, patient_name, status FROM appointments_appointment ORDER BY id"):
        first, second = query(seeded, sql), query(tmp_path, sql)
        assert first, sql
        assert first == second, sql


def test_demo_accounts_have_their_roles(seeded: Path) -> None:
    roles = dict(query(seeded, "SELECT email, role FROM accounts_user"))
    assert roles == {email: role for role, email in DEMO_ACCOUNTS.items()}
    linked = query(seeded, "SELECT u.email, u.first_name, u.last_name, p.first_name, p.last_name, p.email "
                           "FROM directory_provider p JOIN accounts_user u ON u.id = p.user_id")
    assert len(linked) == 1
    email, user_first, user_last, first, last, provider_email = linked[0]
    assert email == provider_email == DEMO_ACCOUNTS["provider"]
    assert (user_first, user_last) == (first, last)


def test_demo_password_is_hashed_once_and_matches(seeded: Path) -> None:
    hashes = {row[0] for row in query(seeded, "SELECT password FROM accounts_user")}
    assert len(hashes) == 1
    algorithm, encoded = hashes.pop().split("$", 1)
    assert algorithm == "argon2"  # Argon2id at OWASP's parameters (server/accounts/hashers.py)
    assert encoded.startswith("argon2id$v=19$m=19456,t=2,p=1$")
    assert argon2.PasswordHasher().verify("$" + encoded, DEMO_PASSWORD)


def test_license_numbers_and_emails_are_unique(seeded: Path) -> None:
    (total, licenses, emails, lower_emails), = query(
        seeded, "SELECT COUNT(*), COUNT(DISTINCT UPPER(license_number)), COUNT(DISTINCT email), "
                "SUM(email = LOWER(email)) FROM directory_provider")
    assert total == PROVIDERS
    assert licenses == emails == lower_emails == total


def test_most_providers_carry_a_valid_synthetic_npi_of_their_own(seeded: Path) -> None:
    npis = [npi for (npi,) in query(seeded, "SELECT npi FROM directory_provider WHERE npi IS NOT NULL")]
    assert 0.8 * PROVIDERS <= len(npis) < PROVIDERS, "most give one; some do not"
    assert len(set(npis)) == len(npis)
    assert [npi for npi in npis if npi_error(npi) is not None] == []
    (own,), = query(seeded, "SELECT p.npi FROM directory_provider p JOIN accounts_user u ON u.id = p.user_id")
    assert own == "1234567893"


def test_the_demo_shows_every_kind_of_leie_flag_from_its_own_synthetic_file(seeded: Path) -> None:
    (name, rows, current), = query(seeded, "SELECT name, rows, current FROM screening_referencefile")
    assert (name, current) == ("UPDATED-demo.csv", 1)
    assert rows >= 15
    kinds = dict(query(seeded, "SELECT kind, COUNT(*) FROM screening_screeningflag GROUP BY kind"))
    assert kinds["excluded"] == 3
    assert kinds["possible_match"] >= 4
    (runs,), = query(seeded, "SELECT COUNT(*) FROM screening_monitoringrun")
    assert runs == 1
    assert not query(seeded, "SELECT f.id FROM screening_screeningflag f JOIN directory_provider p "
                             "ON p.id = f.provider_id WHERE p.user_id IS NOT NULL"), "not the demo account's own"


def test_every_provider_has_its_own_revision(seeded: Path) -> None:
    (total, revisions, highest), = query(
        seeded, "SELECT COUNT(*), COUNT(DISTINCT revision), MAX(revision) FROM directory_provider")
    assert revisions == total
    (counter,), = query(seeded, "SELECT value FROM directory_revisioncounter WHERE id = 1")
    assert counter >= highest


def test_providers_look_like_a_real_directory(seeded: Path) -> None:
    statuses = dict(query(seeded, "SELECT license_status, COUNT(*) FROM directory_provider GROUP BY 1"))
    assert set(statuses) == {"verified", "pending_verification", "rejected", "expired"}
    assert statuses["verified"] > PROVIDERS / 2
    assert not query(seeded, "SELECT id FROM directory_provider WHERE license_status = 'rejected' "
                             "AND license_note = ''")
    links = query(seeded, "SELECT COUNT(*) FROM directory_provider_hospitals GROUP BY provider_id")
    assert len(links) == PROVIDERS
    assert {n for (n,) in links} <= {1, 2, 3}
    (hospitals, cities), = query(seeded, "SELECT COUNT(*), COUNT(DISTINCT city) FROM directory_hospital")
    assert hospitals >= 20
    assert cities >= 8


def test_the_head_of_the_pending_queue_has_license_certificates(seeded: Path) -> None:
    pending = [pid for (pid,) in query(seeded, "SELECT id FROM directory_provider WHERE license_status = "
                                                "'pending_verification' AND is_active ORDER BY created_at, id")]
    documents = dict(query(seeded, "SELECT provider_id, file FROM credentialing_licensedocument "
                                   "WHERE content_type = 'application/pdf'"))
    assert pending
    assert set(documents) == set(pending[:120])
    for name in documents.values():
        content = (seeded / "media" / name).read_bytes()
        assert content.startswith(b"%PDF-1.4")
        assert content.rstrip().endswith(b"%%EOF")


def test_registrations_are_spread_over_months(seeded: Path) -> None:
    """created_at is auto_now_add: the seed must keep its own values instead of "now" for every row."""
    created = [seeded_at(text) for (text,) in query(seeded, "SELECT created_at FROM directory_provider")]
    now = datetime.now(UTC)
    assert max(created) <= now
    assert min(created) < now - timedelta(days=365)
    assert len({moment.isocalendar()[:2] for moment in created}) > 40
    events = [seeded_at(text) for (text,) in query(seeded, "SELECT at FROM credentialing_auditevent")]
    assert events
    assert min(events) < now - timedelta(days=100)


def test_seeding_again_needs_reset(tmp_path: Path) -> None:
    assert seed(tmp_path).returncode == 0
    before = query(tmp_path, PROVIDER_ROWS)
    refused = seed(tmp_path)
    assert refused.returncode == 1
    assert "--reset" in refused.stderr
    assert query(tmp_path, PROVIDER_ROWS) == before
    done = seed(tmp_path, "--reset")
    assert done.returncode == 0, done.stderr
    assert query(tmp_path, PROVIDER_ROWS) == before
    (revisions, lowest), = query(tmp_path, "SELECT COUNT(DISTINCT revision), MIN(revision) "
                                           "FROM directory_provider")
    assert revisions == PROVIDERS
    assert lowest > PROVIDERS, "a reset must not take revisions back"


def test_demo_provider_dashboard_shows_numbers(provider: httpx.Client) -> None:
    answer = provider.get("/auth/provider/dashboard/")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["provider_profile"]["email"] == DEMO_ACCOUNTS["provider"]
    assert all(body["stats"][name] > 0 for name in (
        "total_appointments", "upcoming_appointments", "completed_appointments", "patients_count"))
    assert body["recent_activities"]
    assert body["notifications"]


def test_staff_dashboard_shows_activity(officer: httpx.Client) -> None:
    answer = officer.get("/dashboard/")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["providers_total"] > 0
    assert body["recent_activities"]
    assert sum(week["count"] for week in body["registrations_by_week"]) > 0
