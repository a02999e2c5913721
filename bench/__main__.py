"""Command line of the benchmarks: `python -m bench server [--providers N] ...`."""
from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from bench import directory, fhir, keystrokes, load, responsiveness, server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="ProviderDesk benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    server.add_parser(commands)
    directory.add_parser(commands)
    responsiveness.add_parser(commands)
    load.add_parser(commands)
    fhir.add_parser(commands)
    keystrokes.add_parser(commands)
    return parser


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into KeyboardInterrupt so that every `finally` (stopping the server) still runs.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except RuntimeError as exc:  # a failed seed, start or login: its message says what happened
        print(f"bench: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
