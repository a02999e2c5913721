"""Folders and files only the user may read: the data folder, logs, drafts, caches (0700 and 0600).

On Windows (os.name == "nt") the modes are left alone: chmod there only sets the read-only flag,
and the folders live in the user's profile, which its ACLs already keep to the user.

Temporary files (a cache kept for one run only) are named after the process that made them, so
that a later start can delete those a killed run left behind without touching a running one's.
"""
from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)
DIR_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name != "nt"


def _chmod(path: Path, mode: int) -> None:
    if not POSIX:
        return  # see the module docstring
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except PermissionError as error:  # someone else's folder (a --data-dir given by hand): say so, go on
        log.warning("cannot make %s private: %s", path, error)


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed and make it the user's only (0700); `path`."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _chmod(path, DIR_MODE)
    return path


def private_file(path: Path, *, create: bool = True) -> Path:
    """Make the file at `path` the user's only (0600), creating it empty when missing and `create`;
    its folder must exist. Any content is kept. `path`."""
    if create:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE))
    elif not path.exists():
        return path
    _chmod(path, FILE_MODE)
    return path


def private_opener(path: str, flags: int) -> int:
    """An `opener` for `open()`: a new file is created 0600 and an existing one is made 0600."""
    descriptor = os.open(path, flags, FILE_MODE)
    if POSIX:
        os.fchmod(descriptor, FILE_MODE)
    return descriptor


def temporary_folder(data_dir: Path) -> Path:
    """Where files kept for one run only live: inside the (private) data folder, never in /tmp."""
    return data_dir / "temporary"


def temporary_file(folder: Path, suffix: str = "", *, label: str = "") -> Path:
    """A new empty private file in `folder` for this run only, named `<pid>-<label><random><suffix>`.

    Delete it when done; `remove_leftovers(folder)` deletes those of runs that ended without doing so.
    """
    private_dir(folder)
    while True:
        path = folder / f"{os.getpid()}-{label}{secrets.token_hex(8)}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:
            continue
        return path


def _pid_of(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if not POSIX:
        return False  # Windows refuses to delete a file a running process holds open: that protects it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user has this number: not ours, but leave the file be
    return True


def remove_leftovers(folder: Path) -> int:
    """Delete the files `temporary_file(folder)` made in runs that are no longer running (their
    SQLite companions `-wal`, `-shm` too: they share the name's start); how many were deleted."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        pid = _pid_of(path.name)
        if pid is None or _running(pid):
            continue
        with contextlib.suppress(FileNotFoundError, PermissionError):
            path.unlink()
            removed += 1
    if removed:
        log.info("deleted %d temporary file(s) left by an earlier run", removed)
    return removed
