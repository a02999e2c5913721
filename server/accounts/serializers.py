"""Input and output shapes of the authentication endpoints."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
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


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()


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
