"""The choice lists of the API (docs/api.md): each value as sent, and the words a person reads for it.

The desktop's models and forms and the server's models, serializers and filters all read these
classes, so a value added here is offered, accepted and stored alike on both sides.
"""
from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    """A value of the API with its label; a member is declared as `NAME = value` or `NAME = value, label`."""

    _value_: str
    _label: str

    def __new__(cls, value: str, label: str | None = None) -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = value if label is None else label
        return member

    @property
    def label(self) -> str:
        return self._label


def choices(kind: type[Choice]) -> list[tuple[str, str]]:
    """(value, label) of every member, in order: the form Django's `choices` and DRF's ChoiceField take."""
    return [(member.value, member.label) for member in kind]


def values(kind: type[Choice]) -> tuple[str, ...]:
    """Every member's value, in order."""
    return tuple(member.value for member in kind)


class ProfessionalTitle(Choice):
    DR = "Dr.", "Dr. (Doctor)"
    PROF = "Prof.", "Prof. (Professor)"
    RN = "RN", "RN (Registered Nurse)"
    LPN = "LPN", "LPN (Licensed Practical Nurse)"
    NP = "NP", "NP (Nurse Practitioner)"
    PA = "PA", "PA (Physician Assistant)"
    RPH = "RPh", "RPh (Pharmacist)"
    PT = "PT", "PT (Physical Therapist)"
    OT = "OT", "OT (Occupational Therapist)"
    RT = "RT", "RT (Respiratory Therapist)"
    MT = "MT", "MT (Medical Technologist)"
    RD = "RD", "RD (Registered Dietitian)"
    MSW = "MSW", "MSW (Medical Social Worker)"
    MR = "Mr."
    MS = "Ms."
    MRS = "Mrs."


class ProfessionalRole(Choice):
    PHYSICIAN = "Physician"
    REGISTERED_NURSE = "Registered Nurse"
    SPECIALIST = "Specialist"
    HEALTHCARE_ADMINISTRATOR = "Healthcare Administrator"
    MEDICAL_TECHNICIAN = "Medical Technician"
    OTHER = "Other"


class LicenseStatus(Choice):
    PENDING = "pending_verification", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class Decision(Choice):
    """What a credentialing officer decides of a pending license: one of two license statuses."""

    VERIFIED = LicenseStatus.VERIFIED.value, LicenseStatus.VERIFIED.label
    REJECTED = LicenseStatus.REJECTED.value, LicenseStatus.REJECTED.label


class Role(Choice):
    """An account's role; staff (the two administrative roles) read every provider and every field."""

    PROVIDER = "provider", "Provider"
    FACILITY_ADMIN = "facility_admin", "Facility administrator"
    CREDENTIALING_OFFICER = "credentialing_officer", "Credentialing officer"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PROVIDER


class NotificationLevel(Choice):
    INFO = "info", "Info"
    SUCCESS = "success", "Success"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class ReferenceSource(Choice):
    """A public reference file the server screens providers against (docs/api.md, "Screening")."""

    LEIE = "leie", "OIG exclusion list (LEIE)"
    NPPES = "nppes", "CMS NPI registry (NPPES)"


class FlagKind(Choice):
    """What a screening found about a provider; a flag is evidence for an officer, never a decision."""

    EXCLUDED = "excluded", "Excluded"
    POSSIBLE_MATCH = "possible_match", "Possible match"


class FlagDecision(Choice):
    """What a credentialing officer decides of a screening flag (a reason is required to clear one)."""

    CONFIRMED = "confirmed", "Confirmed"
    CLEARED = "cleared", "Cleared as a false positive"
