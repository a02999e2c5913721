"""The answers of the seed guide's backend, field by field, as recorded from it (tests/fixtures/seed_backend).

What tests/helpers/seed_server.py sends is built here, in that backend's shapes and words: its user
(`authUser`), role object, profile, list item, detail, dashboard, and its refusals (DRF's error dict
printed as Python prints it inside `{"error", "details"}`). tests/test_seed_stand_in.py checks them
against the recording.
"""
from __future__ import annotations

from typing import Any

PERMISSIONS = {"can_view_own_data": True, "can_edit_own_profile": True, "can_view_appointments": True,
               "can_manage_appointments": True, "can_view_patient_data": True, "can_add_medical_records": True,
               "can_prescribe_medications": True}
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided."}
NO_PROFILE = {"error": "Provider profile not found"}
BLANK, REQUIRED = "This field may not be blank.", "This field is required."
TITLES = ("Dr.", "Prof.", "RN", "LPN", "NP", "PA", "RPh", "PT", "OT", "RT", "MT", "RD", "MSW", "Mr.", "Ms.",
          "Mrs.")
ROLES = ("Physician", "Registered Nurse", "Specialist", "Healthcare Administrator", "Medical Technician", "Other")
CHOICES = {"professional_title": TITLES, "professional_role": ROLES}
# the registration serializer's fields, in its order (its errors come in this order)
REGISTRATION = ("email", "username", "first_name", "last_name", "phone_number", "password", "password_confirm",
                "professional_title", "organization_facility", "professional_role", "specialization",
                "license_number", "additional_information", "years_of_experience", "consultation_fee", "bio",
                "hospital_clinic", "address")
REGISTRATION_REQUIRED = ("email", "username", "password", "password_confirm", "professional_title",
                         "organization_facility", "professional_role", "license_number")
# the profile serializer's fields, in its order; PUT needs the required ones
PROFILE = ("professional_title", "first_name", "last_name", "email", "phone_number", "organization_facility",
           "professional_role", "specialization", "license_number", "additional_information", "hospital_clinic",
           "address", "bio", "years_of_experience", "consultation_fee")
PROFILE_REQUIRED = ("professional_title", "first_name", "last_name", "email", "organization_facility",
                    "professional_role", "license_number")
Errors = dict[str, list[tuple[str, str]]]  # field -> [(message, code)]


def drf_repr(errors: Errors) -> str:
    """DRF's ErrorDetail dict as Python prints it (that backend puts it in its error strings)."""
    return "{" + ", ".join(f"{name!r}: [" + ", ".join(f"ErrorDetail(string={m!r}, code={c!r})" for m, c in found)
                           + "]" for name, found in errors.items()) + "}"


def full_name(p: dict[str, Any]) -> str:
    return " ".join(part for part in (p["professional_title"], p["first_name"], p["last_name"]) if part)


def auth_user(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "email": user["email"], "username": user["username"],
            "first_name": user["first_name"], "last_name": user["last_name"], "phone_number": user["phone"],
            "date_of_birth": None, "profile_image": None, "emergency_contact_name": "",
            "emergency_contact_phone": None, "is_email_verified": False, "is_phone_verified": False,
            "profile": None, "roles": list(user["roles"]), "permissions": permissions(user),
            "created_at": user["created_at"], "updated_at": user["created_at"]}


def permissions(user: dict[str, Any]) -> dict[str, bool]:
    return dict(PERMISSIONS) if user["roles"] else {}


def signed_in(user: dict[str, Any], message: str, tokens: dict[str, str]) -> dict[str, Any]:
    role = {"name": user["roles"][0] if user["roles"] else "user", "permissions": permissions(user)}
    return {"message": message, "authUser": auth_user(user), "userProfile": None, "role": role, "tokens": tokens}


