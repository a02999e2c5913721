"""Retries: idempotent requests retry on connection errors and 502/503/504; POSTs and probes never do.

A real server cannot be made to answer 503 or drop a connection on cue, so these use a mock
transport (ARCHITECTURE.md, "Tests").
"""
from __future__ import annotations

import httpx
import pytest

from app.api import errors
from app.api.client import ApiClient
from tests.helpers.aio import run

# an answer both the health probe and the schema request read (the schema's GET shows the retries)
HEALTH = b'{"status": "ok", "version": "1", "openapi": "3.0.3"}'


def scripted(*outcomes: int | type[Exception]) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering each request with the next status, or raising the next error."""
    calls: list[str] = []
    queue = list(outcomes)

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(outcome, type):
            raise outcome("scripted failure", request=request)
        return httpx.Response(outcome, content=HEALTH if outcome == 200 else b"{}")

    return httpx.MockTransport(handle), calls


def client_with(transport: httpx.MockTransport, retries: int = 2) -> ApiClient:
    return ApiClient("http://server.invalid/api/v1", transport=transport, retries=retries, backoff=0.001)


@pytest.mark.parametrize("failure", [502, 503, 504, httpx.ConnectError, httpx.ReadError])
def test_get_retries_then_succeeds(failure: int | type[Exception]) -> None:
    transport, calls = scripted(failure, failure, 200)

    async def body() -> None:
        client = client_with(transport)
        assert (await client.openapi_schema())["openapi"] == "3.0.3"
        await client.aclose()

    run(body)
    assert calls == ["GET", "GET", "GET"]


@pytest.mark.parametrize("failure", [503, httpx.ConnectError])
def test_the_health_probe_is_tried_once(failure: int | type[Exception]) -> None:
    """The connectivity probe repeats by itself: retrying inside one would tell offline late."""
    transport, calls = scripted(failure, 200)

    async def body() -> None:
        client = client_with(transport)
        with pytest.raises(errors.OfflineError if failure is httpx.ConnectError else errors.ServerError):
            await client.health()
        await client.aclose()

    run(body)
    assert calls == ["GET"]


def test_retries_are_bounded() -> None:
    transport, calls = scripted(httpx.ConnectError)

    async def body() -> None:
        client = client_with(transport, retries=2)
        with pytest.raises(errors.OfflineError):
            await client.openapi_schema()
        await client.aclose()

    run(body)
    assert len(calls) == 3


def test_post_is_never_retried() -> None:
    transport, calls = scripted(503, 200)

    async def body() -> None:
        client = client_with(transport)
        with pytest.raises(errors.ServerError):
            await client.login("a@b.org", "secret-password")
        await client.aclose()

    run(body)
    assert calls == ["POST"]


def test_post_connection_error_is_offline_at_once() -> None:
    transport, calls = scripted(httpx.ConnectError, 200)

    async def body() -> None:
        client = client_with(transport)
        with pytest.raises(errors.OfflineError):
            await client.login("a@b.org", "secret-password")
        await client.aclose()

    run(body)
    assert calls == ["POST"]


def test_server_error_after_retries() -> None:
    transport, calls = scripted(503)

    async def body() -> None:
        client = client_with(transport, retries=1)
        with pytest.raises(errors.ServerError) as error:
            await client.openapi_schema()
        assert error.value.status == 503
        await client.aclose()

    run(body)
    assert calls == ["GET", "GET"]
