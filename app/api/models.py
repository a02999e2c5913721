"""pydantic models of every resource of docs/api.md, and the parsing that raises only our errors.

Values are frozen; unknown fields from a server are ignored. The client reads answers into them
through app/api/endpoint.py; `parse_model` reads what the desktop stored itself (a wrong type raises
`BadResponseError` naming the field). Lists are validated with module-level adapters.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticValidationError

from app.api.errors import BadResponseError
from contract.appointments import DEFAULT_MINUTES, AppointmentStatus, AppointmentType
from contract.choices import Decision as Decision  # read by the credentialing pages
from contract.choices import FlagDecision, FlagKind, LicenseStatus, ProfessionalRole, ProfessionalTitle
from contract.choices import Role as Role  # read by the session and the pages

# The API's choice lists are declared once, for the server too (contract/choices.py).
TITLE_LABELS: dict[str, str] = {title.value: title.label for title in ProfessionalTitle}


class Resource(BaseModel):
    """Base of every model: frozen, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class User(Resource):
    id: str
    email: str
    username: str
    first_name: str = ""
    last_name: str = ""
    role: Role
    provider_id: str | None = None


class HospitalRef(Resource):
    id: str
    name: str
    city: str


class Hospital(HospitalRef):
    provider_count: int | None = None  # None: the server does not count them (the seed's backend)


class LicenseDocumentInfo(Resource):
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ProviderSummary(Resource):
    """A provider as lists show them. Our server gives every field; a server without our extensions
    (app/api/adapters.py) may not: a missing title, role or license status is None (unknown: left
    out of the detail), a missing text is "", a missing time None."""

    id: str
    professional_title: ProfessionalTitle | None = None
    first_name: str = ""
    last_name: str = ""
    full_name: str
    email: str = ""
    phone_number: str = ""
    organization_facility: str | None = None  # None: not sent (the seed's backend's detail), or blank
    professional_role: ProfessionalRole | None = None
    specialization: str = ""
    license_number: str = ""
    license_status: LicenseStatus | None = None
    license_expiry_date: date | None = None
    is_active: bool = True
    updated_at: datetime | None = None

    @field_validator("professional_title", "organization_facility", "professional_role", "license_status",
                     "updated_at", mode="before")
    @classmethod
    def _blank_is_unknown(cls, value: Any) -> Any:
        return None if value == "" else value


class Provider(ProviderSummary):
    license_verified: bool = False
    has_license_document: bool = False
    license_document: LicenseDocumentInfo | None = None
    license_note: str = ""
    additional_information: str = ""
    years_of_experience: int = 0
    consultation_fee: Decimal = Decimal("0.00")
    bio: str = ""
    hospitals: tuple[HospitalRef, ...] = ()
    created_at: datetime | None = None
    npi: str | None = None  # None: not given (or a server that has no NPIs)

    @field_validator("created_at", "npi", mode="before")
    @classmethod
    def _blank_is_not_given(cls, value: Any) -> Any:
        return None if value == "" else value


class DropdownItem(Resource):
    id: str
    full_name: str
    specialization: str = ""
    organization_facility: str = ""


T = TypeVar("T")


class Page(Resource, Generic[T]):
    count: int
    next: str | None = None
    previous: str | None = None
    results: tuple[T, ...]


class Activity(Resource):
    at: datetime
    kind: str
    message: str


class Notification(Resource):
    id: str
    level: str
    message: str
    created_at: datetime
    read: bool = False


class ProviderStats(Resource):
    total_appointments: int = 0
    upcoming_appointments: int = 0
    completed_appointments: int = 0
    patients_count: int | None = None  # None: the server does not count patients


class ProviderDashboard(Resource):
    provider_profile: Provider
    stats: ProviderStats
    recent_activities: tuple[Activity, ...] = ()
    notifications: tuple[Notification, ...] = ()
    license_status: LicenseStatus | None = None

    @field_validator("license_status", mode="before")
    @classmethod
    def _blank_is_unknown(cls, value: Any) -> Any:
        return None if value == "" else value


