"""Which blocking work ran on the event loop's thread: a check that work is off the loop, not of how
fast the machine is (how long the loop stalls is measured by `python -m bench responsiveness`).

While `watching()` is open, on the main thread with an event loop running:
- every SQLite statement of a connection the cache opens (through `sqlcipher3.dbapi2.connect`) that
  writes: only reads (SELECT, WITH, EXPLAIN, PRAGMA queries) may run on the loop (ARCHITECTURE.md,
  "quick indexed reads may run on the loop");
- every `time.sleep`;
- every JSON parse (orjson, json, pydantic's validate_json) of more than PARSE_LIMIT bytes.
Each one found is a `Blocked(kind, what)`; the same calls on other threads are fine.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import pydantic
import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.api.transport import READ_ON_LOOP_LIMIT

# bytes: the client reads larger answers in a worker thread (a dashboard or a detail is a few KB)
PARSE_LIMIT = READ_ON_LOOP_LIMIT
_READ = re.compile(r"\s*(SELECT|WITH|EXPLAIN|PRAGMA\s+\w+(\.\w+)?\s*(;|$))", re.IGNORECASE)


@dataclass(frozen=True)
class Blocked:
    kind: str  # "sql", "sleep" or "parse"
    what: str
    where: str = field(default="", compare=False)  # the innermost frame of the project's code


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if f"{os.sep}app{os.sep}" in name or f"{os.sep}ui{os.sep}" in name:
            return f"{name}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


def on_the_loop() -> bool:
    """True on the main thread while an asyncio loop runs there (qasync's loop, in the UI tests)."""
    return threading.current_thread() is threading.main_thread() and asyncio._get_running_loop() is not None


@contextmanager
def watching() -> Iterator[list[Blocked]]:
    """The blocking calls made on the loop's thread while the block runs (see the module's docstring)."""
    found: list[Blocked] = []

    def note(kind: str, what: str) -> None:
        if on_the_loop():
            found.append(Blocked(kind, what[:200], _caller()))

    def trace(statement: str) -> None:
        if not _READ.match(statement):
            note("sql", statement)

    def traced_connect(*args: Any, **kwargs: Any) -> Any:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    def parsed(name: str, data: Any) -> None:
        if isinstance(data, str | bytes | bytearray | memoryview) and len(data) > PARSE_LIMIT:
            note("parse", f"{name} of {len(data):,} bytes")

    def orjson_loads(data: Any) -> Any:
        parsed("orjson.loads", data)
        return loads(data)

    def json_loads(data: Any, *args: Any, **kwargs: Any) -> Any:
        parsed("json.loads", data)
        return json_load(data, *args, **kwargs)

    def model_validate_json(cls: type[pydantic.BaseModel], data: Any, *args: Any, **kwargs: Any) -> Any:
        parsed(f"{cls.__name__}.model_validate_json", data)
        return validate_json(cls, data, *args, **kwargs)

    def adapter_validate_json(self: pydantic.TypeAdapter[Any], data: Any, *args: Any, **kwargs: Any) -> Any:
        parsed("TypeAdapter.validate_json", data)
        return adapter_json(self, data, *args, **kwargs)

    def noted_sleep(seconds: float) -> None:
        note("sleep", f"time.sleep({seconds})")
        sleep(seconds)

    connect, sleep, loads, json_load = sqlcipher.connect, time.sleep, orjson.loads, json.loads
    validate_json = pydantic.BaseModel.model_validate_json.__func__  # type: ignore[attr-defined]
    adapter_json = pydantic.TypeAdapter.validate_json
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlcipher, "connect", traced_connect)
        patch.setattr(time, "sleep", noted_sleep)
        patch.setattr(orjson, "loads", orjson_loads)
        patch.setattr(json, "loads", json_loads)
        patch.setattr(pydantic.BaseModel, "model_validate_json", classmethod(model_validate_json))
        patch.setattr(pydantic.TypeAdapter, "validate_json", adapter_validate_json)
        yield found
