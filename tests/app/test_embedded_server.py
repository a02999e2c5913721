"""The embedded server starts, answers, stops; a failed start is an error with its output."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.embedded_server import EmbeddedServer, EmbeddedServerError
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
