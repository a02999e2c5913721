"""Sign-in, token issue, logout and the brute-force defences around them."""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from server.accounts.models import LoginSession, User, normalize_email

FAILURE_WINDOW_SECONDS = 60
ACCOUNT_MEMORY_SECONDS = 15 * 60


class LoginThrottled(Exception):
    def __init__(self, wait: int) -> None:
        super().__init__(f"retry in {wait} s")
        self.wait = wait


class LoginRefused(Exception):
    """Wrong email or password, or an inactive account: the caller never learns which."""


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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _pair_key(email: str, ip: str) -> str:
    return f"login-fail:{_digest(email)}:{ip}"


def _account_key(email: str) -> str:
    return f"login-account:{_digest(email)}"


def _throttle_wait(email: str, ip: str, now: float) -> int:
    """Seconds the caller must wait before this email may be tried again from this address."""
    failures = [t for t in cache.get(_pair_key(email, ip), []) if t > now - FAILURE_WINDOW_SECONDS]
    wait = 0.0
    if len(failures) >= settings.LOGIN_FAILURES_PER_MINUTE:
        wait = failures[-settings.LOGIN_FAILURES_PER_MINUTE] + FAILURE_WINDOW_SECONDS - now
    account = cache.get(_account_key(email))
    if account:
        count, last = account
        extra = count - settings.LOGIN_ACCOUNT_FREE_FAILURES
        if extra >= 0:
            delay = min(2 ** (extra + 1), settings.LOGIN_DELAY_MAX_SECONDS)
            wait = max(wait, last + delay - now)
    return max(0, math.ceil(wait))


def _record_failure(email: str, ip: str, now: float) -> None:
    key = _pair_key(email, ip)
    failures = [t for t in cache.get(key, []) if t > now - FAILURE_WINDOW_SECONDS]
    failures.append(now)
    cache.set(key, failures[-50:], FAILURE_WINDOW_SECONDS)
    count, _ = cache.get(_account_key(email)) or (0, now)
    cache.set(_account_key(email), (count + 1, now), ACCOUNT_MEMORY_SECONDS)


def login_attempt(*, email: str, password: str, ip: str) -> IssuedTokens:
    """Check a password; raise LoginThrottled or LoginRefused, or open a session.

    Throttles are checked before the password, so a throttled caller learns nothing.
    """
    email = normalize_email(email)
    now = time.time()
    wait = _throttle_wait(email, ip, now)
    if wait:
        raise LoginThrottled(wait)
    user = authenticate(username=email, password=password)
    if user is None or not user.is_active:
        _record_failure(email, ip, now)
        raise LoginRefused()
    cache.delete_many([_pair_key(email, ip), _account_key(email)])
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
    LoginSession.objects.filter(pk=sid, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return True


def user_sessions_revoke(*, user: User) -> None:
    """End every session of `user` (on deactivation)."""
    LoginSession.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