def profile(p: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    return {"id": p["id"], **{k: p[k] for k in PROFILE[:9]}, "license_verified": p["license_verified"],
            **{k: p[k] for k in PROFILE[9:]}, "is_active": p["is_active"], "created_at": p["created_at"],
            "updated_at": p["updated_at"], "user_id": user["id"], "user_email": user["email"],
            "user_first_name": user["first_name"], "user_last_name": user["last_name"],
            "user_phone_number": p["phone_number"]}


def hospital_names(p: dict[str, Any]) -> str:
    return ", ".join(h["name"] for h in p["hospitals"])


def item(p: dict[str, Any]) -> dict[str, Any]:
    return {"id": p["id"], "full_name": full_name(p), "specialization": p["specialization"],
            "hospital_names": hospital_names(p), "years_of_experience": p["years_of_experience"],
            "consultation_fee": p["consultation_fee"], "is_active": p["is_active"]}


def hospital_ref(h: dict[str, Any]) -> dict[str, Any]:
    return {"id": h["id"], "name": h["name"], "city": h["city"], "hospital_type": h["hospital_type"]}


def detail(p: dict[str, Any]) -> dict[str, Any]:
    hospitals = [hospital_ref(h) for h in p["hospitals"]]
    return {"id": p["id"], "first_name": p["first_name"], "last_name": p["last_name"], "full_name": full_name(p),
            "email": p["email"], "phone_number": p["phone_number"], "specialization": p["specialization"],
            "license_number": p["license_number"], "hospitals": hospitals, "hospital_names": hospital_names(p),
            "primary_hospital": hospitals[0] if hospitals else None, "hospital_clinic": p["hospital_clinic"],
            "address": p["address"], "bio": p["bio"], "years_of_experience": p["years_of_experience"],
            "consultation_fee": p["consultation_fee"], "is_active": p["is_active"], "created_at": p["created_at"],
            "updated_at": p["updated_at"]}


def hospital(h: dict[str, Any]) -> dict[str, Any]:
    return {"id": h["id"], "name": h["name"], "hospital_type": h["hospital_type"], "city": h["city"],
            "region": h["region"], "full_address": f"{h['city']}, {h['region']}", "phone_number": "",
            "emergency_services": False, "is_active": True}


def dashboard(p: dict[str, Any]) -> dict[str, Any]:
    return {"provider": {"id": p["id"], "full_name": full_name(p), "specialization": p["specialization"],
                         "years_of_experience": p["years_of_experience"],
                         "consultation_fee": p["consultation_fee"]},
            "statistics": dict(p["appointments"]), "recent_appointments": []}


def _number(value: Any, integer: bool) -> bool:
    try:
        int(value) if integer else float(value)
    except (TypeError, ValueError):
        return False
    return True


def registration_errors(body: dict[str, Any], emails: set[str], usernames: set[str]) -> Errors:
    """The field errors of a registration, in the serializer's order (uniqueness included)."""
    errors: Errors = {}
    for name in REGISTRATION:
        value = body.get(name)
        if name not in body:
            if name in REGISTRATION_REQUIRED:
                errors[name] = [(REQUIRED, "required")]
        elif name in ("years_of_experience", "consultation_fee"):
            if not _number(value, name == "years_of_experience"):
                word = "integer" if name == "years_of_experience" else "number"
                errors[name] = [(f"A valid {word} is required.", "invalid")]
        elif not str(value).strip() and name in REGISTRATION_REQUIRED:
            errors[name] = [(BLANK, "blank")]
        elif name == "email" and str(value).lower() in emails:
            errors[name] = [("User with this email address already exists.", "unique")]
        elif name == "username" and value in usernames:
            errors[name] = [("A user with that username already exists.", "unique")]
        elif name in CHOICES and value not in CHOICES[name]:
            errors[name] = [(f'"{value}" is not a valid choice.', "invalid_choice")]
    return errors


def registration_refusal(body: dict[str, Any], errors: Errors, licenses: set[str]) -> dict[str, Any] | None:
    """The 400 of a registration, or None when it is accepted."""
    if not errors:
        if body["password"] != body["password_confirm"]:
            errors = {"non_field_errors": [("Passwords don't match", "invalid")]}
        elif body["license_number"] in licenses:
            errors = {"non_field_errors": [("A provider with this license number already exists", "invalid")]}
    return {"error": "Registration failed", "details": drf_repr(errors)} if errors else None


def profile_errors(body: dict[str, Any], replace: bool) -> dict[str, list[str]]:
    """The profile serializer's refusal (DRF's plain shape, not wrapped)."""
    errors: dict[str, list[str]] = {}
    for name in PROFILE:
        if name not in body:
            if replace and name in PROFILE_REQUIRED:
                errors[name] = [REQUIRED]
        elif name in PROFILE_REQUIRED and not str(body[name]).strip():
            errors[name] = [BLANK]
        elif name in CHOICES and body[name] not in CHOICES[name]:
            errors[name] = [f'"{body[name]}" is not a valid choice.']
    return errors


def password_errors(body: dict[str, Any], current: str) -> dict[str, list[str]]:
    """The change-password serializer's refusal (its fields first, then whether the new ones match)."""
    errors: dict[str, list[str]] = {}
    for name in ("current_password", "new_password", "new_password_confirm"):
        if not str(body.get(name, "")):
            errors[name] = [BLANK if name in body else REQUIRED]
    if "current_password" not in errors and body["current_password"] != current:
        errors["current_password"] = ["Current password is incorrect."]
    new = str(body.get("new_password", ""))
    if "new_password" not in errors and len(new) < 8:
        errors["new_password"] = ["This password is too short. It must contain at least 8 characters.",
                                  "Ensure this field has at least 8 characters."]
    if not errors and new != body["new_password_confirm"]:
        errors["non_field_errors"] = ["New passwords don't match."]
    return errors
