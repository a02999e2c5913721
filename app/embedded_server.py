"""The embedded reference server: `python -m server serve --demo --port 0` as a child process.

It is what the desktop talks to when no server is configured. The child reads its standard
input and stops when that closes, so it goes away with the application even when the
application crashes (no orphan server), on every system (Windows has no SIGTERM to send it).
Its output is drained all the time (a full pipe would stall it) and the last lines are kept for
the message when it fails to start.

From a source checkout or an installed wheel the child is `python -m server`. The frozen application
(PyInstaller, providerdesk.spec) has no Python of the user's to call: the child is the application's
own executable in its hidden `--serve-embedded` mode (main.py), which runs the server's command line.
On Windows the child gets no console window of its own (CREATE_NO_WINDOW).
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
READY_PREFIX = "Serving on "
SERVE_EMBEDDED = "--serve-embedded"  # main.py's hidden mode: the server's command line, in the frozen application


def server_command() -> list[str]:
    """How to run the server's command line (`python -m server`) from this process."""
    if getattr(sys, "frozen", False):  # set by PyInstaller's bootloader
        return [sys.executable, SERVE_EMBEDDED]
    return [sys.executable, "-m", "server"]


def no_console_window(platform: str = sys.platform) -> int:
    """subprocess creation flags: on Windows the child opens no console window (none flashes up)."""
    return 0x08000000 if platform == "win32" else 0  # subprocess.CREATE_NO_WINDOW, defined on Windows only


class EmbeddedServerError(Exception):
    """The server did not start; `output` holds its last lines."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.message = message
        self.output = output


class EmbeddedServer:
    """Starts, watches and stops the local demo server."""

    def __init__(self, data_dir: Path, *, demo_providers: int = 2000, timeout: float = 120.0) -> None:
        self.data_dir = data_dir
        self.demo_providers = demo_providers
        self.timeout = timeout
        self.url: str | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._lines: collections.deque[str] = collections.deque(maxlen=40)
        self._drain: asyncio.Task[None] | None = None

    @property
    def output(self) -> str:
        return "".join(self._lines)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _command(self) -> list[str]:
        return [*server_command(), "serve", "--demo", "--port", "0", "--stop-with-stdin",
                "--demo-providers", str(self.demo_providers), "--data-dir", str(self.data_dir)]

    async def start(self) -> str:
        """Start the server and wait for its `Serving on` line; the API's base URL."""
        log.info("starting the embedded server in %s", self.data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._process = await asyncio.create_subprocess_exec(
                *self._command(), cwd=PROJECT_ROOT, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                creationflags=no_console_window(),
            )
        except OSError as error:
            raise EmbeddedServerError(f"The local server could not be started: {error}.", "") from None
        try:
            self.url = await asyncio.wait_for(self._ready(), timeout=self.timeout)
        except TimeoutError:
            await self.stop()
            raise EmbeddedServerError(f"The local server did not start within {self.timeout:.0f} seconds.",
                                      self.output) from None
        self._drain = asyncio.create_task(self._keep_draining())
        log.info("embedded server ready at %s", self.url)
        return self.url

    async def _ready(self) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        while True:
            raw = await self._process.stdout.readline()
            if not raw:
                await self._process.wait()
                raise EmbeddedServerError(
                    f"The local server stopped while starting (exit status {self._process.returncode}).",
                    self.output)
            line = raw.decode(errors="replace")
            self._lines.append(line)
            if line.startswith(READY_PREFIX):
                return line.split()[2].rstrip("/")

    async def _keep_draining(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        while raw := await self._process.stdout.readline():
            self._lines.append(raw.decode(errors="replace"))

    async def stop(self) -> None:
        """Ask the server to stop (close its stdin), then terminate, then kill."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        for escalate in (None, process.terminate, process.kill):
            if escalate is not None:
                with contextlib.suppress(ProcessLookupError):
                    escalate()
            try:
                await asyncio.wait_for(process.wait(), timeout=5)
                break
            except TimeoutError:
                continue
        if self._drain is not None:
            self._drain.cancel()
        log.info("embedded server stopped (exit status %s)", process.returncode)
