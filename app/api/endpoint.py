"""One endpoint as the client calls it, and the one way its answer, or its refusal, is read.

An `Endpoint` says where it is, how its answer becomes a value (`read`), and which tolerances a
server without our extensions needs there; `Caller._call` (app/api/transport.py) applies them, and
nothing else reads an answer. A JSON answer is decoded, put in our contract's shape by its adapter
(app/api/adapters.py), then parsed by its model: one that cannot be read raises
IncompatibleServerError naming the endpoint and what is wrong, logged with the body's shape (no
values). A refusal has its body put in our shape the same way and becomes an app error through
the one mapping, `errors.error_for`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import orjson
from pydantic import ValidationError as PydanticValidationError

from app.api import adapters, errors
from app.api.models import DocumentFile, Provider, Versioned

log = logging.getLogger(__name__)
T = TypeVar("T")
Adapt = Callable[[Any], Any]
Reader = Callable[[str, httpx.Response], T]  # (the endpoint's name, its answer) -> the value


@dataclass(frozen=True)
class Endpoint(Generic[T]):
    """An endpoint of docs/api.md: where it is, how its answer is read, and what it tolerates.

    The tolerances, each for a server without our extensions (the seed guide's backend):
    `refused` turns the error a refusal maps to into the one it means there; `bearer_when_asked`
    sends the caller's bearer token only after a 401 (ours needs none there, and refuses an expired
    one); `absent` is the answer of a server without the endpoint (a 404).
    """

    name: str  # how messages name it: "sign-in", "the profile"
    method: str
    path: str  # below the API's root; "{}" stands for an id
    read: Reader[T]
    ok: tuple[int, ...] = (200,)
    authed: bool = True  # sent with the session's token (TokenAuth); False, or a caller's bearer: not
    retry: bool = True  # idempotent methods retry a lost connection and 502/503/504
    refused: Callable[[errors.ApiError], errors.ApiError] | None = None
    bearer_when_asked: bool = False
    absent: T | None = None


def decode(name: str, content: bytes) -> Any:
    """A JSON body (UTF-8, as RFC 8259 requires between systems)."""
    try:
        return orjson.loads(content)
    except ValueError:
        log.warning("%s: the answer is not JSON (%d bytes)", name, len(content))
        raise errors.IncompatibleServerError(name, "not JSON") from None


def validated(validate: Callable[[Any], T], name: str, adapt: Adapt, body: Any) -> T:
    """`body` put in our shape by `adapt`, then parsed by `validate`; IncompatibleServerError when
    neither our contract nor a known variant explains it."""
    try:
        return validate(adapt(body))
    except adapters.Unreadable as error:
        problem = str(error)
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        problem = f"{where}: {first['msg']}" if where else first["msg"]
    log.warning("%s: unreadable answer (%s); its shape: %s", name, problem, adapters.shape(body))
    raise errors.IncompatibleServerError(name, problem)


def reads(validate: Callable[[Any], T], adapt: Adapt = adapters.ours) -> Reader[T]:
    """A JSON answer put in our shape by `adapt`, then parsed by `validate` (a model's `model_validate`,
    a list's `TypeAdapter.validate_python`)."""
    def read(name: str, response: httpx.Response) -> T:
        return validated(validate, name, adapt, decode(name, response.content))
    return read


def versioned(reader: Reader[T]) -> Reader[Versioned[T]]:
    """`reader`'s value with the answer's version tag (ETag), to send back in If-Match."""
    def read(name: str, response: httpx.Response) -> Versioned[T]:
        return Versioned(reader(name, response), response.headers.get("ETag"))
    return read


def unless_unchanged(reader: Reader[T]) -> Reader[T | None]:
    """`reader`'s value, or None for a 304 to a request that sent a version tag (If-None-Match)."""
    def read(name: str, response: httpx.Response) -> T | None:
        if response.status_code == 304 and "If-None-Match" in response.request.headers:
            return None
        return reader(name, response)
    return read


def raw(name: str, response: httpx.Response) -> bytes:
    """The body as it came (the caller parses it, off the event loop)."""
    return response.content


def nothing(name: str, response: httpx.Response) -> None:
    """An answer whose body says nothing the client needs."""


def document(name: str, response: httpx.Response) -> DocumentFile:
    """A file, with its type and checksum from the headers."""
    return DocumentFile(response.content, response.headers.get("Content-Type", "application/octet-stream"),
                        response.headers.get("X-Content-SHA256"))


RECORD: Reader[Versioned[Provider]] = versioned(reads(Provider.model_validate, adapters.provider))


def refusal(endpoint: Endpoint[Any], response: httpx.Response) -> errors.ApiError:
    """The app error a refused answer stands for: its body (when JSON) put in our shape, mapped by
    `errors.error_for` (a 412's current record read as a provider's), then as `endpoint` reads it."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except ValueError:
        body = None

    def current(record: Any) -> Provider:
        return validated(Provider.model_validate, endpoint.name, adapters.provider, record)

    error = errors.error_for(response.status_code, adapters.refusal(body), response.headers, current)
    return endpoint.refused(error) if endpoint.refused else error
