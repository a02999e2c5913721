"""Connectivity: offline from any request that could not reach the server, back online only from a
probe the server answered (issue 12: a probe that failed and handled it used to read as online)."""
from __future__ import annotations

import socket

import httpx

from app.api.client import ApiClient
from app.api.connectivity import ConnectionState, Connectivity
from app.api.errors import NotFoundError, OfflineError
from app.tasks import TaskKeeper
from tests.helpers.aio import run
from tests.helpers.live_server import LiveServer


def dead_url() -> str:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{free.getsockname()[1]}/api/v1"


def recorded(connectivity: Connectivity) -> list[ConnectionState]:
    states: list[ConnectionState] = []
    connectivity.on_change(states.append)
    return states


def test_a_failed_probe_run_as_a_task_stays_offline() -> None:
    async def body() -> None:
        client = ApiClient(dead_url(), retries=0)
        connectivity = Connectivity(client)
        states = recorded(connectivity)
        keeper = TaskKeeper(connectivity)
        for _ in range(3):
            await keeper(connectivity.probe())  # handles its failure: the task itself ends without error
        assert states == [ConnectionState.OFFLINE]
        assert not keeper.unhandled_errors
        await client.aclose()

    run(body)


def test_only_an_answered_probe_brings_it_back(live_server: LiveServer) -> None:
    async def body() -> None:
        client = ApiClient(live_server.api)
        connectivity = Connectivity(client)
        states = recorded(connectivity)
        connectivity.report(OfflineError())
        connectivity.report(None)  # a task that read only the cache, or handled its own failure
        connectivity.report(NotFoundError())
        assert connectivity.state is ConnectionState.OFFLINE
        assert await connectivity.probe() is ConnectionState.ONLINE
        assert states == [ConnectionState.OFFLINE, ConnectionState.ONLINE]
        connectivity.set(ConnectionState.SYNCING)
        assert await connectivity.probe() is ConnectionState.SYNCING, "an answered probe leaves a sync syncing"
        await client.aclose()

    run(body)


def test_a_gateway_error_from_a_proxy_is_not_an_answer() -> None:
    async def body() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(502, content=b"{}"))
        client = ApiClient("http://server.invalid/api/v1", transport=transport, retries=0)
        connectivity = Connectivity(client)
        connectivity.set(ConnectionState.OFFLINE)
        assert await connectivity.probe() is ConnectionState.OFFLINE
        await client.aclose()

    run(body)
