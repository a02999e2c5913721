"""Where refresh tokens live between runs: the system keyring, or nowhere.

One keyring entry per server URL and account (service `ProviderDesk`), holding the refresh
token only; the access token never leaves memory. keyring calls (D-Bus on Linux) run off the
event loop. When the only keyring is not a secure one (keyring's fail or null backend, or a
plaintext file), nothing is persisted and `reason` says what that means for the user in plain
words; the backend's name goes to the log.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)
SERVICE = "ProviderDesk"
INSECURE_BACKENDS = ("fail", "null", "plaintext", "file")
NO_SECURE_STORE = ("This computer has no secure password store (system keyring), so ProviderDesk cannot keep you "
                   "signed in after you quit: you sign in again at the next start. Everything else works.")


class TokenStore(Protocol):
    """Keeps one refresh token per (server, account), and which account signed in last."""

    @property
    def persistent(self) -> bool: ...

    @property
    def reason(self) -> str | None: ...

    async def load(self, server: str, account: str) -> str | None: ...

    async def save(self, server: str, account: str, refresh: str) -> None: ...

    async def delete(self, server: str, account: str) -> None: ...

    async def last_account(self, server: str) -> str | None: ...


def _entry(server: str, account: str) -> str:
    return f"{server.rstrip('/')}|{account.lower()}"


def _last_entry(server: str) -> str:
    return f"{server.rstrip('/')}|#last-account"


def backend_name(backend: KeyringBackend) -> str:
    """`keyring.backends.fail.Keyring`: for the log, never for the user."""
    return f"{type(backend).__module__}.{type(backend).__name__}"


def insecure_reason(backend: KeyringBackend) -> str | None:
    """Why `backend` must not hold tokens, in the user's words, or None when it is a real system keyring."""
    name = backend_name(backend)
    if getattr(backend, "priority", 1) <= 0 or any(word in name.lower() for word in INSECURE_BACKENDS):
        return NO_SECURE_STORE
    return None


class MemoryTokenStore:
    """Keeps tokens for this run only."""

    def __init__(self, reason: str | None = None) -> None:
        self._tokens: dict[str, str] = {}
        self._reason = reason

    @property
    def persistent(self) -> bool:
        return False

    @property
    def reason(self) -> str | None:
        return self._reason

    async def load(self, server: str, account: str) -> str | None:
        return self._tokens.get(_entry(server, account))

    async def save(self, server: str, account: str, refresh: str) -> None:
        self._tokens[_entry(server, account)] = refresh
        self._tokens[_last_entry(server)] = account

    async def delete(self, server: str, account: str) -> None:
        self._tokens.pop(_entry(server, account), None)
        if self._tokens.get(_last_entry(server)) == account:
            self._tokens.pop(_last_entry(server), None)

    async def last_account(self, server: str) -> str | None:
        return self._tokens.get(_last_entry(server))


class KeyringTokenStore:
    """The system keyring (Secret Service, Keychain, Credential Locker) through `keyring`."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend or keyring.get_keyring()

    @property
    def persistent(self) -> bool:
        return True

    @property
    def reason(self) -> str | None:
        return None

    async def _call(self, name: str, *args: str) -> str | None:
        try:
            result = await asyncio.to_thread(getattr(self._backend, name), SERVICE, *args)
        except keyring.errors.PasswordDeleteError:
            return None
        except keyring.errors.KeyringError as error:
            log.warning("keyring %s failed: %s", name, type(error).__name__)
            return None
        return result if isinstance(result, str) else None

    async def load(self, server: str, account: str) -> str | None:
        return await self._call("get_password", _entry(server, account))

    async def save(self, server: str, account: str, refresh: str) -> None:
        await self._call("set_password", _entry(server, account), refresh)
        await self._call("set_password", _last_entry(server), account)

    async def delete(self, server: str, account: str) -> None:
        await self._call("delete_password", _entry(server, account))
        if await self._call("get_password", _last_entry(server)) == account:
            await self._call("delete_password", _last_entry(server))

    async def last_account(self, server: str) -> str | None:
        return await self._call("get_password", _last_entry(server))


def system_token_store() -> TokenStore:
    """The keyring when it is a secure one; otherwise memory, with the reason."""
    backend = keyring.get_keyring()
    reason = insecure_reason(backend)
    if reason:
        log.info("token store: memory only, the keyring backend %s is not a secure one", backend_name(backend))
        return MemoryTokenStore(reason)
    return KeyringTokenStore(backend)
