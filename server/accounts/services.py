"""Sign-in, password change, token issue and logout (the failure counters are in throttle.py)."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from server.accounts import throttle
from server.accounts.models import EndedBecause, LoginSession, User, normalize_email


class LoginRefused(Exception):
    """Wrong email or password, or an inactive account: the caller never learns which."""


class PasswordRefused(Exception):
    """The old password given for a password change is not the account's."""


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str
    user: User


def session_start(*, user: User) -> IssuedTokens:
    """Open a sign-in session for `user` and issue its first token pair."""
    session = LoginSession.objects.create(user=user)
    refresh = RefreshToken.for_user(user)
    refresh["sid"] = str(session.id)
    refresh["role"] = user.effective_role
    return IssuedTokens(access=str(refresh.access_token), refresh=str(refresh), user=user)


def login_attempt(*, email: str, password: str, ip: str) -> IssuedTokens:
    """Check a password; raise throttle.LoginThrottled or LoginRefused, or open a session.

    The throttle answers before the password is hashed, so a throttled caller learns nothing
    and costs nothing.
    """
    email = normalize_email(email)
    with throttle.attempt(email=email, ip=ip) as attempt:
        user = authenticate(username=email, password=password)
        if user is None or not user.is_active:
            raise LoginRefused()
        attempt.succeeded()
    return session_start(user=user)


def password_change(*, user: User, old_password: str, new_password: str, ip: str) -> IssuedTokens:
    """Replace `user`'s password, ending every session of theirs; the tokens of a new session.

    `new_password` must have passed the password validators. Raises throttle.LoginThrottled
    (before the old password is hashed) or PasswordRefused: a wrong old password counts as a
    failed sign-in of the account from that address.
    """
    with throttle.attempt(email=normalize_email(user.email), ip=ip) as attempt:
        if not user.check_password(old_password):
            raise PasswordRefused()
        attempt.succeeded()
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])  # User.save ends every session (models.py)
        return session_start(user=user)


def _session_of(token: RefreshToken) -> str | None:
    sid = token.get("sid")
    return str(sid) if sid else None


@transaction.atomic
def session_end(*, refresh: str | None, access_sid: str | None) -> bool:
    """End the session of `refresh` (blacklisting it), else the caller's; False if neither is valid."""
    sid = None
    if refresh:
        try:
            token = RefreshToken(refresh)
        except TokenError:
            token = None
        if token is not None:
            token.blacklist()
            sid = _session_of(token)
    sid = sid or access_sid
    if not sid:
        return False
    LoginSession.objects.filter(pk=sid, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), ended_because=EndedBecause.SIGNED_OUT)
    return True


def user_sessions_revoke(*, user: User, because: EndedBecause) -> None:
    """End every session of `user` (deactivation, a new password): all their tokens stop working,
    and a client refused afterwards is told `because`.

    Revoking the sessions already refuses every access and refresh token (authentication.py);
    the refresh tokens still outstanding are blacklisted as well, so they read as ended anywhere.
    """
    now = timezone.now()
    LoginSession.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now, ended_because=because)
    outstanding = OutstandingToken.objects.filter(user=user, expires_at__gt=now, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in outstanding],
                                         ignore_conflicts=True)
