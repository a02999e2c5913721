"""The frozen application (providerdesk.spec) builds, starts offscreen and leaves nothing behind.

PyInstaller builds dist/ProviderDesk into a temporary folder; the executable then starts as a user
starts it, with no Python of its own to call: its embedded server is a child of the same executable
(`--serve-embedded`), which migrates and seeds its demo database inside the bundle. The test reaches
the sign-in window with the server answering (a demo account signs in over HTTP), quits it as the
system does (SIGTERM) and finds no process of the bundle left; killed outright, the application's
server stops by itself. Needs the `bundle` extra (.ci/run installs it for this step): without
PyInstaller the test skips, unless PROVIDERDESK_BUNDLE_TEST=1 (CI) makes that a failure.
"""
from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
READY = "sign-in window ready"
FAILED = "embedded server failed"  # logged when the server could not start (the window then says why)
SERVER_URL = re.compile(r"embedded server ready at (\S+)")

pytestmark = [
    pytest.mark.slow,
    # building (minutes) and a first start (migrations, the demo seed) on a busy machine: bounds, not measures
    pytest.mark.timeout(3600),
    pytest.mark.skipif(sys.platform != "linux", reason="builds and runs the Linux bundle (reads /proc)"),
]


def _bundle_processes(dist: Path) -> list[int]:
    """Processes running the bundle's executable at `dist` (only ours: the path is this test's)."""
    executable = str(dist / "ProviderDesk" / "ProviderDesk").encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if command and command[0] == executable:
                found.append(int(entry.name))
    return found


def _wait(predicate: Callable[[], object], limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if importlib.util.find_spec("PyInstaller") is None:
        if os.environ.get("PROVIDERDESK_BUNDLE_TEST") == "1":
            pytest.fail("PyInstaller is missing: pip install -e '.[bundle]'")
        pytest.skip("PyInstaller is not installed (the bundle extra)")
    work = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(work / "dist"),
         "--workpath", str(work / "build"), str(ROOT / "providerdesk.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=2400)
    assert built.returncode == 0, built.stderr[-4000:]
    yield work / "dist"
    for pid in _bundle_processes(work / "dist"):  # a failed assertion must leave nothing running either
        os.kill(pid, signal.SIGKILL)


def _start(dist: Path, home: Path) -> subprocess.Popen[bytes]:
    # a settings file of the user's (another server) must not apply: the config folder is the test's own
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "share")}
    env = {name: value for name, value in env.items() if not name.startswith("PROVIDERDESK_")}
    return subprocess.Popen([str(dist / "ProviderDesk" / "ProviderDesk"), "--data-dir", str(home / "data"),
                             "--demo-providers", "40"],
                            cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _wait_for_sign_in(app: subprocess.Popen[bytes], home: Path) -> None:
    """Until the sign-in window is ready with its server, or the start failed (told at once, with the log).

    No bound on a slow start but a generous one: on a busy machine the first start (migrations and the
    demo seed inside the bundle) has taken minutes; a start that failed says so in the log at once.
    """
    _wait(lambda: READY in _log(home) or FAILED in _log(home) or app.poll() is not None, 1200, "the sign-in window")
    assert FAILED not in _log(home), _log(home)


def _log(home: Path) -> str:
    path = home / "data" / "logs" / "providerdesk.log"
    return path.read_text() if path.exists() else ""


def test_the_bundle_reaches_sign_in_and_quits_cleanly(dist: Path, tmp_path: Path) -> None:
    assert (dist / "ProviderDesk" / "ProviderDesk").is_file()
    assert (dist / "ProviderDesk" / "_internal" / "resources" / "providerdesk-256.png").is_file(), "the icons"
    app = _start(dist, tmp_path)
    try:
        _wait_for_sign_in(app, tmp_path)
        assert app.poll() is None, f"the bundle stopped (status {app.returncode}):\n{_log(tmp_path)}"
        found = SERVER_URL.search(_log(tmp_path))
        assert found, _log(tmp_path)
        url = found.group(1)
        assert httpx.get(url + "/health/", timeout=10).json()["status"] == "ok"
        login = httpx.post(url + "/auth/login/", json={"email": "provider@demo.local", "password": "demo-pass-2026"},
                           timeout=10)
        assert login.status_code == 200, "migrated and seeded inside the bundle"
        assert len(_bundle_processes(dist)) == 2, "the desktop and its server, both the bundle's executable"
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=120) == 0
        _wait(lambda: not _bundle_processes(dist), 120, "every process of the bundle to stop")
        assert "embedded server stopped" in _log(tmp_path)
    finally:
        app.kill()
        app.wait(timeout=10)


def test_the_bundles_server_stops_when_the_application_is_killed(dist: Path, tmp_path: Path) -> None:
    app = _start(dist, tmp_path)
    try:
        _wait_for_sign_in(app, tmp_path)
        assert len(_bundle_processes(dist)) == 2
        app.kill()  # no chance to stop its server: the server sees its standard input close
        app.wait(timeout=10)
        _wait(lambda: not _bundle_processes(dist), 120, "the orphaned server to stop by itself")
    finally:
        app.kill()
        app.wait(timeout=10)
