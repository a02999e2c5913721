"""`serve --workers N`: worker processes on one port, one that dies replaced, all stopped by SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from server import workers
from tests.helpers.live_server import ROOT, LiveServer, running_server
from tests.helpers.waiting import HANG_GUARD_S, wait_for

pytestmark = pytest.mark.skipif(not workers.available() or not Path("/proc").is_dir(),
                                reason="worker processes need gunicorn (POSIX) and /proc to find them")


def _children(pid: int) -> set[int]:
    """The processes `pid` started (Linux: /proc/PID/task/*/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _answers(server: LiveServer) -> bool:
    try:
        return httpx.get(f"{server.api}/health/", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", demo_providers=None, extra=("--workers", "2", "--threads", "2")) as server:
        master = server.process.pid
        wait_for(lambda: len(_children(master)) == 2, "two workers")
        first = _children(master)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # the other worker answers meanwhile: the port never stops answering
        assert all(_answers(server) for _ in range(20))
        wait_for(lambda: len(_children(master) - first) == 1 and victim not in _children(master), "replacement")
        replacement = (_children(master) - first).pop()
        os.kill(max(first), signal.SIGKILL)  # now only the replacement (and, soon, another) can answer
        wait_for(lambda: _answers(server), "answer from the replacement")
        assert replacement in _children(master)
        assert "was sent SIGKILL" in "".join(server.output)


def test_sigterm_stops_the_master_and_every_worker(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", demo_providers=None, extra=("--workers", "2")) as server:
        master = server.process.pid
        wait_for(lambda: len(_children(master)) == 2, "two workers")
        spawned = _children(master)
        assert _answers(server)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=HANG_GUARD_S) == 0
        assert not [pid for pid in spawned if Path(f"/proc/{pid}").exists()
                    and "zombie" not in Path(f"/proc/{pid}/status").read_text()], "no worker outlives the master"


def test_worker_count_is_bounded(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "server", "serve", "--port", "0", "--workers", "0",
                           "--data-dir", str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True,
                          timeout=HANG_GUARD_S)
    assert done.returncode == 2
    assert "--workers must be between 1 and 64" in done.stderr
