"""Shared fixtures: a real reference server over HTTP, and signed-in clients for each role."""
from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer, running_server
from tests.helpers.seed_server import SeedServer, running_seed_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
