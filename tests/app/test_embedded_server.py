"""The embedded server starts, answers, stops; a failed start is an error with its output."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.embedded_server import (
    PROJECT_ROOT,
    SERVE_EMBEDDED,
    EmbeddedServer,
    EmbeddedServerError,
    no_console_window,
    server_command,
)
from tests.helpers.aio import run


def test_starts_answers_and_stops(tmp_path: Path) -> None:
    async def body() -> None:
        server = EmbeddedServer(tmp_path / "server", demo_providers=20)
        url = await server.start()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api/v1")
        async with httpx.AsyncClient() as client:
            assert (await client.get(url + "/health/")).json()["status"] == "ok"
            login = await client.post(url + "/auth/login/",
                                      json={"email": "provider@demo.local", "password": "demo-pass-2026"})
            assert login.status_code == 200, "demo data is seeded"
        assert server.running
        await server.stop()
        assert not server.running

    run(body)


def test_failed_start_is_a_clear_error_with_its_output(tmp_path: Path) -> None:
    data = tmp_path / "server"
    (data / "db.sqlite3").mkdir(parents=True)  # the database file cannot be opened

    async def body() -> None:
        server = EmbeddedServer(data, demo_providers=5, timeout=60)
        with pytest.raises(EmbeddedServerError) as failed:
            await server.start()
        assert "stopped while starting" in failed.value.message
        assert "Traceback" in failed.value.output or "Error" in failed.value.output
        assert not server.running

    run(body)


def test_unusable_data_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    async def body() -> None:
        with pytest.raises(EmbeddedServerError, match="could not be started"):
            await EmbeddedServer(blocker / "server").start()

    run(body)


def test_the_frozen_application_runs_its_own_executable_as_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle has no Python to run `-m server` with: the child is the executable's --serve-embedded mode."""
    assert server_command() == [sys.executable, "-m", "server"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert server_command() == [sys.executable, SERVE_EMBEDDED]
    assert EmbeddedServer(Path("data"))._command()[:3] == [sys.executable, SERVE_EMBEDDED, "serve"]


def test_no_console_window_flashes_up_on_windows() -> None:
    assert no_console_window("win32") == 0x08000000  # CREATE_NO_WINDOW
    assert no_console_window("linux") == no_console_window("darwin") == 0


def test_the_serve_embedded_mode_is_the_servers_command_line() -> None:
    helped = subprocess.run([sys.executable, "main.py", SERVE_EMBEDDED, "serve", "--help"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0
    assert "--stop-with-stdin" in helped.stdout
