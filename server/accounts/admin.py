"""Django admin for users and their sign-in sessions (superusers only)."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from server.accounts.models import LoginSession, User


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
