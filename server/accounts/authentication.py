"""JWT authentication that also refuses tokens of ended sessions and deactivated users.

simplejwt checks the blacklist only for refresh tokens; every token here carries the id of its
sign-in session (`sid`), so logging out (or deactivating the user) stops the session's access
tokens at once too.
"""
from __future__ import annotations

from typing import Any

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken

from server.accounts.models import LoginSession, User

SESSION_ENDED = "Your session has ended. Sign in again."


def session_user(token: Any) -> User:
    """The active user of a token's live session, or AuthenticationFailed."""
    sid = token.get("sid")
    user_id = token.get("user_id")
    if not sid or not user_id:
        raise InvalidToken({"detail": "Token is invalid."})
    session = (
        LoginSession.objects.select_related("user")
        .filter(pk=sid, user_id=user_id, revoked_at__isnull=True)
        .first()
    )
    if session is None or not session.user.is_active:
        raise AuthenticationFailed(SESSION_ENDED, code="session_ended")
    return session.user


class SessionJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Any) -> User:
        return session_user(validated_token)
