"""`python main.py` as a user starts it: the embedded server comes up, and goes away with it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.live_server import ROOT


def _server_pids(data_dir: Path) -> list[int]:
    """Processes whose command line serves from `data_dir` (the embedded server)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"server" in command and b"serve" in command and str(data_dir).encode() in command:
            pids.append(int(entry.name))
    return pids


def _wait(predicate: object, limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _start(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "main.py", "--data-dir", str(data_dir), "--demo-providers", "40"],
                            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _log(data_dir: Path) -> str:
    path = data_dir / "logs" / "providerdesk.log"
    return path.read_text() if path.exists() else ""


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the server process")
def test_embedded_server_comes_up_and_goes_with_quit(tmp_path: Path) -> None:
    app = _start(tmp_path)
    try:
        _wait(lambda: "embedded server ready" in _log(tmp_path), 90, "the embedded server")
        server_dir = tmp_path / "server"
        assert _server_pids(server_dir), "the embedded server runs"
        assert (server_dir / "db.sqlite3").exists(), "its data lives in the data folder"
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 0
        _wait(lambda: not _server_pids(server_dir), 10, "the server to stop")
        assert "embedded server stopped" in _log(tmp_path)
    finally:
        app.kill()


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the server process")
def test_no_orphan_server_when_the_application_crashes(tmp_path: Path) -> None:
    app = _start(tmp_path)
    try:
        _wait(lambda: "embedded server ready" in _log(tmp_path), 90, "the embedded server")
        server_dir = tmp_path / "server"
        assert _server_pids(server_dir)
        app.kill()  # no chance to clean up
        app.wait(timeout=10)
        _wait(lambda: not _server_pids(server_dir), 15, "the orphaned server to stop by itself")
    finally:
        app.kill()


def test_help_and_bad_server_address() -> None:
    helped = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert helped.returncode == 0
    assert "--server" in helped.stdout
    assert "--data-dir" in helped.stdout
    bad = subprocess.run([sys.executable, "main.py", "--server", "ftp://nowhere"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2
    assert "http:// or https://" in bad.stderr
