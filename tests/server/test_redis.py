"""A server's Redis (REDIS_URL): refused at start when unreachable; when it goes away later, the process
counts throttles on its own, says so in its log and in `/health/`, and answers everything as before."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, ROOT, LiveServer, running_server
from tests.helpers.redis_server import AVAILABLE, free_port, redis_server
from tests.helpers.waiting import HANG_GUARD_S, wait_for


def test_serve_refuses_an_unreachable_redis_and_never_prints_its_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REDIS_URL"] = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    done = subprocess.run([sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(tmp_path / "d")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 2
    assert "REDIS_URL" in done.stderr
    assert "cannot be reached" in done.stderr
    assert "hunter2" not in done.stderr
    assert not done.stdout


def _health(server: LiveServer) -> dict[str, object]:
    answer = httpx.get(f"{server.url}/health/", timeout=30)
    assert answer.status_code == 200
    return answer.json()


def _sign_in(server: LiveServer, password: str = DEMO_PASSWORD) -> httpx.Response:
    with server.client() as client:
        return client.post("/auth/login/", json={"email": DEMO_ACCOUNTS["facility_admin"], "password": password})


@pytest.mark.skipif(not AVAILABLE, reason="needs redis-server")
def test_redis_going_away_degrades_the_process_instead_of_failing_it(tmp_path: Path) -> None:
    port = free_port()
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    with redis_server(port, tmp_path) as redis, running_server(tmp_path / "data", demo_providers=5, env=env) as server:
        assert _health(server) == {"status": "ok", "version": _health(server)["version"]}
        token = _sign_in(server).json()["access"]
        redis.kill()
        redis.wait()
        health = _health(server)  # its own throttle meets the missing Redis first
        assert health["status"] == "degraded"
        assert "Redis cannot be reached" in str(health["problems"])
        assert _sign_in(server).status_code == 200, "sign-in still works, counted in this process"
        assert _sign_in(server, "wrong-password").status_code == 401
        with server.client(token) as client:
            assert client.get("/providers/").status_code == 200
        wait_for(lambda: "Redis cannot be reached" in "".join(server.output), "warning in the log")
        with redis_server(port, tmp_path):
            wait_for(lambda: _health(server)["status"] == "ok", "recovery once Redis is back")
        wait_for(lambda: "Redis answers again" in "".join(server.output), "recovery in the log")
        assert "Traceback" not in "".join(server.output)
