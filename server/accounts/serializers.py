"""Input and output shapes of the authentication endpoints."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from contract.choices import Role, choices
from contract.validation import PASSWORD_MATCH
from server.accounts.authentication import refused_refresh_words, session_user
from server.accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=choices(Role), source="effective_role", read_only=True)
    provider_id = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "username", "first_name", "last_name", "role", "provider_id"]
        read_only_fields = fields

    def get_provider_id(self, user: User) -> str | None:
        provider = getattr(user, "provider", None)
        return str(provider.id) if provider is not None else None


# What each role may do, as the seed guide's backend names a role's permissions (`role.permissions`,
# `authUser.permissions`): an account of ours answers with its own role's, for clients written against it.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PROVIDER: ("can_view_own_data", "can_edit_own_profile", "can_view_directory"),
    Role.FACILITY_ADMIN: ("can_view_directory", "can_manage_providers", "can_view_dashboard"),
    Role.CREDENTIALING_OFFICER: ("can_view_directory", "can_verify_licenses", "can_view_dashboard"),
}


def _permissions(user: User) -> dict[str, bool]:
    return dict.fromkeys(ROLE_PERMISSIONS[user.effective_role], True)


class AuthUserSerializer(UserSerializer):
    """The user as the seed guide's backend calls it (`authUser`): ours, with `roles` and `permissions`."""

    roles = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "roles", "permissions"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return [user.effective_role]

    def get_permissions(self, user: User) -> dict[str, bool]:
        return _permissions(user)


class RoleOutputSerializer(serializers.Serializer):
    """An account's role as an object (the seed guide's backend's `role`)."""

    name = serializers.ChoiceField(choices=choices(Role), source="effective_role")
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, user: User) -> dict[str, bool]:
        return _permissions(user)


class TokensOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SignedInExtrasSerializer(serializers.Serializer):
    """What the seed guide's backend answers beside our fields at sign-in and registration, added for
    clients written against it (docs/api.md, "Servers without our extensions"): the same tokens and
    user again under its names, and its words."""

    MESSAGE = "Login successful"
    message = serializers.SerializerMethodField()
    tokens = TokensOutputSerializer(source="*")
    authUser = AuthUserSerializer(source="user")
    role = RoleOutputSerializer(source="user")

    def get_message(self, _answer: object) -> str:
        return self.MESSAGE


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenPairOutputSerializer(SignedInExtrasSerializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()
    userProfile = serializers.SerializerMethodField()

    @extend_schema_field({"type": "object", "nullable": True, "description": "Always null: the profile is "
                          "`GET /auth/provider/profile/` (as with the seed guide's backend)"})
    def get_userProfile(self, _answer: object) -> None:
        return None


class PasswordChangeInputSerializer(serializers.Serializer):
    """The account's current password and the new one, twice."""

    # everything but the old password is checked here: the service checks that, behind the throttle

    old_password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    new_password_confirm = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        if attrs["new_password"] != attrs["new_password_confirm"]:
            errors["new_password_confirm"] = [PASSWORD_MATCH]
        try:
            validate_password(attrs["new_password"], user=self.context["user"])
        except DjangoValidationError as error:
            errors["new_password"] = list(error.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SessionTokensOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, max_length=4096)
    refresh_token = serializers.CharField(required=False, max_length=4096)


class SessionTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, refused for ended sessions and deactivated users."""

    refresh = serializers.CharField(max_length=4096)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            token = RefreshToken(attrs["refresh"])
        except TokenError:  # expired or blacklisted: said in words a person reads, not simplejwt's
            raise AuthenticationFailed(refused_refresh_words(attrs["refresh"]), code="token_not_valid") from None
        session_user(token)
        return super().validate(attrs)


class TokenRefreshOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(required=False, help_text="Only when the server rotates refresh tokens.")


class TokenValidateInputSerializer(serializers.Serializer):
    token = serializers.CharField(required=False, max_length=4096)


class TokenValidateOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    user = UserSerializer(required=False)
    expires_at = serializers.DateTimeField(required=False)
    detail = serializers.CharField(required=False)
