"""A server's Redis (REDIS_URL): refused at start when unreachable; when it goes away later, the process
counts throttles on its own, says so in its log and in `/health/`, and answers everything as before."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, ROOT, LiveServer, running_server

HANG_GUARD_S = 120  # a bound against a hang, not a measure


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _redis(port: int, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis of this test's own on `port` (no persistence), stopped at the end."""
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.05)
        yield process
    finally:
        process.kill()
        process.wait()


def test_serve_refuses_an_unreachable_redis_and_never_prints_its_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REDIS_URL"] = f"redis://:hunter2@127.0.0.1:{_free_port()}/0"
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


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {HANG_GUARD_S} s")
        time.sleep(0.2)


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_redis_going_away_degrades_the_process_instead_of_failing_it(tmp_path: Path) -> None:
    port = _free_port()
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    with _redis(port, tmp_path) as redis, running_server(tmp_path / "data", demo_providers=5, env=env) as server:
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
        _wait_for(lambda: "Redis cannot be reached" in "".join(server.output), "warning in the log")
        with _redis(port, tmp_path):
            _wait_for(lambda: _health(server)["status"] == "ok", "recovery once Redis is back")
        _wait_for(lambda: "Redis answers again" in "".join(server.output), "recovery in the log")
        assert "Traceback" not in "".join(server.output)
