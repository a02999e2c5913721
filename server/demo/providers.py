"""The demo's providers, drawn one at a time from the seed's random generator (ids included)."""
from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from contract.choices import LicenseStatus, ProfessionalRole
from contract.validation import npi_check_digit
from server.accounts.models import User
from server.demo.careers import (
    CAREERS,
    EXTRA_INFO,
    FEES,
    FOCUS,
    LANGUAGES,
    LICENSE_KINDS,
    LICENSE_LETTERS,
    NOUNS,
    PERSON,
    REJECTION_NOTES,
    ROLE_WEIGHTS,
)
from server.demo.names import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from server.demo.places import AREA_CODES, HOSPITALS, PERSONAL_DOMAINS, PRACTICES, Organization
from server.directory.models import Provider, derived_fields

HISTORY_DAYS = 548  # how far back registrations go
WITH_NPI = 0.9  # the share of providers that gave their NPI


def new_uuid(rng: random.Random) -> uuid.UUID:
    """A version 4 id drawn from `rng`: the same seed gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _ascii(text: str) -> str:
    """Lower-case letters only: "Nguyễn" -> "nguyen", "O'Brien" -> "obrien"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalpha())


def weighted(rng: random.Random, options: dict[Any, int]) -> Any:
    """One of `options`, each as likely as its weight."""
    return rng.choices(list(options), weights=list(options.values()))[0]


