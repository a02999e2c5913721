"""The client's calls for an account: sign-in and out, registration, tokens, the provider's own records."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from app.api import adapters
from app.api.endpoint import RECORD, Endpoint, nothing, reads
from app.api.errors import ValidationError
from app.api.models import (
    LoginResult,
    Provider,
    ProviderDashboard,
    RegistrationResult,
    TokenValidation,
    Versioned,
)
from app.api.multipart import MultipartBody, Upload
from app.api.transport import Caller, if_match

log = logging.getLogger(__name__)

LOGIN = Endpoint("sign-in", "POST", "auth/login/", reads(LoginResult.model_validate, adapters.signed_in),
                 authed=False, refused=adapters.login_refused)
REGISTER = Endpoint("registration", "POST", "auth/provider/register/",
                    reads(RegistrationResult.model_validate, adapters.signed_in), ok=(201,), authed=False)
VALIDATE = Endpoint("the session check", "POST", "auth/token/validate/",
                    reads(TokenValidation.model_validate, adapters.validation), authed=False)
LOGOUT = Endpoint("sign-out", "POST", "auth/logout/", nothing, authed=False, bearer_when_asked=True)
# where the server is known to want it (capabilities.py): the bearer at once, one request, not two
LOGOUT_WITH_BEARER = Endpoint("sign-out", "POST", "auth/logout/", nothing, authed=False)


def _pair(tokens: dict[str, str]) -> tuple[str, str]:
    return tokens["access"], tokens["refresh"]


PASSWORD = Endpoint("the password change", "POST", "auth/password/change/", reads(_pair, adapters.tokens),
                    authed=False)
SEED_PASSWORD = Endpoint("the password change", "POST", "auth/change-password/", nothing,
                         refused=adapters.password_refused)
PROFILE = Endpoint("the profile", "GET", "auth/provider/profile/", RECORD)
PROFILE_UPDATE = Endpoint("the profile", "PATCH", "auth/provider/profile/", RECORD)
PROFILE_REPLACE = Endpoint("the profile", "PUT", "auth/provider/profile/", RECORD)
DASHBOARD = Endpoint("the dashboard", "GET", "auth/provider/dashboard/",
                     reads(ProviderDashboard.model_validate, adapters.dashboard))


class AccountCalls(Caller):
    """Authentication (no session bearer) and the signed-in provider's profile and dashboard."""

    async def login(self, email: str, password: str) -> LoginResult:
        """Sign in; wrong credentials are AuthenticationError (LOGIN says how each server refuses)."""
        return await self._call(LOGIN, json={"email": email, "password": password})

    async def register(self, form: Mapping[str, Any]) -> RegistrationResult:
        """Register a provider and return the account with its profile.

        A blank username is left for the server to make (ours does); a server that requires one is
        sent the ones `adapters.made_usernames` makes, in turn, until one is free. A server that
        answers no profile is asked for it next.
        """
        body = dict(form)
        try:
            result = await self._call(REGISTER, json=body)
        except ValidationError as error:
            result = await self._register_as(adapters.made_usernames(body), body, error)
        if result.profile is not None:
            return result
        profile = await self._call(PROFILE, bearer=result.access)
        return result.model_copy(update={"profile": profile.value})

    async def _register_as(self, usernames: list[str], body: dict[str, Any],
                           error: ValidationError) -> RegistrationResult:
        for username in usernames:
            if not adapters.refused_for_username(error):
                raise error
            log.info("registration: refused for its username; sending a username made from the email")
            try:
                return await self._call(REGISTER, json={**body, "username": username})
            except ValidationError as again:
                error = again
        raise adapters.no_made_username(error) if usernames and adapters.refused_for_username(error) else error

    async def validate_token(self, access: str) -> TokenValidation:
        """Check an access token; sent as Bearer (ours) and as a `{"token"}` body (the seed's backend).
        `user` is None when the server names only `user_id`: the profile tells the rest."""
        return await self._call(VALIDATE, json={"token": access}, bearer=access)

    async def logout(self, refresh: str, access: str | None = None, *, bearer_first: bool = False) -> None:
        """End the session on the server. The refresh token goes as `refresh` (ours) and `refresh_token`
        (the seed's backend); `access` as the bearer at once with `bearer_first` (a server known to
        want it), else only when the server asks for it (LOGOUT: ours refuses an expired one)."""
        await self._call(LOGOUT_WITH_BEARER if bearer_first and access else LOGOUT,
                         json={"refresh": refresh, "refresh_token": refresh}, bearer=access)

    async def change_password(self, old_password: str, new_password: str, new_password_confirm: str, *,
                              path: str = PASSWORD.path) -> None:
        """Change the signed-in account's password; this client goes on with the new session at once.

        `path` is where the server changes it (app/api/capabilities.py learns it): at the seed
        guide's backend's own path the fields are `current_password`, `new_password` and
        `new_password_confirm`, the answer is a message, and every token goes on working.

        Every earlier token of the account stops working on the server, so the answer's pair replaces
        them in `auth` (which saves the refresh token through `on_rotated`) before any other request
        may refresh. Raises ValidationError with `old_password`, `new_password` and
        `new_password_confirm` messages when the server refuses.
        """
        if path == SEED_PASSWORD.path:
            await self._call(SEED_PASSWORD, json={"current_password": old_password, "new_password": new_password,
                                                  "new_password_confirm": new_password_confirm})
            return
        body = {"old_password": old_password, "new_password": new_password,
                "new_password_confirm": new_password_confirm}

        async def send(access: str) -> tuple[str, str]:
            return await self._call(PASSWORD, json=body, bearer=access)

        await self.auth.exchange(send)

    async def profile(self) -> Versioned[Provider]:
        return await self._call(PROFILE)

    async def update_profile(
        self, changes: Mapping[str, Any], *, etag: str | None, document: Upload | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Versioned[Provider]:
        """PATCH only `changes` (and the document, as multipart, when given; `progress(sent, total)` as it goes)."""
        if document is None:
            return await self._call(PROFILE_UPDATE, json=dict(changes), headers=if_match(etag))
        body = MultipartBody.form(changes, document, progress=progress)
        return await self._call(PROFILE_UPDATE, content=body, headers={**if_match(etag), **body.headers})

    async def replace_profile(self, fields: Mapping[str, Any], *, etag: str | None) -> Versioned[Provider]:
        """PUT every profile field (the required ones must all be there)."""
        return await self._call(PROFILE_REPLACE, json=dict(fields), headers=if_match(etag))

    async def provider_dashboard(self) -> ProviderDashboard:
        """The dashboard; where it says nothing of the license (the seed's backend), completed from the
        profile, so that both pages tell the same."""
        dashboard = await self._call(DASHBOARD)
        if dashboard.license_status is not None:
            return dashboard
        profile = (await self._call(PROFILE)).value
        return dashboard.model_copy(update={"provider_profile": profile, "license_status": profile.license_status})
