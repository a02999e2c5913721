"""`serve --workers N`: N worker processes on one port under gunicorn's master (POSIX only).

The master loads Django once, before it forks (the application object is handed to gunicorn
whole), so a worker is ready the moment it is forked: one that dies is replaced by a copy of the
master, answering again within a second, not after the seconds a fresh import takes. Each worker
runs `threads` threads (gunicorn's gthread worker: keep-alive connections wait in its selector,
not in a thread). gunicorn has no Windows support (it needs fork and fcntl); there `serve` runs
waitress with the same threads in one process (server/__main__.py).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

# A worker that answers nothing for this long (its main loop stopped: not a long request, which
# runs in a thread) is killed and replaced.
SILENT_WORKER_SECONDS = 60
GRACEFUL_SECONDS = 10  # on SIGTERM, requests under way get this long to finish
KEEPALIVE_SECONDS = 75  # the desktop keeps its connection between clicks (behind a proxy: more than its)


def available() -> bool:
    """Whether this system can run worker processes (gunicorn imports and forks)."""
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def _announce(host: str) -> Callable[[Any], None]:
    """gunicorn's `when_ready` hook: the line the desktop, the tests and the benchmarks wait for."""

    def when_ready(arbiter: Any) -> None:
        port = arbiter.LISTENERS[0].sock.getsockname()[1]
        print(f"Serving on http://{host}:{port}/api/v1/", flush=True)

    return when_ready


def options(*, host: str, port: int, workers: int, threads: int, trust_proxy_headers: bool) -> dict[str, Any]:
    """gunicorn's settings for `serve --workers`."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": SILENT_WORKER_SECONDS,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        # X-Forwarded-* reach Django as sent (common/net.py trusts exactly NUM_PROXIES hops of them);
        # gunicorn itself believes the scheme header only from a trusted proxy
        "forwarded_allow_ips": "*" if trust_proxy_headers else "127.0.0.1,::1",
        "limit_request_field_size": 16 * 1024,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "providerdesk-server",
        "when_ready": _announce(host),
    }


def run(application: Any, settings: dict[str, Any]) -> int:
    """Serve `application` (loaded: the workers fork from this process) with gunicorn until SIGTERM or SIGINT."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    class Master(BaseApplication):
        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    connections.close_all()  # a connection opened by the migrations must not be shared by the forks
    try:
        Master().run()
    except SystemExit as stop:  # gunicorn ends the master with sys.exit: 0 after SIGTERM or SIGINT
        return int(stop.code or 0)
    return 0
