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

from tests.helpers.factories import registration_fields
from tests.helpers.live_server import ROOT, LiveServer, running_server


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_serve_prints_one_line_and_stops_on_sigterm(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", demo_providers=None) as server:  # drops its PostgreSQL database
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
    # Redis keeps 127.0.0.1's count across runs: the per-address cap is not what this test is about
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "THROTTLE_ANON": "1000/minute",
           "LOGIN_ADDRESS_FAILURES": "100000"}
    email = f"guess.{uuid.uuid4().hex}@example.org"
    with running_server(tmp_path / "a", demo_providers=None, env=env) as first, \
            running_server(tmp_path / "b", demo_providers=None, env=env) as second:
        for _ in range(5):
            answer = httpx.post(f"{first.api}/auth/login/", json={"email": email, "password": "nope"})
            assert answer.status_code == 401
        other = httpx.post(f"{second.api}/auth/login/", json={"email": email, "password": "nope"})
        assert other.status_code == 429, "the second process knows the failures seen by the first"


@pytest.mark.skipif(not os.environ.get("PROVIDERDESK_TEST_DATABASE_URL"), reason="PostgreSQL run only")
def test_postgres_search_uses_the_trigram_index(live_server: LiveServer) -> None:
    plan = live_server.manage("shell", "-c", (
        "from django.db import connection\n"
        "from server.directory.models import Provider\n"
        "from server.directory.selectors import search_filter\n"
        # unordered, as the search's filter is (it orders by rank): the model's default name order could
        # be read from provider_name_order_idx instead, filtering every row on a table this small
        "sql, params = search_filter(Provider.objects.all(), 'smith').order_by().values('id').query.sql_with_params()\n"
        "cur = connection.cursor()\n"
        "cur.execute('SET enable_seqscan = off')\n"
        "cur.execute('EXPLAIN ' + sql, params)\n"
        "print('\\n'.join(r[0] for r in cur.fetchall()))\n"))
    assert "provider_search_trgm" in plan, plan


def _serve(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """`python -m server serve --port 0 ARGS` on SQLite; the process and its URL on 127.0.0.1."""
    child_env = {k: v for k, v in os.environ.items() if k not in ("ALLOWED_HOSTS", "DATABASE_URL")}
    process = subprocess.Popen([sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(data_dir),
                                *args], cwd=ROOT, env={**child_env, **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise AssertionError("server did not start: " + line + process.stdout.read())
    port = line.split()[2].rsplit(":", 1)[1].split("/")[0]
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=15)


def test_loopback_server_answers_only_loopback_host_names(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", demo_providers=None) as server:
        port = server.url.rsplit(":", 1)[1]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            assert httpx.get(f"{server.api}/health/", headers={"Host": host}).status_code == 200, host
        refused = httpx.get(f"{server.api}/health/", headers={"Host": "attacker.example"})
        assert refused.status_code == 400
        assert "Traceback" not in refused.text


def test_public_address_without_allowed_hosts_refuses_to_start(tmp_path: Path) -> None:
    child_env = {k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"}
    done = subprocess.run([sys.executable, "-m", "server", "serve", "--host", "0.0.0.0", "--port", "0",
                           "--data-dir", str(tmp_path / "data")], cwd=ROOT, env=child_env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "ALLOWED_HOSTS" in done.stderr
    assert not done.stdout


def test_public_address_answers_the_allowed_hosts(tmp_path: Path) -> None:
    process, url = _serve(tmp_path / "data", "--host", "0.0.0.0", env={"ALLOWED_HOSTS": "providers.example.org"})
    try:
        assert httpx.get(f"{url}/api/v1/health/", headers={"Host": "providers.example.org"}).status_code == 200
        assert httpx.get(f"{url}/api/v1/health/", headers={"Host": "attacker.example"}).status_code == 400
    finally:
        _stop(process)


def test_demo_mode_on_a_public_address_answers_any_host(tmp_path: Path) -> None:
    process, url = _serve(tmp_path / "data", "--host", "0.0.0.0", "--demo", "--demo-providers", "3")
    try:
        assert httpx.get(f"{url}/api/v1/health/", headers={"Host": "laptop.lan"}).status_code == 200
    finally:
        _stop(process)


WSGIREF = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
from server.wsgi import application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

httpd = make_server("127.0.0.1", 0, application, handler_class=Quiet)
print(f"Serving on http://127.0.0.1:{httpd.server_port}/api/v1/", flush=True)
httpd.serve_forever()
"""


def _register_from(api: str, addresses: list[str]) -> list[int]:
    with httpx.Client(base_url=api, timeout=30) as anon:
        return [anon.post("/auth/provider/register/", json=registration_fields(),
                          headers={"X-Forwarded-For": address}).status_code for address in addresses]


ROTATING = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]


@pytest.mark.parametrize(("num_proxies", "statuses"), [("0", [201, 201, 201, 429]), ("1", [201, 201, 201, 201])])
def test_forwarded_for_is_trusted_only_behind_proxies(tmp_path: Path, num_proxies: str, statuses: list[int]) -> None:
    env = {"THROTTLE_REGISTER": "3/hour", "NUM_PROXIES": num_proxies}
    with running_server(tmp_path / "data", demo_providers=None, env=env) as server:
        assert _register_from(server.api, ROTATING) == statuses


def test_forwarded_for_is_ignored_under_another_wsgi_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NUM_PROXIES")}
    env.update(PROVIDERDESK_DATA_DIR=str(tmp_path / "data"), THROTTLE_REGISTER="3/hour",
               THROTTLE_ANON="100000/minute")
    subprocess.run([sys.executable, "-m", "server", "manage", "migrate", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    process = subprocess.Popen([sys.executable, "-c", WSGIREF], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Serving on "), line + process.stdout.read()
        assert _register_from(line.split()[2].removesuffix("/"), ROTATING) == [201, 201, 201, 429]
    finally:
        _stop(process)


def test_manage_help_names_the_command_and_creates_nothing(tmp_path: Path) -> None:
    """Issue 22, item 13: `manage --help` created a data folder and a secret key, and named the module."""
    data_dir = tmp_path / "never-made"
    env = {**os.environ, "PROVIDERDESK_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SECRET_KEY", None)
    for argv in (["manage", "--help"], ["manage"]):
        done = subprocess.run([sys.executable, "-m", "server", *argv], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert "python -m server manage help <subcommand>" in done.stdout
        assert "migrate" in done.stdout
    assert not data_dir.exists()
