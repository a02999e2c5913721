"""The client's address, trusting exactly NUM_PROXIES reverse proxies."""
from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request


def client_ip(request: HttpRequest | Request) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not settings.NUM_PROXIES:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) >= settings.NUM_PROXIES:
        return forwarded[-settings.NUM_PROXIES]
    return forwarded[0] if forwarded else remote
