"""How the server runs: the command line, its data folder, shared throttles, the admin, PostgreSQL."""
from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.helpers.live_server import ROOT, LiveServer, running_server, start_server


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_serve_prints_one_line_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", demo_providers=None)
    assert re.fullmatch(r"Serving on http://127\.0\.0\.1:\d+/api/v1/\n", "".join(server.output))
    assert httpx.get(f"{server.api}/health/").json()["status"] == "ok"
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0
    key = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    if not server.database_url:
        assert (tmp_path / "data" / "db.sqlite3").exists()


def test_no_debug_pages(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/no/such/page")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}
    assert "Traceback" not in answer.text
    assert "DEBUG" not in answer.text


def test_django_admin_for_superusers(live_server: LiveServer) -> None:
    email = f"root.{uuid.uuid4().hex[:8]}@example.org"
    env = {**os.environ, "PROVIDERDESK_DATA_DIR": str(live_server.data_dir),
           "DJANGO_SUPERUSER_PASSWORD": "Admin-Secret-2049"}
    if live_server.database_url:
        env["DATABASE_URL"] = live_server.database_url
    subprocess.run([sys.executable, "-m", "server", "manage", "createsuperuser", "--noinput", "--email", email,
                    "--username", email], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as browser:
        page = browser.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token
        browser.post("/admin/login/?next=/admin/", data={
            "csrfmiddlewaretoken": token.group(1), "username": email, "password": "Admin-Secret-2049"},
            headers={"Referer": f"{live_server.url}/admin/login/"})
        providers = browser.get("/admin/directory/provider/")
        assert providers.status_code == 200
        assert "Select provider to change" in providers.text
        assert browser.get("/static/admin/css/base.css").status_code == 200, "the admin is styled"
    api = live_server.login(email, "Admin-Secret-2049")
    assert api["user"]["role"] == "facility_admin", "superusers count as facility administrators"


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_login_throttle_shared_by_processes_through_redis(tmp_path: Path) -> None:
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "THROTTLE_ANON": "1000/minute"}
    email = f"guess.{uuid.uuid4().hex}@example.org"
    with running_server(tmp_path / "a", demo_providers=None, env=env) as first:
        second = start_server(tmp_path / "b", demo_providers=None, env=env)
        try:
            for _ in range(5):
                answer = httpx.post(f"{first.api}/auth/login/", json={"email": email, "password": "nope"})
                assert answer.status_code == 401
            other = httpx.post(f"{second.api}/auth/login/", json={"email": email, "password": "nope"})
            assert other.status_code == 429, "the second process knows the failures seen by the first"
        finally:
            second.stop()


@pytest.mark.skipif(not os.environ.get("PROVIDERDESK_TEST_DATABASE_URL"), reason="PostgreSQL run only")
def test_postgres_search_uses_the_trigram_index(live_server: LiveServer) -> None:
    plan = live_server.manage("shell", "-c", (
        "from django.db import connection\n"
        "from server.directory.models import Provider\n"
        "from server.directory.selectors import search_filter\n"
        "sql, params = search_filter(Provider.objects.all(), 'smith').values('id').query.sql_with_params()\n"
        "cur = connection.cursor()\n"
        "cur.execute('SET enable_seqscan = off')\n"
        "cur.execute('EXPLAIN ' + sql, params)\n"
        "print('\\n'.join(r[0] for r in cur.fetchall()))\n"))
    assert "provider_search_trgm" in plan, plan
