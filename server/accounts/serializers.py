"""Input and output shapes of the authentication endpoints."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from server.accounts.authentication import session_user
from server.accounts.models import Role, User


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, source="effective_role", read_only=True)
    provider_id = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "username", "first_name", "last_name", "role", "provider_id"]
        read_only_fields = fields

    def get_provider_id(self, user: User) -> str | None:
        provider = getattr(user, "provider", None)
        return str(provider.id) if provider is not None else None


def user_representation(user: User) -> dict[str, Any]:
    return dict(UserSerializer(user).data)


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, max_length=4096)
    refresh_token = serializers.CharField(required=False, max_length=4096)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SessionTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, refused for ended sessions and deactivated users."""

    refresh = serializers.CharField(max_length=4096)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        session_user(RefreshToken(attrs["refresh"]))
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
