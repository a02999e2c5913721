"""Authentication endpoints: login, logout, token refresh and validation, password change."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.views import TokenRefreshView

from server.accounts import services
from server.accounts.authentication import session_user
from server.accounts.models import User
from server.accounts.serializers import (
    LoginInputSerializer,
    LogoutInputSerializer,
    PasswordChangeInputSerializer,
    SessionTokensOutputSerializer,
    TokenPairOutputSerializer,
    TokenRefreshOutputSerializer,
    TokenValidateInputSerializer,
    TokenValidateOutputSerializer,
)
from server.accounts.throttle import LoginThrottled
from server.common.exceptions import Throttled429
from server.common.net import client_ip
from server.common.outputs import DetailSerializer, rendered

INVALID_LOGIN = "Invalid email or password."
WRONG_OLD_PASSWORD = "Your old password was entered incorrectly. Please enter it again."


class LoginApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []

    @extend_schema(
        request=LoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: OpenApiResponse(description="Missing fields"),
            401: DetailSerializer,
            429: DetailSerializer,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            tokens = services.login_attempt(
                email=data.validated_data["email"],
                password=data.validated_data["password"],
                ip=client_ip(request),
            )
        except LoginThrottled as throttled:
            raise Throttled429(wait=throttled.wait, detail=throttled.detail) from None
        except services.LoginRefused:
            return Response({"detail": INVALID_LOGIN}, status=status.HTTP_401_UNAUTHORIZED)
        return rendered(TokenPairOutputSerializer, tokens)


class PasswordChangeApi(APIView):
    """Replaces the caller's password: every token issued before stops working, a new pair is answered."""

    @extend_schema(
        request=PasswordChangeInputSerializer,
        responses={
            200: SessionTokensOutputSerializer,
            400: OpenApiResponse(description="Field errors: old_password, new_password, new_password_confirm"),
            401: DetailSerializer,
            429: DetailSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated (the default permission) lets only users in
        data = PasswordChangeInputSerializer(data=request.data, context={"user": user})
        data.is_valid(raise_exception=True)
        try:
            tokens = services.password_change(
                user=user,
                old_password=data.validated_data["old_password"],
                new_password=data.validated_data["new_password"],
                ip=client_ip(request),
            )
        except LoginThrottled as throttled:
            raise Throttled429(wait=throttled.wait, detail=throttled.detail) from None
        except services.PasswordRefused:
            return Response({"old_password": [WRONG_OLD_PASSWORD]}, status=status.HTTP_400_BAD_REQUEST)
        return rendered(SessionTokensOutputSerializer, tokens)


class LogoutApi(APIView):
    """Ends the session: the refresh token is blacklisted and the session's access tokens die."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=LogoutInputSerializer,
        responses={200: DetailSerializer, 400: OpenApiResponse(description="No token"), 401: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = LogoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh = data.validated_data.get("refresh") or data.validated_data.get("refresh_token")
        access_sid = request.auth.get("sid") if request.auth is not None else None
        if not refresh and access_sid is None:
            return Response(
                {"refresh": ["This field is required."]}, status=status.HTTP_400_BAD_REQUEST
            )
        if not services.session_end(refresh=refresh, access_sid=access_sid):
            return Response({"detail": "Token is invalid or expired."}, status=status.HTTP_401_UNAUTHORIZED)
        return rendered(DetailSerializer, {"detail": "Signed out."})


class TokenRefreshApi(TokenRefreshView):
    @extend_schema(
        responses={200: TokenRefreshOutputSerializer, 400: OpenApiResponse(description="No token"),
                   401: DetailSerializer},
        auth=[],
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().post(request, *args, **kwargs)


class TokenValidateApi(APIView):
    """Says whether an access token (never a refresh token) is valid, and whose it is."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        request=TokenValidateInputSerializer,
        responses={200: TokenValidateOutputSerializer, 401: TokenValidateOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        raw = self._raw_token(request)
        if not raw:
            return self._invalid("No token was given.")
        try:
            token = AccessToken(raw)
            user = session_user(token)
        except TokenError:
            return self._invalid("Token is invalid or expired.")
        except AuthenticationFailed as failed:
            detail = failed.detail.get("detail", failed.detail) if isinstance(failed.detail, dict) else failed.detail
            return self._invalid(str(detail))
        expires_at = datetime.fromtimestamp(int(token["exp"]), tz=UTC)
        return rendered(TokenValidateOutputSerializer,
                        {"valid": True, "user": user, "expires_at": expires_at.isoformat()})

    @staticmethod
    def _raw_token(request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ").strip()
        body = TokenValidateInputSerializer(data=request.data if isinstance(request.data, dict) else {})
        if body.is_valid():
            return str(body.validated_data.get("token") or "")
        return ""

    @staticmethod
    def _invalid(detail: str) -> Response:
        return rendered(TokenValidateOutputSerializer, {"valid": False, "detail": detail},
                        status=status.HTTP_401_UNAUTHORIZED)
