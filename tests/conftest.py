"""Shared fixtures: a real reference server over HTTP, and signed-in clients for each role."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer, running_server
from tests.helpers.seed_server import SeedServer, running_seed_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The tests never read or write the real user's settings, data or cache (a dialog's Save writes
# settings.json; `python main.py` in an end-to-end test reads it): platformdirs' folders are a
# fresh temporary home for the run, for this process and the ones it starts.
_HOME = tempfile.mkdtemp(prefix="providerdesk-tests-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_variable] = os.path.join(_HOME, _variable.removeprefix("XDG_").removesuffix("_HOME").lower())


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no settings file: one a test saved (the settings dialog's Save) is not
    read by the next (an end-to-end test's `python main.py` would go to that test's server)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One demo server for the session (60 providers); tests add their own data beside it."""
    with running_server(tmp_path_factory.mktemp("server")) as server:
        yield server


@pytest.fixture
def seed_server() -> Iterator[SeedServer]:
    """A fresh variant server (the seed guide's own backend, tests/helpers/seed_server.py) per test."""
    with running_seed_server() as server:
        yield server


class _Tokens(dict[str, str]):
    """Access tokens by role, each signed in on first use and kept for the session."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__()
        self.server = server

    def __missing__(self, role: str) -> str:
        self[role] = self.server.login(DEMO_ACCOUNTS[role])["access"]
        return self[role]


@pytest.fixture(scope="session")
def tokens(live_server: LiveServer) -> dict[str, str]:
    """An access token per demo role (see _Tokens)."""
    return _Tokens(live_server)


@pytest.fixture
def anon(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture
def admin(live_server: LiveServer, tokens: dict[str, str]) -> Iterator[httpx.Client]:
    with live_server.client(tokens["facility_admin"]) as client:
        yield client


@pytest.fixture
def officer(live_server: LiveServer, tokens: dict[str, str]) -> Iterator[httpx.Client]:
    with live_server.client(tokens["credentialing_officer"]) as client:
        yield client


@pytest.fixture
def provider(live_server: LiveServer, tokens: dict[str, str]) -> Iterator[httpx.Client]:
    with live_server.client(tokens["provider"]) as client:
        yield client
