"""The data folder's files are the user's only: folders 0700, files 0600, leftovers of killed runs deleted."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.private_files import (
    private_dir,
    private_file,
    private_opener,
    remove_leftovers,
    temporary_file,
    temporary_folder,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes (Windows keeps them as they are)")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def dead_pid() -> int:
    """The number of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_private_dir_creates_and_tightens(tmp_path: Path) -> None:
    created = private_dir(tmp_path / "a" / "b")
    assert mode(created) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    private_dir(loose)
    assert mode(loose) == 0o700


def test_private_file_creates_tightens_and_keeps_content(tmp_path: Path) -> None:
    assert mode(private_file(tmp_path / "new.db")) == 0o600
    old = tmp_path / "old.db"
    old.write_text("content")
    os.chmod(old, 0o644)
    private_file(old)
    assert mode(old) == 0o600
    assert old.read_text() == "content"
    assert not private_file(tmp_path / "missing", create=False).exists()


def test_private_opener_writes_0600_even_over_a_loose_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    os.chmod(target, 0o666)
    with open(target, "w", encoding="utf-8", opener=private_opener) as file:
        file.write("new")
    assert mode(target) == 0o600
    assert target.read_text() == "new"


def test_sqlite_companions_follow_the_database_file(tmp_path: Path) -> None:
    import sqlite3

    path = private_file(private_dir(tmp_path / "directory") / "cache.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    assert {p.name: mode(p) for p in path.parent.iterdir()} == {
        "cache.db": 0o600, "cache.db-wal": 0o600, "cache.db-shm": 0o600}
    conn.close()


def test_temporary_files_of_ended_runs_are_removed_and_ours_kept(tmp_path: Path) -> None:
    folder = temporary_folder(tmp_path)
    ours = temporary_file(folder, ".db", label="directory-")
    assert ours.name.startswith(f"{os.getpid()}-directory-")
    assert mode(folder) == 0o700
    assert mode(ours) == 0o600
    gone = dead_pid()
    leftovers = [folder / f"{gone}-directory-0123.db{side}" for side in ("", "-wal", "-shm")]
    for leftover in leftovers:
        leftover.write_bytes(b"encrypted")
    stranger = folder / "notes.txt"
    stranger.write_text("not ours to delete")
    assert remove_leftovers(folder) == 3
    assert sorted(p.name for p in folder.iterdir()) == sorted([ours.name, "notes.txt"])
    assert remove_leftovers(tmp_path / "nothing-here") == 0
