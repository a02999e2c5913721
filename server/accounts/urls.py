from django.urls import path

from server.accounts import apis

urlpatterns = [
    path("login/", apis.LoginApi.as_view(), name="auth-login"),
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("token/validate/", apis.TokenValidateApi.as_view(), name="auth-token-validate"),
    path("password/change/", apis.PasswordChangeApi.as_view(), name="auth-password-change"),
]
