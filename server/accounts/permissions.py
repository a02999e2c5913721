"""Role permissions of the table of docs/api.md."""
from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from contract.choices import Role


def role_of(request: Request) -> str | None:
    user = request.user
    if not user or not user.is_authenticated:
        return None
    return str(user.effective_role)


class IsFacilityAdmin(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return role_of(request) == Role.FACILITY_ADMIN


class IsStaff(BasePermission):
    """Facility administrators and credentialing officers."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return role_of(request) in (Role.FACILITY_ADMIN, Role.CREDENTIALING_OFFICER)


class IsCredentialingOfficer(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return role_of(request) == Role.CREDENTIALING_OFFICER


class ReadOrFacilityAdmin(BasePermission):
    """Anyone signed in reads; only facility administrators write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return role_of(request) is not None
        return role_of(request) == Role.FACILITY_ADMIN
