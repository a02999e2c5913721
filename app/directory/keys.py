"""Which directory cache to open for a server and account, with its key kept in the system keyring.

The key is 32 random bytes, created on first use and stored (hex) in the keyring under service
`ProviderDesk`, entry `<server>|<account>|directory-key`. Without a secure keyring the cache is a
temporary encrypted file for this run only, and `reason` says what that means for the user (the
backend's name goes to the log). keyring calls run off the loop.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from pathlib import Path

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.directory.cache import DirectoryCache
from app.directory.database import CacheUnreadableError, remove
from app.directory.query import STAFF, Viewer
from app.private_files import temporary_file, temporary_folder
from app.session.token_store import SERVICE, backend_name, insecure_reason

log = logging.getLogger(__name__)
TEMPORARY_REASON = ("This computer has no secure password store (system keyring), so ProviderDesk cannot keep you "
                    "signed in or keep the directory for offline use after you quit. Everything works until then.")
KEYRING_FAILED = ("The secure password store (system keyring) did not answer, so ProviderDesk cannot keep the "
                  "directory for offline use after you quit. Everything works until then.")


def key_entry(server_key: str, account: str) -> str:
    return f"{server_key.rstrip('/')}|{account.lower()}|directory-key"


def cache_path(data_dir: Path, server_key: str, account: str) -> Path:
    """The cache file of one server and account (named by a hash: no address or email in file names)."""
    digest = hashlib.sha256(key_entry(server_key, account).encode()).hexdigest()[:32]
    return data_dir / "directory" / f"{digest}.db"


def _stored_key(backend: KeyringBackend, entry: str) -> bytes:
    """The key in the keyring, created and stored when there is none (or it is not a key)."""
    stored = backend.get_password(SERVICE, entry)
    try:
        key = bytes.fromhex(stored) if stored else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        key = os.urandom(32)
        backend.set_password(SERVICE, entry, key.hex())
    return key


def _open_persistent(path: Path, key: bytes, viewer: Viewer) -> DirectoryCache:
    try:
        return DirectoryCache.open(path, key, viewer)
    except CacheUnreadableError:
        # encrypted with a key we no longer have: nothing in it can be read, so start again
        log.warning("directory cache %s unreadable with the stored key; rebuilding it", path.name)
        remove(path)
        return DirectoryCache.open(path, key, viewer)


def _temporary(data_dir: Path, reason: str, viewer: Viewer) -> DirectoryCache:
    """A cache for this run only, in the data folder (a killed run's is deleted at the next start)."""
    path = temporary_file(temporary_folder(data_dir), ".db", label="directory-")
    cache = DirectoryCache.open(path, os.urandom(32), viewer, persistent=False)
    cache.reason = reason
    return cache


async def cache_for(
    data_dir: Path, server_key: str, account: str, *, backend: KeyringBackend | None = None,
    viewer: Viewer = STAFF,
) -> DirectoryCache:
    """The cache of `account` on `server_key` as `viewer` reads it (what the account may see):
    persistent with a secure keyring, else temporary."""
    chosen = backend if backend is not None else await asyncio.to_thread(keyring.get_keyring)
    if insecure_reason(chosen):
        log.info("directory cache: temporary, the keyring backend %s is not a secure one", backend_name(chosen))
        return await asyncio.to_thread(_temporary, data_dir, TEMPORARY_REASON, viewer)
    try:
        key = await asyncio.to_thread(_stored_key, chosen, key_entry(server_key, account))
    except keyring.errors.KeyringError as error:
        log.warning("keyring failed for the directory key: %s", type(error).__name__)
        return await asyncio.to_thread(_temporary, data_dir, KEYRING_FAILED, viewer)
    return await asyncio.to_thread(_open_persistent, cache_path(data_dir, server_key, account), key, viewer)
