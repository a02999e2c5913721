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
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken

from server.accounts.models import LoginSession, User

SESSION_ENDED = "Your session has ended. Sign in again."


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
        raise AuthenticationFailed(SESSION_ENDED, code="session_ended")
    return found[0]


def _uuid(value: Any) -> Any:
    """An id as the database driver takes it (SQLite stores UUIDs as 32 hex digits)."""
    ident = uuid.UUID(str(value))
    return ident.hex if connection.vendor == "sqlite" else ident


class SessionJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Any) -> User:
        return session_user(validated_token)