class ProviderMaker:
    """Draws providers one at a time; keeps emails and license numbers unique."""

    def __init__(self, rng: random.Random, hospitals: list[Organization], now: datetime) -> None:
        self.rng, self.now, self.today = rng, now, now.date()
        self.hospitals = hospitals
        self.practices = [Organization(n, c, s, d, None) for n, c, s, d in PRACTICES]
        self.emails: set[str] = set()
        self.licenses: set[str] = set()
        self.npis: set[str] = set()

    def make(self) -> tuple[Provider, list[uuid.UUID]]:
        """A new provider (revision still 0) and the ids of the hospitals it works at."""
        rng = self.rng
        provider_id, female = new_uuid(rng), rng.random() < 0.56
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(LAST_NAMES)
        role = weighted(rng, ROLE_WEIGHTS)
        title, specialization = self.career(role, female)
        org = rng.choice(self.hospitals if rng.random() < 0.7 else self.practices)
        years = self.years(title)
        fields = {
            "professional_title": title, "first_name": first, "last_name": last,
            "email": self.email(first, last, org), "phone_number": self.phone(org.state),
            "organization_facility": org.name, "professional_role": role, "specialization": specialization,
            "license_number": self.license_number(org.state, role), "years_of_experience": years,
            "consultation_fee": self.fee(title), "is_active": rng.random() >= 0.02, "npi": self.npi(provider_id),
            **self.license(), **self.texts(title, first, last, org, specialization, years),
        }
        return self.provider(provider_id, fields), self.links(org)

    def provider(self, provider_id: uuid.UUID, fields: dict[str, Any]) -> Provider:
        age = self.age(fields["license_status"], fields.get("license_expiry_date"))
        created = self.now - age
        updated = created + age * self.rng.random() ** 3
        return Provider(id=provider_id, created_at=created, updated_at=updated, revision=0,
                        **derived_fields(**fields), **fields)

    def age(self, status: str, expiry: date | None) -> timedelta:
        """How long ago the provider registered: recently when pending, before an expired license's end."""
        if status == LicenseStatus.PENDING:
            return timedelta(days=self.rng.uniform(0, 75))
        if expiry is not None and expiry < self.today:
            return timedelta(days=self.rng.uniform((self.today - expiry).days + 30, HISTORY_DAYS))
        return timedelta(days=HISTORY_DAYS * self.rng.random() ** 1.25)

    def career(self, role: str, female: bool) -> tuple[str, str]:
        options = CAREERS[role]
        title, _, fields = self.rng.choices(options, weights=[weight for _, weight, _ in options])[0]
        specialization = "" if self.rng.random() < 0.02 else self.rng.choice(fields)
        if title == PERSON:
            title = ("Mrs." if self.rng.random() < 0.3 else "Ms.") if female else "Mr."
        return title, specialization

    def years(self, title: str) -> int:
        if title == "Prof.":
            return int(self.rng.triangular(15, 42, 24))
        return int(self.rng.triangular(0, 40, 9))

    def fee(self, title: str) -> Decimal:
        low, high = FEES.get(title, (0, 0))
        if high == 0 or self.rng.random() < 0.1:
            return Decimal("0.00")
        cents = self.rng.choice((0, 0, 0, 0, 50, 99))
        return Decimal(f"{self.rng.randrange(low, high + 1, 5)}.{cents:02d}")

    def email(self, first: str, last: str, org: Organization) -> str:
        first_part, last_part = _ascii(first), _ascii(last)
        local = self.rng.choice((f"{first_part}.{last_part}", f"{first_part[0]}{last_part}",
                                 f"{first_part}{last_part}", f"{first_part}_{last_part}"))
        domain = org.domain if self.rng.random() < 0.7 else self.rng.choice(PERSONAL_DOMAINS)
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        return email

    def phone(self, state: str) -> str:
        area = self.rng.choice(AREA_CODES[state])
        exchange, line, style = self.rng.randint(201, 989), self.rng.randint(0, 9999), self.rng.random()
        if style < 0.05:
            return ""
        if style < 0.2:
            return f"+1 {area}-{exchange}-{line:04d}"
        return f"({area}) {exchange}-{line:04d}"

    def license_number(self, state: str, role: str) -> str:
        while True:
            number = f"{state}-{LICENSE_LETTERS[role]}{self.rng.randint(0, 999_999):06d}"
            if number.upper() not in self.licenses:
                self.licenses.add(number.upper())
                return number

    def npi(self, provider_id: uuid.UUID) -> str | None:
        """A synthetic NPI with a valid check digit, or None (not given), unique in the demo.

        Drawn from the provider's id, not from the seed's generator: the draws of every other field
        stay as they were before providers had NPIs."""
        rng = random.Random(provider_id.int)
        if rng.random() >= WITH_NPI:
            return None
        while True:
            first_nine = f"1{rng.randrange(10 ** 8):08d}"
            number = f"{first_nine}{npi_check_digit(first_nine)}"
            if number not in self.npis:
                self.npis.add(number)
                return number

    def license(self) -> dict[str, Any]:
        """Mostly verified (expiring over the next two years); some pending, rejected or expired."""
        kind = weighted(self.rng, LICENSE_KINDS)
        days, note = self.rng.randint(1, 730), self.rng.choice(REJECTION_NOTES)
        ahead, past = self.today + timedelta(days), self.today - timedelta(days // 4 + 1)
        situations: dict[str, dict[str, Any]] = {
            "verified": {"license_status": LicenseStatus.VERIFIED, "license_expiry_date": ahead},
            "verified_past": {"license_status": LicenseStatus.VERIFIED, "license_expiry_date": past},
            "expired": {"license_status": LicenseStatus.EXPIRED, "license_expiry_date": past},
            "rejected": {"license_status": LicenseStatus.REJECTED, "license_note": note},
            "pending": {"license_status": LicenseStatus.PENDING},
        }
        return situations[kind]

    def texts(self, title: str, first: str, last: str, org: Organization, field: str,
              years: int) -> dict[str, str]:
        noun = NOUNS.get(title, "healthcare professional")
        area = f" specializing in {field.lower()}" if field else ""
        name = f"{title} {first} {last}" if title in ("Dr.", "Prof.") else f"{first} {last}"
        bio = (f"{name} is a {noun}{area} at {org.name} in {org.city}. "
               f"{first} has {years} years of experience. {self.rng.choice(FOCUS)}")
        if self.rng.random() < 0.3:
            bio += f" Speaks English and {self.rng.choice(LANGUAGES)}."
        extra = self.rng.choice(EXTRA_INFO) if self.rng.random() < 0.35 else ""
        return {"bio": "" if self.rng.random() < 0.08 else bio, "additional_information": extra}

    def links(self, org: Organization) -> list[uuid.UUID]:
        """1 to 3 hospitals: the organization itself if it is one, then others nearby first."""
        count = self.rng.choice((1, 1, 2, 2, 2, 3))
        chosen = [org] if org.hospital else []
        nearby = [h for h in self.hospitals if h.state == org.state and h not in chosen]
        others = [h for h in self.hospitals if h.state != org.state]
        for pool in (nearby, others):
            wanted = min(count - len(chosen), len(pool))
            if wanted > 0:
                chosen += self.rng.sample(pool, wanted)
        return [h.hospital.pk for h in chosen if h.hospital is not None]



def demo_provider(maker: ProviderMaker, user: User) -> tuple[Provider, list[uuid.UUID]]:
    """provider@demo.local's own profile: a verified family physician with a full record."""
    provider, _ = maker.make()  # for its id, and so that the draws after it do not depend on it
    fields = {
        "professional_title": "Dr.", "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "organization_facility": HOSPITALS[0][0], "phone_number": "(415) 555-0142",
        "professional_role": ProfessionalRole.PHYSICIAN, "specialization": "Family Medicine",
        "license_number": "CA-A482913", "npi": "1234567893", "license_status": LicenseStatus.VERIFIED,
        "license_expiry_date": maker.today + timedelta(days=290), "license_note": "", "is_active": True,
        "years_of_experience": 12, "consultation_fee": Decimal("180.00"),
        "bio": "Dr. Amelia Carter is a family physician at St. Mary's Medical Center in San Francisco. "
               "She cares for patients of every age, with a focus on preventive care and diabetes.",
        "additional_information": "Accepting new patients. Telehealth appointments available.",
    }
    maker.emails.add(user.email)
    maker.licenses.add(fields["license_number"].upper())
    maker.npis.discard(provider.npi or "")  # the one drawn for it is free again
    maker.npis.add(str(fields["npi"]))
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.user = user
    provider.created_at = maker.now - timedelta(days=420)
    provider.updated_at = maker.now - timedelta(days=20)
    for name, value in derived_fields(**fields).items():
        setattr(provider, name, value)
    return provider, [org.hospital.pk for org in maker.hospitals[:2] if org.hospital is not None]
