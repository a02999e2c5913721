"""The seed's validation rules and their exact wording (its section 7, "Validation Rules").

The desktop checks a form with these as the user types; the server answers a 400 with the same
words. Where the seed gives a rule without words (the names' 2 characters, unique emails), the
words are ours.
"""
from __future__ import annotations

import re

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
