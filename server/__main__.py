"""Command line of the reference server: `serve`, `seed-demo` and `manage`.

    python -m server serve [--host 127.0.0.1] [--port 8001] [--data-dir DIR] [--demo] [--debug]
                           [--threads 8] [--workers N]
    python -m server seed-demo [--providers N] [--data-dir DIR] [--reset]
    python -m server manage ARGS...

Every command makes the files it creates private (umask 077: the data folder 0700, the database
with its -wal/-shm files and the documents 0600). `serve` without ALLOWED_HOSTS answers to the
loopback names only; bound to any other address it refuses to start (exit status 2) unless
ALLOWED_HOSTS is set or it runs in demo mode (which then answers to any host name). It also refuses
(exit status 2) when REDIS_URL names a Redis it cannot reach.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

MAX_WORKERS = 64


def _setup(data_dir: str | None, debug: bool = False) -> None:
    from server.common.files import umask_private

    umask_private()  # before settings create the data folder and SQLite its files
    if data_dir:
        os.environ["PROVIDERDESK_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if debug:
        os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop_when_stdin_closes() -> None:
    """Stop the server when the parent's end of our stdin closes (it quit or crashed), on every system.

    POSIX: SIGTERM to ourselves, which `_stop` turns into KeyboardInterrupt at once. Windows has no
    SIGTERM to catch (os.kill would terminate the process on the spot): interrupt the main thread
    instead, which waitress's loop notices within its one-second select timeout. Either way, a
    server still running 15 s later exits at once.
    """
    # late imports: only the embedded server (--stop-with-stdin) watches its parent
    import _thread
    import threading
    import time

    def watch() -> None:
        while sys.stdin.buffer.read(1024):
            pass
        if os.name == "nt":
            _thread.interrupt_main()
        else:
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(15)  # still here (a request that will not end): go anyway, the parent is gone
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def _allowed_hosts_check(host: str, demo: bool) -> str | None:
    """Why the server must not start on `host` as configured, or None (demo mode may answer any host)."""
    if os.environ.get("ALLOWED_HOSTS", "").strip() or _is_loopback(host):
        return None
    if demo:
        os.environ["ALLOWED_HOSTS"] = "*"
        return None
    return (f"Refusing to serve on {host} without ALLOWED_HOSTS: set it to the host names clients use to "
            "reach this server, comma-separated (e.g. ALLOWED_HOSTS=providers.example.org).")


def _redis_check() -> str | None:
    """Why the server must not start with its REDIS_URL (it cannot be reached), or None."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return None
    from server.common.cache import reachable

    problem = reachable(url)
    if problem is None:
        return None
    shown = urlsplit(url)
    if shown.password:  # never print the password
        shown = shown._replace(netloc=shown.netloc.replace(f":{shown.password}@", ":***@"))
    return (f"Refusing to serve: the Redis of REDIS_URL={shown.geturl()} cannot be reached ({problem}). "
            "Start it, or correct or unset REDIS_URL.")


def serve(args: argparse.Namespace) -> int:
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        print(f"--workers must be between 1 and {MAX_WORKERS}.", file=sys.stderr)
        return 2
    refusal = _allowed_hosts_check(args.host, args.demo) or _redis_check()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    from server.common.memory import large_blocks_returned  # late: settings load in _setup, this needs none

    large_blocks_returned()  # before the worker threads start (server/common/memory.py)
    _setup(args.data_dir, args.debug)
    _migrate()
    if args.demo:
        from server.demo.reset import database_is_empty
        from server.demo.seeding import seed_demo

        if database_is_empty():
            seed_demo(providers=args.demo_providers)
    from django.conf import settings

    from server.wsgi import application

    signal.signal(signal.SIGTERM, _stop)  # gunicorn's master installs its own
    if args.stop_with_stdin:
        _stop_when_stdin_closes()
    if args.workers is not None:
        from server import workers

        if workers.available():
            return workers.run(application, workers.options(
                host=args.host, port=args.port, workers=args.workers, threads=args.threads,
                trust_proxy_headers=bool(settings.NUM_PROXIES)))
        print(f"This system has no worker processes (gunicorn needs fork): one process serves with "
              f"{args.workers * args.threads} threads.", file=sys.stderr, flush=True)
        args.threads *= args.workers
    return _serve_waitress(args, application, trust_proxy_headers=bool(settings.NUM_PROXIES))