class Appointment(Resource):
    """An appointment (docs/api.md, "Appointments"): the seed guide's backend's names, ours beside them."""

    id: str
    healthcare_provider: str = ""  # the seed guide's backend lists only the name
    healthcare_provider_name: str = ""
    healthcare_provider_specialization: str = ""
    patient_name: str = ""
    patient_contact: str = ""
    appointment_date: datetime
    end_time: datetime | None = None
    duration_minutes: int = DEFAULT_MINUTES
    appointment_type: str = AppointmentType.CONSULTATION.value
    status: str = AppointmentStatus.SCHEDULED.value
    chief_complaint: str = ""
    cancellation_reason: str = ""
    booked_by: str = ""
    created_at: datetime | None = None
    can_be_cancelled: bool = False
    can_be_rescheduled: bool = False

    @field_validator("healthcare_provider", "id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if value is not None else value

    @property
    def end(self) -> datetime:
        return self.end_time or self.appointment_date + timedelta(minutes=self.duration_minutes)

    @property
    def status_label(self) -> str:
        try:
            return AppointmentStatus(self.status).label
        except ValueError:
            return self.status.replace("_", " ").capitalize()

    @property
    def type_label(self) -> str:
        try:
            return AppointmentType(self.appointment_type).label
        except ValueError:
            return self.appointment_type.replace("_", " ").capitalize()


class Expiring(Resource):
    within_30: int = 0
    within_60: int = 0
    within_90: int = 0


class WeekCount(Resource):
    week: date
    count: int


class StaffDashboard(Resource):
    providers_total: int
    by_license_status: dict[str, int]
    by_professional_role: dict[str, int]
    pending_queue: int
    expiring: Expiring
    registrations_by_week: tuple[WeekCount, ...] = ()
    recent_activities: tuple[Activity, ...] = ()


class AuditEvent(Resource):
    at: datetime
    actor: str
    action: str
    detail: str = ""
    fields: tuple[str, ...] = ()


class RecredentialingClock(Resource):
    """A verified provider's recredentialing clock (`GET /credentialing/recredentialing/`, staff only): its
    last verify decision, and the day recredentialing is due (36 months on, no grace)."""

    provider_id: str
    verified_at: datetime
    due: date


class FlagFile(Resource):
    """The reference file a flag's evidence comes from."""

    name: str
    published: date
    sha256: str = ""


class ScreeningFlag(Resource):
    """A screening flag as staff read it (`GET /screening/flags/`): what a rule found, and the officer's
    decision (None while open). Never in a provider's hands: the server answers it to staff only."""

    id: str
    provider_id: str
    provider_name: str = ""
    kind: FlagKind
    source: str = ""
    reason: str = ""
    file: FlagFile | None = None  # the file the evidence was found in
    line: int = 0  # the evidence's line in that file (the header is line 1)
    evidence: dict[str, str] = {}  # the row's values by the file's column names, in the file's order
    created_at: datetime | None = None
    decision: FlagDecision | None = None
    decision_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None


class FlagDecisionEvent(Resource):
    """One decision taken on a flag (its audit)."""

    decision: FlagDecision
    reason: str = ""
    actor: str = ""
    at: datetime


class ScreeningFlagDetail(ScreeningFlag):
    """A flag with every decision taken on it, newest first (`GET /screening/flags/{id}/`)."""

    history: tuple[FlagDecisionEvent, ...] = ()


class MonitoringRun(Resource):
    """A monitoring run as the staff dashboard shows it: when, and the flags after it by kind."""

    id: str
    started_at: datetime
    counts: dict[str, int]
    added_count: int = 0
    removed_count: int = 0


class MonitoringStatus(Resource):
    """Screening's monitoring at a glance (`GET /screening/status/`); `available` False on a server
    without screening."""

    last_run: MonitoringRun | None = None
    age_days: int | None = None
    overdue: bool = False
    available: bool = True


class ReferenceFileInfo(Resource):
    name: str
    published: date
    sha256: str
    rows: int


class LeieLoadResult(Resource):
    """What a load of the LEIE answers: the file as recorded, and every provider's flags after screening."""

    file: ReferenceFileInfo
    flags: dict[str, int]


class AuditRecord(AuditEvent):
    """An event of the audit export (`GET /credentialing/audit/`), with the provider it concerns."""

    provider_id: str
    provider_name: str
    license_number: str = ""


class LoginResult(Resource):
    access: str
    refresh: str
    user: User


class RegistrationResult(Resource):
    user: User
    profile: Provider | None = None  # None until loaded (a server that answers `userProfile: null`)
    access: str
    refresh: str


class TokenRefresh(Resource):
    access: str
    refresh: str | None = None


class TokenValidation(Resource):
    valid: bool
    user: User | None = None  # None: the server names only `user_id` (the profile tells the rest)
    user_id: str | int | None = None
    expires_at: datetime | None = None


class Health(Resource):
    status: str
    version: str = ""


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A value with the version tag (ETag) to send back in `If-Match` when changing it."""

    value: T
    etag: str | None


@dataclass(frozen=True)
class DocumentFile:
    """A license document as the server sent it."""

    content: bytes
    content_type: str
    sha256: str | None


M = TypeVar("M", bound=BaseModel)

PROVIDER_SUMMARIES: TypeAdapter[list[ProviderSummary]] = TypeAdapter(list[ProviderSummary])
DROPDOWN_ITEMS: TypeAdapter[list[DropdownItem]] = TypeAdapter(list[DropdownItem])
AUDIT_EVENTS: TypeAdapter[list[AuditEvent]] = TypeAdapter(list[AuditEvent])
APPOINTMENTS: TypeAdapter[list[Appointment]] = TypeAdapter(list[Appointment])


def not_kept(sent: Mapping[str, Any], saved: BaseModel) -> list[str]:
    """The fields of `saved`'s model that `sent` gave a value and `saved` (the server's answer) holds empty:
    a server without such a field (the seed guide's has no NPI) takes the request and drops them without
    a word. Other names of `sent` (a password, a username) are not the record's, so not looked at."""
    def blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    return [name for name, value in sent.items()
            if name in type(saved).model_fields and not blank(value) and blank(getattr(saved, name))]


def _where(error: PydanticValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(the whole answer)"
    return where, first["msg"]


def parse_model(model: type[M], content: bytes) -> M:
    """Parse a JSON body into `model`; anything else raises BadResponseError."""
    try:
        return model.model_validate_json(content)
    except PydanticValidationError as error:
        raise BadResponseError(*_where(error)) from None
