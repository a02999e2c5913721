"""The seed's validation rules and their exact wording (its section 7, "Validation Rules").

The desktop checks a form with these as the user types; the server answers a 400 with the same
words. Where the seed gives a rule without words (the names' 2 characters, unique emails), the
words are ours.
"""
from __future__ import annotations

import re
import unicodedata

REQUIRED = {
    "professional_title": "Professional title is required",
    "first_name": "First name is required",
    "last_name": "Last name is required",
    "email": "Email address is required",
    "password": "Password is required",
    "password_confirm": "Please confirm your password",
    "organization_facility": "Organization/Facility is required",
    "professional_role": "Professional role is required",
    "license_number": "License number is required",
}
MAX_LENGTH = {
    "first_name": (100, "First name cannot exceed 100 characters"),
    "last_name": (100, "Last name cannot exceed 100 characters"),
    "organization_facility": (200, "Organization name cannot exceed 200 characters"),
    "specialization": (100, "Specialization cannot exceed 100 characters"),
    "license_number": (50, "License number cannot exceed 50 characters"),
    "additional_information": (1000, "Additional information cannot exceed 1000 characters"),
    "hospital_clinic": (200, "Hospital or clinic cannot exceed 200 characters"),
    "address": (500, "Address cannot exceed 500 characters"),
}
MIN_LENGTH = {
    "first_name": (2, "First name must be at least 2 characters long"),
    "last_name": (2, "Last name must be at least 2 characters long"),
}
EMAIL_MAX_LENGTH = 254  # RFC 5321's limit of a forward path, as Django's EmailField
PASSWORD_MIN_LENGTH = 8
EMAIL_INVALID = "Please enter a valid email address"
PASSWORD_LENGTH = "Password must be at least 8 characters long"
PASSWORD_MATCH = "Passwords do not match"
PHONE_FORMAT = "Please enter a valid phone number"
LICENSE_UNIQUE = "A provider with this license number already exists"
# The server's words for its rules beyond the seed's table
EMAIL_UNIQUE = "A provider with this email address already exists"
USERNAME_UNIQUE = "This username is already taken"
YEARS_MIN = "Years of experience cannot be negative"
# The National Provider Identifier (optional; docs/api.md, "NPI")
NPI_DIGITS = "NPI must be exactly 10 digits"
NPI_CHECK_DIGIT = "This is not a valid NPI: its last digit does not match its check digit"
NPI_UNIQUE = "A provider with this NPI already exists"
# A screening flag cleared as a false positive (docs/api.md, "Screening")
FLAG_CLEAR_REASON = "Say why this flag is a false positive: the reason is kept in the audit."
VERIFY_EXCLUDED = ("This provider is on the exclusion list (an Excluded screening flag): a license cannot be "
                   "verified until an officer clears the flag as a false positive.")
# The 120-day rule at Verify (docs/api.md, "Recredentialing and the screening's age"); {days} {limit} {on} filled
VERIFY_NOT_SCREENED = ("This provider has not been screened yet (no monitoring run since they registered): run "
                       "screening, then verify.")
VERIFY_SCREENING_OLD = ("This provider's last screening is {days} days old ({on}): a verification needs one at most "
                        "{limit} days old. Run screening again, then verify.")
FEE_MIN = "Consultation fee cannot be negative"

# Digits with the usual separators and an optional leading +.
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]+$")
# A North American number: +1 first, or an area code in parentheses, "(281) 481-4300" (an area code
# never starts with 0 or 1, so "(030) 1234567" is Berlin's, not one of these).
_NORTH_AMERICAN = re.compile(r"^(?:\+1|(?:1[ .\-]?)?\([2-9][0-9]{2}\))")


def phone_is_valid(value: str) -> bool:
    """Digits with the usual separators, an optional leading +, 7 to 15 digits (E.164); a North
    American number has its ten digits after the optional 1, so "(281) 481-43" is cut short."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if not _PHONE_CHARS.match(value) or "+" in value[1:] or not 7 <= len(digits) <= 15:
        return False
    if _NORTH_AMERICAN.match(value):
        return len(digits.removeprefix("1") if len(digits) == 11 else digits) == 10
    return True


# The share of the prefix 80840 (the NPI's issuer in the card numbering of ISO/IEC 7812) in the Luhn
# sum of an NPI's first nine digits: CMS's "Requirements for the NPI check digit" adds 24 in its place.
_NPI_PREFIX_SUM = 24


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI whose first nine digits are `first_nine`, over the prefix 80840."""
    total = _NPI_PREFIX_SUM
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:  # every other digit, from the rightmost on, is doubled
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10  # a total ending in 0 gives 0, never 10


def npi_error(value: str) -> str | None:
    """The words for what is wrong with `value` (already trimmed) as an NPI, or None when it is one."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return NPI_DIGITS
    return None if npi_check_digit(value[:9]) == int(value[9]) else NPI_CHECK_DIGIT


# The text fields and the words that name them. A one-line field holds no line break; a multi-line
# one may hold line breaks and tabs. Neither holds another control character (C0, DEL, C1), an
# invisible format character (direction marks, embeddings, overrides and isolates, zero-width
# spaces, the byte order mark, the soft hyphen) or a lone surrogate: stored, they reorder or hide
# what every screen and export shows. Choices, numbers and passwords are not checked here.
ONE_LINE_FIELDS = {
    "first_name": "First name", "last_name": "Last name", "email": "Email address", "phone_number": "Phone number",
    "organization_facility": "Organization/Facility", "specialization": "Specialization",
    "license_number": "License number", "username": "Username", "hospital_clinic": "Hospital or clinic",
    # an appointment's (docs/api.md, "Appointments"): the reason for it, and the reason it is cancelled
    "patient_name": "Patient name", "patient_contact": "Patient contact", "chief_complaint": "Reason",
    "reason": "Reason",
}
MULTI_LINE_FIELDS = {"additional_information": "Additional information", "bio": "Biography", "address": "Address",
                     "note": "The note"}  # a license decision's note, which the provider sees
_MULTI_LINE_SPACING = frozenset("\n\r\t")
# The invisible characters a name may hold: the joiners Persian (ZWNJ) and Indic scripts (ZWJ) spell with
_JOINERS = frozenset("\u200c\u200d")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _character_words(label: str, char: str, multiline: bool) -> str:
    if not multiline and len(f"a{char}b".splitlines()) > 1:
        return f"{label} cannot contain a line break"
    if not multiline and char == "\t":
        return f"{label} cannot contain a tab"
    name = unicodedata.name(char, "")
    return f"{label} cannot contain the invisible character U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def character_error(name: str, value: str) -> str | None:
    """The words for the first character text field `name` may not hold in `value`, or None (also
    for a field that is not text)."""
    label = ONE_LINE_FIELDS.get(name) or MULTI_LINE_FIELDS.get(name)
    if label is None:
        return None
    multiline = name in MULTI_LINE_FIELDS
    for char in value:
        if (multiline and char in _MULTI_LINE_SPACING) or char in _JOINERS:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return _character_words(label, char, multiline)
    return None