def _serve_waitress(args: argparse.Namespace, application: Any, *, trust_proxy_headers: bool) -> int:
    """One process, `args.threads` threads: the embedded server's way, and every system's."""
    from waitress.server import create_server

    server = create_server(
        application, host=args.host, port=args.port, threads=args.threads,
        max_request_body_size=64 * 1024 * 1024, ident="providerdesk",
        # waitress itself trusts no proxy (no trusted_proxy): with NUM_PROXIES=0 it drops X-Forwarded-*
        # headers; behind NUM_PROXIES reverse proxies they must reach Django (common/net.py and DRF's
        # throttles read them, trusting exactly NUM_PROXIES hops)
        clear_untrusted_proxy_headers=not trust_proxy_headers,
    )
    port = getattr(server, "effective_port", args.port)
    print(f"Serving on http://{args.host}:{port}/api/v1/", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def seed(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    _migrate()
    from server.demo.reset import database_is_empty, database_reset
    from server.demo.seeding import seed_demo

    if args.reset:
        database_reset()
    elif not database_is_empty():
        print("The database already holds data; use --reset to replace it with demo data.", file=sys.stderr)
        return 1
    counts = seed_demo(providers=args.providers)
    print(", ".join(f"{n} {name}" for name, n in counts.items()))
    return 0


HELP_ONLY = ([], ["help"], ["--help"], ["-h"])


def manage(argv: list[str]) -> int:
    program = f"{_program()} manage"
    if argv in HELP_ONLY:  # the list of commands needs no server: nothing is created for it
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["PROVIDERDESK_DATA_DIR"] = scratch
            os.environ.setdefault("DJANGO_SECRET_KEY", "only-listing-the-commands")
            _setup(None)
            from django.core.management import execute_from_command_line  # late: after the settings

            execute_from_command_line([program, "help"])
        return 0
    _setup(os.environ.get("PROVIDERDESK_DATA_DIR"))
    from django.core.management import execute_from_command_line

    execute_from_command_line([program, *argv])
    return 0


def _program() -> str:
    """How the user called the server: the installed command, or the module."""
    return "providerdesk-server" if os.path.basename(sys.argv[0]).startswith("providerdesk-server") \
        else "python -m server"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_program(), description="ProviderDesk reference server")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="apply migrations and serve the API with waitress")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    run.add_argument("--data-dir", help="folder for the database, uploads and the secret key")
    run.add_argument("--demo", action="store_true", help="seed demo data when the database is empty")
    run.add_argument("--demo-providers", type=int, default=2000, help="providers to seed with --demo")
    run.add_argument("--threads", type=int, default=8, help="threads of each process (8)")
    run.add_argument("--workers", type=int, metavar="N",
                     help="N worker processes on one port under a master that replaces one that dies "
                          "(gunicorn; POSIX only). Without it: one process (waitress)")
    run.add_argument("--debug", action="store_true", help="Django debug mode (never in production)")
    run.add_argument("--stop-with-stdin", action="store_true",
                     help="stop when standard input closes (the desktop's embedded server: no orphans)")
    demo = commands.add_parser("seed-demo", help="fill an empty database with demo data")
    demo.add_argument("--providers", type=int, default=2000)
    demo.add_argument("--data-dir")
    demo.add_argument("--reset", action="store_true", help="erase the database's data first")
    commands.add_parser("manage", help="Django's management commands", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        return manage(argv[1:])
    args = _parser().parse_args(argv)
    return serve(args) if args.command == "serve" else seed(args)


if __name__ == "__main__":
    sys.exit(main())
