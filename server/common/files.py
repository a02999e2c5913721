"""Private files at rest: the data folder 0700, the database, secret key and documents 0600.

Windows has no such modes (its ACLs come from the user's profile folder), so every function here
does nothing where `os.name == "nt"`.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def umask_private() -> None:
    """Make every file and folder this process creates from now on readable by its user only.

    SQLite creates the database and its -wal/-shm files with the process umask; set before the
    first connection, this covers them (and anything else Django writes) in one place.
    """
    if os.name != "nt":  # no POSIX modes on Windows
        os.umask(PRIVATE_UMASK)


def data_dir_private(path: Path) -> None:
    """Create `path` (0700), and tighten what an earlier version left readable inside it.

    The folder's own entries (database files, secret key, the media folder) get 0600 / 0700; what
    lies deeper is out of reach of other users once its parent folders are 0700, so it is not walked
    (a data folder holds hundreds of thousands of documents).
    """
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if os.name == "nt":  # no POSIX modes on Windows
        return
    _restrict(path, FOLDER_MODE)
    for entry in path.iterdir():
        if entry.is_symlink():
            continue
        _restrict(entry, FOLDER_MODE if entry.is_dir() else FILE_MODE)
    media = path / "media"
    if media.is_dir():
        for entry in media.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                _restrict(entry, FOLDER_MODE)


def _restrict(path: Path, mode: int) -> None:
    """Take away from `path` any permission beyond `mode` (its owner's own bits are kept)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & ~mode:
            path.chmod(current & mode)
    except OSError:
        pass  # gone meanwhile or not ours: the server still starts, as before
