"""The signed-in session: login (with "remember me"), restore at start, logout, who and what role.

The access token lives in memory only (in the client's TokenAuth); the refresh token is kept in
the token store when the user asked to be remembered and the store is a secure one. The log names
the account by its id, never by its email or name.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from app.api import capabilities
from app.api.capabilities import Capabilities
from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError, OfflineError
from app.api.models import Role, TokenValidation, User
from app.session.token_store import TokenStore

log = logging.getLogger(__name__)
NOT_ENDED = ("You are signed out on this computer, but the server did not end the session ({why}): its sign-in "
             "stays valid there until it expires. On a shared computer, tell the server's administrator.")


class Session:
    """One user's session with one server."""

    def __init__(self, client: ApiClient, store: TokenStore, *, server_key: str | None = None) -> None:
        """`server_key` names the server in the token store; by default its URL (the embedded
        server, whose port changes from run to run, passes a stable name instead)."""
        self.client = client
        self.store = store
        self._server_key = server_key or client.base_url
        self.user: User | None = None
        self.capabilities: Capabilities = capabilities.ALL
        self._remember = False
        self._ended_listeners: list[Callable[[str], None]] = []
        client.auth.on_rotated = self._on_rotated
        client.auth.on_ended = self._on_ended

    @property
    def server(self) -> str:
        return self._server_key

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def can_remember(self) -> bool:
        return self.store.persistent

    def on_ended(self, listener: Callable[[str], None]) -> None:
        """Call `listener(words)` when the server ends the session (refresh refused); `words` say why."""
        self._ended_listeners.append(listener)

    async def login(self, email: str, password: str, *, remember: bool = False) -> User:
        result = await self.client.login(email.strip(), password)
        self.client.auth.start(result.access, result.refresh)
        self.user, self._remember = result.user, remember and self.store.persistent
        if self._remember:
            await self.store.save(self.server, result.user.email, result.refresh)
        log.info("signed in as user %s (%s)", result.user.id, result.user.role.value)
        await self._learn()
        return result.user

    async def _learn(self) -> None:
        """What this server offers (capabilities.py); every feature is assumed when nothing is learnt."""
        assert self.user is not None, "signed in first"
        self.capabilities = await capabilities.learn(self.client, provider=self.user.role is Role.PROVIDER)

    async def _user_of(self, validation: TokenValidation) -> User | None:
        """The account of a valid token: the validation's user, or (a server that names only the
        user's id) the one the profile describes."""
        if validation.user is not None:
            return validation.user
        profile = (await self.client.profile()).value
        user_id = validation.user_id if validation.user_id is not None else profile.id
        return User(id=str(user_id), email=profile.email, username="", first_name=profile.first_name,
                    last_name=profile.last_name, role=Role.PROVIDER, provider_id=profile.id)

    async def restore(self) -> User | None:
        """Resume the last remembered session of this server, or None when there is none.

        Raises OfflineError when the server cannot be reached (the token is kept for later).
        """
        account = await self.store.last_account(self.server)
        refresh = await self.store.load(self.server, account) if account else None
        if not account or not refresh:
            return None
        self.client.auth.resume(refresh)
        try:
            access = await self.client.auth.access_token()
            validation = await self.client.validate_token(access)
            user = await self._user_of(validation) if validation.valid else None
        except AuthenticationError:
            await self.store.delete(self.server, account)
            self.client.auth.clear()
            return None
        if user is None:
            self.client.auth.clear()
            return None
        self.user, self._remember = user, True
        log.info("session restored for user %s", user.id)
        await self._learn()
        return self.user

    async def change_password(self, old_password: str, new_password: str, new_password_confirm: str) -> None:
        """Change the password and go on at once with the new session the server answers.

        Every earlier token of the account is void afterwards (other computers signed in as it must
        sign in again); this session adopts the new pair before any other request can refresh, and a
        remembered session keeps the new refresh token in the store. Raises ValidationError with
        the fields' messages when the server refuses (then nothing changed). A server whose change
        ends no session (`capabilities.password_ends_other_sessions` false) leaves every token valid.
        """
        if self.user is None:
            raise AuthenticationError()
        await self.client.change_password(old_password, new_password, new_password_confirm,
                                          path=self.capabilities.password_path)
        log.info("password changed for user %s", self.user.id)

    async def logout(self) -> str | None:
        """End the session on the server (best effort) and forget it here in any case.

        Returns None when the server ended it, else the sentence that tells the user it did not
        (unreachable, or a server that cannot revoke: the seed guide's backend answers 400 "Invalid token").
        """
        refresh, access = self.client.auth.refresh, self.client.auth.access
        bearer_first = self.capabilities.logout_needs_bearer
        account = self.user.email if self.user else await self.store.last_account(self.server)
        self.client.auth.clear()
        self.user = None
        self.capabilities = capabilities.ALL
        why: str | None = None
        try:
            if refresh:
                await self.client.logout(refresh, access, bearer_first=bearer_first)
        except OfflineError:
            why = "it cannot be reached"
        except ApiError as error:
            log.info("logout on the server failed (%s); signed out here", type(error).__name__)
            why = f"it answered: {error.message}"
        finally:
            if account:
                await self.store.delete(self.server, account)
        return NOT_ENDED.format(why=why) if why else None

    async def _on_rotated(self, refresh: str) -> None:
        if self._remember and self.user is not None:
            await self.store.save(self.server, self.user.email, refresh)

    def _on_ended(self, words: str) -> None:
        user, self.user = self.user, None
        log.info("session ended by the server for user %s", user.id if user else "?")
        for listener in self._ended_listeners:
            listener(words)

