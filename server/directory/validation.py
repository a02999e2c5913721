"""The seed's validation rules and their exact wording (section 7, "Validation Rules")."""
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
EMAIL_INVALID = "Please enter a valid email address"
PASSWORD_LENGTH = "Password must be at least 8 characters long"
PASSWORD_MATCH = "Passwords do not match"
PHONE_FORMAT = "Please enter a valid phone number"
LICENSE_UNIQUE = "A provider with this license number already exists"
EMAIL_UNIQUE = "A provider with this email address already exists"
USERNAME_UNIQUE = "This username is already taken"
YEARS_MIN = "Years of experience cannot be negative"
FEE_MIN = "Consultation fee cannot be negative"

# Digits with the usual separators, an optional leading +, and 7 to 15 digits in all (E.164).
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]+$")


def phone_is_valid(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return bool(_PHONE_CHARS.match(value)) and 7 <= digits <= 15 and "+" not in value[1:]
