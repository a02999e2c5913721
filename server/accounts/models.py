"""The user model (email login, one role) and the sign-in sessions its tokens belong to."""
from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from contract.choices import Role, choices


def normalize_email(email: str) -> str:
    """Emails are compared without case: they are stored trimmed and lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        email = normalize_email(email)
        extra.setdefault("username", email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.FACILITY_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email and a password; `role` says what they may do."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", max_length=254, unique=True)
    role = models.CharField(max_length=32, choices=choices(Role), default=Role.PROVIDER.value)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    objects = UserManager()

    @property
    def effective_role(self) -> str:
        """Superusers count as facility administrators."""
        return Role.FACILITY_ADMIN if self.is_superuser else self.role

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._unusable_password_set = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a password set by anyone (the API, the Django admin, `manage changepassword`) ends
        every session of this user, so every token issued before stops working."""
        self.email = normalize_email(self.email)
        # Django keeps the raw password from set_password() in `_password` until the save (for the
        # validators' password_changed); its own hash upgrade in check_password() clears it before
        # saving, so a rehash of the same password ends nothing.
        unusable = self.__dict__.pop("_unusable_password_set", False)
        replaced = self._password is not None or unusable
        existing = not self._state.adding
        super().save(*args, **kwargs)
        if replaced and existing:
            from server.accounts.services import user_sessions_revoke  # services imports this module

            user_sessions_revoke(user=self, because=EndedBecause.PASSWORD_CHANGED)


class EndedBecause(models.TextChoices):
    """Why a session was revoked: the refused client is told (authentication.py)."""

    SIGNED_OUT = "signed_out"
    PASSWORD_CHANGED = "password_changed"
    DEACTIVATED = "deactivated"


class LoginSession(models.Model):
    """One sign-in: every token issued for it carries its id (`sid`); logout revokes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    ended_because = models.CharField(max_length=32, choices=EndedBecause.choices, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]
