"""The snapshot's rows parsed and written in a process of their own: the window's interpreter only receives.

In a worker thread of the window's process, parsing a block of the snapshot (orjson, schema.Reader) and
writing it held the GIL for most of a first fill, and the event loop waited for it: 12-26 ms stalls
quiet, 80-359 ms with the machine busy. Here a child process (multiprocessing's spawn: the same on
every system, and in the frozen application, whose main.py calls freeze_support) opens the cache file
with its key and runs `writer.Fill` over the blocks the window sends through a pipe, one answer a
block (its rows, or the error met), so the window's walk keeps the network, the progress, the cancel
and the errors as before. The child's one transaction stays open until the trailer has vouched for
every row: the window's reading connection sees the empty cache until that commit (WAL), and a fill
cut anywhere, the window killed included (the child then reads the pipe's end), is rolled back.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import pickle
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import orjson

from app.api.errors import BadResponseError
from app.directory import schema
from app.directory.cache import DirectoryCache
from app.directory.database import connect
from app.directory.writer import Fill, Page

BLOCK, END, ABORT = b"B", b"E", b"A"  # what the window sends: a block of lines, the end, or stop
JOIN_S = 10  # how long the window waits for the child to end before it is terminated


class FillProcessError(RuntimeError):
    """The fill's process ended without answering (killed, or it could not start)."""


class FillProcess:
    """A child process filling the empty cache at `path` from the snapshot's blocks; use it from one
    worker thread at a time (each call waits for the child's answer)."""

    def __init__(self, path: Path, key: bytes) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(target=serve, args=(theirs, str(path), key), daemon=True,
                                        name="providerdesk-fill")
        self._process.start()
        theirs.close()

    def append(self, block: bytes) -> int:
        """Parse and write a block of the snapshot's lines (the header first); how many providers it held."""
        return self._ask(BLOCK + block)

    def finish(self) -> int:
        """Check the trailer, build the indexes, write the viewer's own record and the cursor, commit;
        how many providers the fill wrote. Raises BadResponseError for a snapshot cut short."""
        try:
            return self._ask(END)
        finally:
            self.close()

    def abort(self) -> None:
        """Roll back what was written and end the child."""
        with contextlib.suppress(FillProcessError):
            self._ask(ABORT)
        self.close()

    def close(self) -> None:
        self._pipe.close()
        self._process.join(JOIN_S)
        if self._process.is_alive():
            self._process.terminate()  # its transaction, never committed, is rolled back by SQLite
            self._process.join()

    def _ask(self, message: bytes) -> int:
        try:
            self._pipe.send_bytes(message)
            answer = self._pipe.recv()
        except (EOFError, OSError) as error:
            raise FillProcessError(f"the directory's fill process ended ({self._process.exitcode})") from error
        if isinstance(answer, BaseException):
            raise answer
        return int(answer)


def serve(pipe: Pipe, path: str, key: bytes) -> None:
    """The child's work: answer each message of `pipe` until the fill ends, is stopped, or the pipe ends."""
    lines = Lines()
    cache = DirectoryCache(Path(path), key, connect(Path(path), key), persistent=True)
    fill: Fill | None = None
    try:
        while (message := _receive(pipe)) is not None:
            kind = message[:1]
            if kind == ABORT:
                if fill is not None:
                    stopped, fill = fill, None
                    stopped.abort()
                pipe.send(0)
                break
            try:
                if fill is None:
                    fill = Fill(cache)
                if kind == BLOCK:
                    rows = lines.read(message[1:])
                    fill.append(rows)
                    pipe.send(len(rows))
                else:
                    end = lines.end()  # a snapshot cut short raises here; the window then stops the fill
                    done, fill = fill, None
                    pipe.send(done.finish(end))  # finish rolls back itself on an error
                    break
            except Exception as error:  # told to the window, which stops the fill
                pipe.send(_sendable(error))
    except OSError:
        pass  # the window is gone
    finally:
        if fill is not None:  # the pipe ended first: nothing is committed
            fill.abort()
        cache.close()


def _receive(pipe: Pipe) -> bytes | None:
    try:
        return pipe.recv_bytes()
    except EOFError:
        return None


def _sendable(error: Exception) -> Exception:
    """`error` as the window can receive it (an error that does not survive pickling: its words)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class Lines:
    """Reads blocks of the snapshot's lines in order: the header first, then providers' rows; the trailer."""

    def __init__(self) -> None:
        self.head: dict[str, Any] | None = None
        self.tail: Any = None
        self.count = 0
        self._reader: schema.Reader | None = None

    def end(self) -> Page:
        """What the fill ends with, once the trailer vouches for every row: the viewer's own record (a
        provider's, with its private fields, as a feed page gives it) and the snapshot's cursor."""
        head, tail = self.head, self.tail
        if head is None or not isinstance(tail, dict) or tail.get("end") is not True:
            raise BadResponseError("(the snapshot)", "cut short: no trailer")
        if tail.get("count") != self.count:
            raise BadResponseError("(the snapshot)", f"{self.count} rows, the trailer says {tail.get('count')}")
        own = head.get("own")
        return Page([schema.read_item(own)] if isinstance(own, dict) else [], cursor=head["cursor"], last=True)

    def read(self, block: bytes) -> list[schema.Row]:
        lines = [line for line in block.split(b"\n") if line.strip()]
        if self._reader is None and lines:
            self.head = _header(lines.pop(0))
            self._reader = schema.Reader(self.head["fields"])
        if lines and lines[-1].startswith(b"{"):
            self.tail = orjson.loads(lines.pop())
        if not lines or self._reader is None:
            return []
        try:
            values = orjson.loads(b"[" + b",".join(lines) + b"]")
        except orjson.JSONDecodeError:
            raise BadResponseError("(a provider's line)", "not JSON") from None
        read = self._reader.read
        rows = [read(value) for value in values]
        self.count += len(rows)
        return rows


def _header(line: bytes) -> dict[str, Any]:
    try:
        head = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the snapshot's header)", "not JSON") from None
    if not isinstance(head, dict) or head.get("format") != 1:
        raise BadResponseError("(the snapshot's header)", "not format 1")
    if not isinstance(head.get("fields"), list) or not isinstance(head.get("cursor"), str):
        raise BadResponseError("fields or cursor", "missing or of the wrong type")
    if not set(schema.REQUIRED) <= set(head["fields"]):
        raise BadResponseError("fields", f"{', '.join(sorted(set(schema.REQUIRED) - set(head['fields'])))} missing")
    return head
