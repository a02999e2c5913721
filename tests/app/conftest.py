"""Fixtures of the core's tests: an in-memory keyring, and servers with short token lifetimes."""
from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from tests.helpers.live_server import LiveServer, running_server
from tests.helpers.memory_keyring import MemoryKeyring

SHORT = {"JWT_ACCESS_LIFETIME_SECONDS": "2", "JWT_REFRESH_LIFETIME_SECONDS": "60"}


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(scope="package")
def short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Access tokens live 2 seconds; refresh tokens are not rotated."""
    with running_server(tmp_path_factory.mktemp("short"), demo_providers=5, env=SHORT) as server:
        yield server


@pytest.fixture(scope="package")
def rotating_short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Access tokens live 2 seconds; every refresh answers a new refresh token."""
    env = {**SHORT, "JWT_ROTATE_REFRESH_TOKENS": "1"}
    with running_server(tmp_path_factory.mktemp("rotating"), demo_providers=5, env=env) as server:
        yield server
