"""The seed's choice lists, values as given there."""
from django.db import models


class ProfessionalTitle(models.TextChoices):
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
    MR = "Mr.", "Mr."
    MS = "Ms.", "Ms."
    MRS = "Mrs.", "Mrs."


# Titles written before the name ("Dr. Ada Lovelace"); the others follow it ("Ada Lovelace, RN").
PREFIX_TITLES = frozenset({"Dr.", "Prof.", "Mr.", "Ms.", "Mrs."})


class ProfessionalRole(models.TextChoices):
    PHYSICIAN = "Physician"
    REGISTERED_NURSE = "Registered Nurse"
    SPECIALIST = "Specialist"
    HEALTHCARE_ADMINISTRATOR = "Healthcare Administrator"
    MEDICAL_TECHNICIAN = "Medical Technician"
    OTHER = "Other"


class LicenseStatus(models.TextChoices):
    PENDING = "pending_verification", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class NotificationLevel(models.TextChoices):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


def full_name(title: str, first_name: str, last_name: str) -> str:
    name = f"{first_name} {last_name}".strip()
    if not title:
        return name
    return f"{title} {name}" if title in PREFIX_TITLES else f"{name}, {title}"
