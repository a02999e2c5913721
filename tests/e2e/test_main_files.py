"""`python main.py` keeps its data folder private and deletes what a killed run left for one run only."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.live_server import ROOT, LiveServer

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_folder_logs_and_leftovers(tmp_path: Path, live_server: LiveServer) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)  # as an earlier version left it
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    leftovers = data / "temporary"
    leftovers.mkdir()
    stale = [leftovers / f"{ended.pid}-directory-00ff.db{side}" for side in ("", "-wal", "-shm")]
    for path in stale:
        path.write_bytes(b"encrypted rows of a killed run")
    log = data / "logs" / "providerdesk.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "main.py", "--server", live_server.api, "--data-dir", str(data)],
                           cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "starting; log file" in log.read_text()):
            assert time.monotonic() < deadline, "main.py did not start"
            assert app.poll() is None, "main.py ended"
            time.sleep(0.1)
        assert mode(data) == 0o700
        assert mode(log.parent) == 0o700
        assert mode(log) == 0o600
        assert not any(path.exists() for path in stale), "a killed run's temporary files are deleted"
    finally:
        app.kill()
