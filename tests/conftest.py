"""Shared fixtures: a real reference server over HTTP, and signed-in clients for each role."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.big_values import summary
from tests.helpers.live_server import LiveServer, SignIns, running_server
from tests.helpers.seed_server import SeedServer, running_seed_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The tests never read or write the real user's settings, data or cache (a dialog's Save writes
# settings.json; `python main.py` in an end-to-end test reads it): platformdirs' folders are a
# fresh temporary home for the run, for this process and the ones it starts.
_HOME = tempfile.mkdtemp(prefix="providerdesk-tests-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_variable] = os.path.join(_HOME, _variable.removeprefix("XDG_").removesuffix("_HOME").lower())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a fixture answering SignIns (the shared `tokens`, say) is `shared_sign_in`."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        if definitions is None:
            continue
        for name in item.fixturenames:
            found = definitions.name2fixturedefs.get(name, ())
            if any("SignIns" in str(getattr(d.func, "__annotations__", {}).get("return", "")) for d in found):
                item.add_marker(pytest.mark.shared_sign_in)
                break


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """A failed `==` of large texts or bytes shows sizes, digests and the first difference."""
    return summary(left, right) if op == "==" else None


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


@pytest.fixture(scope="session")
def tokens(live_server: LiveServer) -> SignIns:
    """An access token per demo role, renewed before it expires (see SignIns)."""
    return SignIns(live_server)


@pytest.fixture
def anon(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture
def admin(live_server: LiveServer, tokens: SignIns) -> Iterator[httpx.Client]:
    with live_server.client(auth=tokens.auth("facility_admin")) as client:
        yield client


@pytest.fixture
def officer(live_server: LiveServer, tokens: SignIns) -> Iterator[httpx.Client]:
    with live_server.client(auth=tokens.auth("credentialing_officer")) as client:
        yield client


@pytest.fixture
def provider(live_server: LiveServer, tokens: SignIns) -> Iterator[httpx.Client]:
    with live_server.client(auth=tokens.auth("provider")) as client:
        yield client
