"""Client-side validation of registration and profile fields: the seed's rules and exact words.

The server checks the same rules (section 7 of the seed, "Validation Rules") with the same words,
both read from `contract.validation`; checking here too lets a form answer as the user types.
Every form of the application uses these.
"""
from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from importlib import resources
from typing import Any

from contract.choices import ProfessionalRole, ProfessionalTitle
from contract.validation import (
    EMAIL_INVALID,
    EMAIL_MAX_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    PASSWORD_LENGTH,
    PASSWORD_MATCH,
    PASSWORD_MIN_LENGTH,
    PHONE_FORMAT,
    REQUIRED,
    character_error,
    npi_error,
    phone_is_valid,
)
from contract.validation import LICENSE_UNIQUE as LICENSE_UNIQUE  # read by the roster preview and the forms
from contract.validation import NPI_UNIQUE as NPI_UNIQUE  # read by the roster preview

YEARS_INVALID = "Years of experience must be a whole number of 0 or more"
FEE_INVALID = "Consultation fee must be an amount of 0 or more with at most 2 decimals"

# The seed's six registration steps, in order: (title, description, fields).
REGISTRATION_STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Personal Information", "Let's start with your basic details",
     ("professional_title", "first_name", "last_name")),
    ("Contact Information", "How can patients and colleagues reach you?", ("email", "phone_number")),
    ("Account Security", "Create a secure account", ("username", "password", "password_confirm")),
    ("Professional Details", "Tell us about your professional background",
     ("organization_facility", "professional_role", "specialization")),
    ("License Verification", "Professional license for verification", ("license_number", "npi")),
    ("Additional Information", "Anything else you'd like us to know? (Optional)", ("additional_information",)),
)
PROFILE_FIELDS = (
    "professional_title", "first_name", "last_name", "email", "phone_number", "organization_facility",
    "professional_role", "specialization", "license_number", "npi", "additional_information",
    "years_of_experience", "consultation_fee", "bio",
)

# The same pattern as Django's EmailValidator in spirit: a local part, an @, a dotted domain.
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
                    r"[A-Za-z]{2,63}$")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _choice_error(name: str, value: str) -> str | None:
    choices = {"professional_title": ProfessionalTitle, "professional_role": ProfessionalRole}.get(name)
    if choices is not None and value and value not in {c.value for c in choices}:
        return f'"{value}" is not a valid choice.'
    return None


def _number_error(name: str, value: str) -> str | None:
    if name == "years_of_experience" and value:
        return None if value.isdigit() and int(value) <= 80 else YEARS_INVALID
    if name == "consultation_fee" and value:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return FEE_INVALID
        exponent = amount.as_tuple().exponent
        ok = amount.is_finite() and amount >= 0 and isinstance(exponent, int) and exponent >= -2
        return None if ok else FEE_INVALID
    return None


def field_error(name: str, value: Any, form: Mapping[str, Any] | None = None) -> str | None:
    """The first problem with field `name` holding `value` (in `form`), or None."""
    text = _text(value) if name in ("password", "password_confirm") else _text(value).strip()
    if not text:
        return REQUIRED.get(name)
    if message := character_error(name, text):
        return message
    if name in MAX_LENGTH and len(text) > MAX_LENGTH[name][0]:
        return MAX_LENGTH[name][1]
    if name in MIN_LENGTH and len(text) < MIN_LENGTH[name][0]:
        return MIN_LENGTH[name][1]
    if name == "email" and (len(text) > EMAIL_MAX_LENGTH or not _EMAIL.match(text)):
        return EMAIL_INVALID
    if name == "phone_number" and not phone_is_valid(text):
        return PHONE_FORMAT
    if name == "npi":
        return npi_error(text)
    if name == "password":
        return next(iter(password_problems(text, form or {})), None)
    if name == "password_confirm" and form is not None and text != _text(form.get("password")):
        return PASSWORD_MATCH
    return _choice_error(name, text) or _number_error(name, text)


def form_errors(form: Mapping[str, Any], fields: tuple[str, ...] | None = None) -> dict[str, str]:
    """Every field of `fields` (default: those in `form`) with its first problem."""
    names = fields if fields is not None else tuple(form)
    found = {name: field_error(name, form.get(name), form) for name in names}
    return {name: message for name, message in found.items() if message}


def registration_errors(form: Mapping[str, Any]) -> dict[str, str]:
    return form_errors(form, tuple(name for _, _, names in REGISTRATION_STEPS for name in names))


