"""Django admin for users and their sign-in sessions (superusers only), and its throttled sign-in."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from server.accounts import throttle
from server.accounts.models import LoginSession, User, normalize_email
from server.common.net import client_ip


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "username", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "username", "first_name", "last_name"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("ProviderDesk", {"fields": ["role"]}))
    add_fieldsets = (
        (None, {"classes": ["wide"], "fields": ["email", "username", "role", "password1", "password2"]}),
    )


@admin.register(LoginSession)
class LoginSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["id", "user", "created_at"]


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in, counted with the API's sign-ins (throttle.py) and refused while throttled.

    A right password for an account that may not use the admin still counts as a failure, so
    the count never tells a guesser that a password was right.
    """

    throttled_wait: int | None = None

    def clean(self) -> dict[str, Any]:
        email = normalize_email(self.cleaned_data.get("username") or "")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        self.cleaned_data["username"] = email
        try:
            with throttle.attempt(email=email, ip=client_ip(self.request)) as attempt:
                cleaned = super().clean()  # raises for a wrong pair or a non-staff account: a failure
                attempt.succeeded()
        except throttle.LoginThrottled as throttled:
            self.throttled_wait = throttled.wait
            raise ValidationError(throttled.detail, code="throttled") from None
        return cleaned


admin.site.login_form = ThrottledAdminAuthenticationForm


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin site's sign-in page, answering 429 with a Retry-After while throttled."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    wait = getattr(form, "throttled_wait", None)
    if wait:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response
