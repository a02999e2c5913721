"""The directory's own choice lists (the API's are in contract/choices.py) and a provider's full name."""
from django.db import models


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# Titles written before the name ("Dr. Ada Lovelace"); the others follow it ("Ada Lovelace, RN").
PREFIX_TITLES = frozenset({"Dr.", "Prof.", "Mr.", "Ms.", "Mrs."})


def full_name(title: str, first_name: str, last_name: str) -> str:
    name = f"{first_name} {last_name}".strip()
    if not title:
        return name
    return f"{title} {name}" if title in PREFIX_TITLES else f"{name}, {title}"
