"""Password hashing: Argon2id at OWASP's parameters, a few hashes at a time per process; older hashes still verify.

Measured on this project's 2-core machine: Django's default, PBKDF2-SHA256 at 1,000,000 iterations,
costs 186 ms of CPU a sign-in, and Django's Argon2 parameters (100 MiB, 8 lanes) 194 ms: either way
50 sign-ins at once took both cores for seconds, and sign-ins mixed into a load starved the other
requests (README, `python -m bench load --sign-ins`). Argon2id with OWASP's recommended minimum
(19 MiB of memory, 2 passes, 1 lane) costs 21 ms and is memory-hard, which PBKDF2 is not. At most
HASHES_AT_ONCE run at once in a process (19 MiB each), so a crowd signing in queues for the hashes
instead of taking every core and the memory.

Existing hashes keep working: PASSWORD_HASHERS (settings.py) lists this first and Django's PBKDF2 after
it; a password stored by PBKDF2 (or with other Argon2 parameters) is checked as stored and, once right,
hashed again with these parameters (Django's upgrade on check_password; User.save knows a rehash is
not a password change).
"""
from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

HASHES_AT_ONCE = 2
_slots = threading.BoundedSemaphore(HASHES_AT_ONCE)


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB, 2 passes, 1 lane (OWASP's Password Storage Cheat Sheet), a few at a time."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with _slots:
            return str(super().encode(password, salt))

    def verify(self, password: str, encoded: str) -> bool:
        with _slots:
            return bool(super().verify(password, encoded))


class BoundedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256, for the hashes stored before Argon2id: checked a few at a time, then upgraded."""

    def encode(self, password: str, salt: str, iterations: Any = None) -> str:
        with _slots:
            return str(super().encode(password, salt, iterations))

    def verify(self, password: str, encoded: str) -> bool:
        with _slots:
            return bool(super().verify(password, encoded))
