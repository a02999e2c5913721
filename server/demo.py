"""Demo data: the three demo accounts, hospitals and providers (placeholder; see seed_demo)."""
from __future__ import annotations

from server.accounts.models import Role, User
from server.directory.models import Provider

DEMO_PASSWORD = "demo-pass-2026"


def database_is_empty() -> bool:
    return not User.objects.exists() and not Provider.objects.exists()


def database_reset() -> None:
    Provider.objects.all().delete()
    User.objects.all().delete()


def seed_demo(*, providers: int = 2000) -> dict[str, int]:
    User.objects.create_user("admin@demo.local", DEMO_PASSWORD, username="admin", role=Role.FACILITY_ADMIN)
    User.objects.create_user("credentialing@demo.local", DEMO_PASSWORD, username="credentialing",
                             role=Role.CREDENTIALING_OFFICER)
    return {"accounts": 2}