PASSWORD_COMMON = "This password is too common."
PASSWORD_NUMERIC = "This password is entirely numeric."
# The server's validators (server/settings.py AUTH_PASSWORD_VALIDATORS) compare with these, under
# the names Django's User model gives them in its messages.
PERSONAL_ATTRIBUTES = {"username": "username", "first_name": "first name", "last_name": "last name",
                       "email": "email address"}
MAX_SIMILARITY = 0.7


@functools.cache
def _common_passwords() -> frozenset[str]:
    """Django's own list of 20,000 common passwords (django/contrib/auth/common-passwords.txt.gz,
    shipped here as package data; BSD-licensed like Django), the list the server checks against."""
    with resources.files("app").joinpath("common-passwords.txt.gz").open("rb") as raw, \
            gzip.open(raw, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def _too_similar(password: str, value: str) -> bool:
    """Django's UserAttributeSimilarityValidator rule for one attribute: the whole value or any
    of its words is at least MAX_SIMILARITY alike (SequenceMatcher's quick ratio)."""
    value = value.lower()
    for part in [*re.split(r"\W+", value), value]:
        # a part ten times shorter than the password cannot reach the ratio: Django skips it too
        if len(password) >= 10 * len(part) and len(part) < MAX_SIMILARITY / 2 * len(password):
            continue
        if SequenceMatcher(a=password, b=part).quick_ratio() >= MAX_SIMILARITY:
            return True
    return False


def password_problems(password: str, user: Mapping[str, Any]) -> list[str]:
    """Every reason the server's password validators would refuse `password` for `user` (a mapping
    with any of username, first_name, last_name, email); empty when none."""
    lowered = password.lower()
    # the registration form's own first check
    found = [PASSWORD_LENGTH] if len(password) < PASSWORD_MIN_LENGTH else []
    found += [f"The password is too similar to the {label}."
              for name, label in PERSONAL_ATTRIBUTES.items()
              if isinstance(user.get(name), str) and user[name] and _too_similar(lowered, user[name])][:1]
    if lowered.strip() in _common_passwords():
        found.append(PASSWORD_COMMON)
    if password.isdigit():
        found.append(PASSWORD_NUMERIC)
    return found


CURRENT_PASSWORD_REQUIRED = "Enter your current password"
NEW_PASSWORD_REQUIRED = "Enter a new password"
NEW_PASSWORD_CONFIRM_REQUIRED = "Enter the new password again"
PASSWORD_CHANGE_FIELDS = ("old_password", "new_password", "new_password_confirm")


def password_change_errors(form: Mapping[str, Any], user: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The first problem of each field of the change-password form (the server's field names), as the
    server's rules find it (all but the old password's check): the validators, for `user`'s
    username, names and email; the two new ones the same."""
    old, new, again = (_text(form.get(name)) for name in PASSWORD_CHANGE_FIELDS)
    new_problems = password_problems(new, user or {}) if new else [NEW_PASSWORD_REQUIRED]
    found = {
        "old_password": "" if old else CURRENT_PASSWORD_REQUIRED,
        "new_password": " ".join(new_problems),
        "new_password_confirm": NEW_PASSWORD_CONFIRM_REQUIRED if not again else PASSWORD_MATCH if again != new else "",
    }
    return {name: message for name, message in found.items() if message}


@dataclass(frozen=True)
class PasswordStrength:
    """A score from 0 (very weak) to 4 (strong) and a short reason for it."""

    score: int
    reason: str

    @property
    def label(self) -> str:
        return ("Very weak", "Weak", "Fair", "Good", "Strong")[self.score]


_SIMILAR_WORDS = "Avoid your name, username or email in the password."
_REASONS = {PASSWORD_LENGTH: "Use at least 8 characters.", PASSWORD_COMMON: "This is one of the most common passwords.",
            PASSWORD_NUMERIC: "Use letters as well as digits."}


def password_strength(password: str, *, user: Mapping[str, Any] | None = None) -> PasswordStrength:
    """Judge a password by length and variety; 0 ("Very weak") whenever the server would refuse it
    (password_problems for `user`), so the meter never calls a refused password acceptable."""
    problems = password_problems(password, user or {})
    if problems:
        return PasswordStrength(0, next((_REASONS[p] for p in problems if p in _REASONS), _SIMILAR_WORDS))
    if len(set(password)) <= 2:
        return PasswordStrength(1, "Use more different characters.")
    kinds = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    score = min(4, (1 if len(password) < 12 else 2) + (kinds >= 3) + (len(password) >= 16 or kinds == 4))
    reasons = {1: "Add capitals, digits or symbols, or make it longer.", 2: "Fair: a longer password is safer.",
               3: "Good password.", 4: "Strong password."}
    return PasswordStrength(score, reasons[score])
