"""The tests' own shared sign-ins (tests/helpers/live_server.py, SignIns) and the summary of large
failed comparisons (tests/helpers/big_values.py): the machinery that keeps a slow run green and its
log readable, checked like any other code."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.helpers.big_values import LARGE, summary
from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer, SignIns, running_server


@pytest.fixture(scope="module")
def quick_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Access tokens live 4 seconds, so half a lifetime passes within a test."""
    with running_server(tmp_path_factory.mktemp("quick"), demo_providers=None,
                        env={"JWT_ACCESS_LIFETIME_SECONDS": "4"}) as server:
        yield server


def test_a_token_is_renewed_after_half_its_lifetime_by_refreshing(quick_server: LiveServer) -> None:
    with quick_server.client() as anon:
        account = register_provider(anon)
    sign_ins = SignIns(quick_server, {})
    sign_ins.add("new", account["user"]["email"], account["password"])
    first = sign_ins["new"]
    assert sign_ins["new"] == first, "kept while more than half its life is left"
    with sign_ins.client("new") as own:
        moved = own.patch("/auth/provider/profile/", json={"email": "moved-" + account["user"]["email"]})
        assert moved.status_code == 200, moved.text
        time.sleep(2.1)
        second = sign_ins["new"]
        assert second != first, "renewed once half its lifetime had passed"
        assert own.get("/auth/provider/profile/").status_code == 200, "renewed by the refresh token: the " \
            "account's email changed meanwhile, so signing in again with the old one would have failed"
        time.sleep(4.2)  # the first token has expired: the client signs with a fresh one
        assert own.get("/auth/provider/profile/").status_code == 200


def test_large_values_are_summarised_and_small_ones_left_to_pytest() -> None:
    left, right = b"0" * 10_000_000, b"0" * 5_000_000 + b"1" + b"0" * 4_999_999
    lines = summary(left, right)
    assert lines is not None
    assert sum(map(len, lines)) < 1_000, "a few hundred characters, not the values"
    assert "10,000,000 long" in lines[1]
    assert "at 5,000,000" in lines[1]
    assert summary(b"a" * LARGE, b"b" * LARGE) is None
    assert summary("x" * (LARGE + 1), b"x" * (LARGE + 1)) is None, "values of different types: pytest's own"


def test_the_conftest_hook_summarises_equality_only() -> None:
    from tests.conftest import pytest_assertrepr_compare

    big = "a" * (LARGE + 1)
    assert pytest_assertrepr_compare("==", big, big[:-1] + "b") == summary(big, big[:-1] + "b")
    assert pytest_assertrepr_compare("!=", big, big) is None
