"""JWT authentication that also refuses tokens of ended sessions and deactivated users.

simplejwt checks the blacklist only for refresh tokens; every token here carries the id of its
sign-in session (`sid`), so logging out (or deactivating the user) stops the session's access
tokens at once too.
"""
from __future__ import annotations

import functools
import uuid
from typing import Any

from django.db import connection
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenBackendError
from rest_framework_simplejwt.state import token_backend

from server.accounts.models import EndedBecause, LoginSession, User

SESSION_ENDED = "Your session has ended. Sign in again."
SESSION_EXPIRED = "Your session has expired. Sign in again."
# What a refused client is told, by why its session ended: the desktop shows these words as they are.
ENDED_WORDS = {
    EndedBecause.SIGNED_OUT: "This session was signed out. Sign in again.",
    EndedBecause.PASSWORD_CHANGED: "Your password was changed on another computer (or by an administrator). "
                                   "Sign in again with the new password.",
    EndedBecause.DEACTIVATED: "Your account has been deactivated. Ask a facility administrator.",
}


@functools.cache
def _live_session_user_sql() -> str:
    """The user of a live session (its id and its user's id given), as SQL written once.

    Every request asks it: the same query built by the ORM (select_related, filter, first) took a
    quarter of a worker's CPU under `python -m bench load`, most of it compiling the query anew.
    """
    quote = connection.ops.quote_name
    users, sessions = quote(User._meta.db_table), quote(LoginSession._meta.db_table)
    columns = ", ".join(f"{users}.{quote(str(field.column))}" for field in User._meta.concrete_fields)
    return (f"SELECT {columns} FROM {users} INNER JOIN {sessions} ON {sessions}.{quote('user_id')} = "
            f"{users}.{quote('id')} WHERE {sessions}.{quote('id')} = %s AND {sessions}.{quote('user_id')} = %s "
            f"AND {sessions}.{quote('revoked_at')} IS NULL")


def session_user(token: Any) -> User:
    """The active user of a token's live session, or AuthenticationFailed."""
    sid = token.get("sid")
    user_id = token.get("user_id")
    if not sid or not user_id:
        raise InvalidToken({"detail": "Token is invalid."})
    try:
        found = list(User.objects.raw(_live_session_user_sql(), [_uuid(sid), _uuid(user_id)]))
    except ValueError:  # not ids at all: a token this server did not sign
        raise InvalidToken({"detail": "Token is invalid."}) from None
    if not found or not found[0].is_active:
        raise AuthenticationFailed(_why_ended(sid, found[0] if found else None), code="session_ended")
    return found[0]


def _why_ended(sid: Any, user: User | None) -> str:
    """The words for a refused session (read only when refused: the live path stays one query)."""
    if user is not None and not user.is_active:
        return ENDED_WORDS[EndedBecause.DEACTIVATED]
    because = LoginSession.objects.filter(pk=_uuid(sid)).values_list("ended_because", flat=True).first()
    return ENDED_WORDS.get(EndedBecause(because), SESSION_ENDED) if because else SESSION_ENDED


def refused_refresh_words(raw: str) -> str:
    """The words for a refresh token simplejwt refused: expired, or its session's end (a new password
    blacklists the session's tokens: the reason is read from the session, after the signature)."""
    try:
        claims = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]  # the encoded text: its hint says Token
    except TokenBackendError:
        return SESSION_EXPIRED
    try:
        user = User.objects.filter(pk=_uuid(claims.get("user_id"))).first()
        return _why_ended(claims.get("sid"), user) if claims.get("sid") else SESSION_ENDED
    except ValueError:  # ids that are not ids: a token this server did not sign
        return SESSION_ENDED


def _uuid(value: Any) -> Any:
    """An id as the database driver takes it (SQLite stores UUIDs as 32 hex digits)."""
    ident = uuid.UUID(str(value))
    return ident.hex if connection.vendor == "sqlite" else ident


class SessionJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Any) -> User:
        return session_user(validated_token)
