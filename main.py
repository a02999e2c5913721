"""Start ProviderDesk; for now that means the reference server with demo data, not the desktop.

The desktop application (settings, QApplication, qasync loop, main window) comes in a later
issue and will replace this file. Until then `python main.py` runs
`python -m server serve --demo`: the API on http://127.0.0.1:8001/api/v1/, seeded with demo
data on first run. Arguments are passed on to `serve`, e.g. `python main.py --port 8002`.
The server runs as a child process, as the desktop's embedded server will.
"""
from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType


def main(argv: list[str] | None = None) -> int:
    """Run the demo server until it stops; answer its exit status."""
    args = sys.argv[1:] if argv is None else argv
    command = [sys.executable, "-m", "server", "serve", "--demo", *args]
    with subprocess.Popen(command) as server:

        def _on_sigterm(signum: int, frame: FrameType | None) -> None:
            server.terminate()

        signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return server.wait()
        except KeyboardInterrupt:
            # Ctrl+C in a terminal reaches the server too: let it shut down on its own.
            return server.wait()


if __name__ == "__main__":
    sys.exit(main())
