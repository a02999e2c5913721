"""The reference server as a child process: seed a data folder, serve it, stop it, clean up."""
from __future__ import annotations

import collections
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
SEED_MARKER = "bench-seed.json"
# Generous rates: the benchmark measures the endpoints, not the throttle (whose rates are per user).
SERVER_ENV = {
    "THROTTLE_ANON": "1000000/minute",
    "THROTTLE_USER": "1000000/minute",
    "THROTTLE_REGISTER": "1000000/minute",  # `bench load` registers its provider accounts
}


@dataclass(frozen=True)
class Seeded:
    """A seeded data folder (and database URL when not SQLite) and how long seeding took."""

    data_dir: Path
    database_url: str | None
    seconds: float
    cached: bool
    output: str


@dataclass
class ServerProcess:
    """A running `python -m server serve`; `output` keeps its last lines for diagnosis."""

    api: str
    process: subprocess.Popen[str]
    output: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=400))
    problems: list[str] = field(default_factory=list)
    queue_warnings: int = 0  # waitress: a request waited for a free worker thread
    queue_depth_max: int = 0

    def peak_rss_mb(self) -> float | None:
        """The child's peak resident memory (Linux only), None when unknown."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def stop(self) -> None:
        """Terminate (SIGTERM; the server closes its sockets), kill after 10 s; idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _child_env(database_url: str | None) -> dict[str, str]:
    env = {**os.environ, **SERVER_ENV}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _seed_command(data_dir: Path, providers: int) -> list[str]:
    return [sys.executable, "-m", "server", "seed-demo", "--providers", str(providers),
            "--data-dir", str(data_dir), "--reset"]


def seed(data_dir: Path, providers: int, database_url: str | None = None) -> Seeded:
    """Run `python -m server seed-demo` into a fresh `data_dir`; time it end to end."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    start = time.perf_counter()
    done = subprocess.run(_seed_command(data_dir, providers), cwd=ROOT, env=_child_env(database_url),
                          capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"seed-demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    output = done.stdout.strip()
    if database_url is None:
        marker = {"providers": providers, "seconds": round(seconds, 2), "output": output}
        (data_dir / SEED_MARKER).write_text(json.dumps(marker))
    return Seeded(data_dir, database_url, seconds, False, output)


def seeded_cache(providers: int, keep: bool) -> Seeded:
    """The cached SQLite folder of `providers` providers: reused with `keep`, else seeded anew."""
    data_dir = CACHE / f"server-{providers}"
    marker = data_dir / SEED_MARKER
    if keep and marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("providers") == providers:
            return Seeded(data_dir, None, float(saved["seconds"]), True, str(saved.get("output", "")))
    return seed(data_dir, providers)


def _note(server: ServerProcess, line: str) -> None:
    """Count waitress's queue warnings; keep other warnings, errors and tracebacks."""
    if "Task queue depth is " in line:
        server.queue_warnings += 1
        depth = line.strip().rsplit(" ", 1)[-1]
        server.queue_depth_max = max(server.queue_depth_max, int(depth) if depth.isdigit() else 0)
    elif "Traceback" in line or " ERROR " in line or " WARNING " in line:
        server.problems.append(line.rstrip())


def _pump(server: ServerProcess, lines: queue.Queue[str]) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        server.output.append(line)
        _note(server, line)
        lines.put(line)


def start(seeded: Seeded, threads: int = 8, timeout: float = 120, extra: Sequence[str] = ()) -> ServerProcess:
    """Start `python -m server serve --port 0 [extra]` on `seeded` and wait for its `Serving on` line."""
    command = [sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(seeded.data_dir),
               "--threads", str(threads), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=_child_env(seeded.database_url), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = ServerProcess(api="", process=process)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(server, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        if line.startswith("Serving on "):
            server.api = line.split()[2].rstrip("/")
            return server
    server.stop()
    raise RuntimeError("the server did not start:\n" + "".join(server.output))


def postgres_create(base_url: str) -> str:
    """A fresh, empty database on the PostgreSQL server of `base_url`; its URL."""
    import psycopg

    name = f"pd_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def postgres_drop(database_url: str) -> None:
    """Drop the database that `postgres_create` made (its sessions are ended first)."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
