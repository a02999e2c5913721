"""Check the desktop's core against the seed guide's real backend, step by step, as a user would go.

    python -m tools.seed_check --start "/work/seed-backend/start.sh 8011" \
        --stop /work/seed-backend/stop.sh --api http://127.0.0.1:8011/api/v1 --superuser-password PASSWORD

Starts a fresh local instance (`--start`, a command that gives an empty database with the superuser
admin@seed.local), then through the desktop's own client and session (app/, no window): registers
as the wizard does, signs in (and a `createsuperuser` account), learns what the server offers,
syncs the directory, edits the profile, changes the password, signs out, stops the server and reads
the directory offline. Prints each step's result; exits 1 when one failed. Not run by CI, which
cannot reach that backend (docs/api.md, "Servers without our extensions").
"""
from __future__ import annotations

import argparse
import asyncio
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from app.api.client import ApiClient
from app.api.connectivity import Connectivity
from app.api.errors import ApiError
from app.directory.query import DirectoryQuery
from app.directory.service import DirectoryService
from app.session.session import Session
from app.session.token_store import MemoryTokenStore
from app.tasks import TaskKeeper

PASSWORD, NEW_PASSWORD = "Quiet-River-2049", "Bright-Lantern-4821"
EMAIL = "ama.mensah@example.org"
FORM: dict[str, object] = {"professional_title": "Dr.", "first_name": "Ama", "last_name": "Mensah", "email": EMAIL,
        "phone_number": "", "organization_facility": "Korle Bu Teaching Hospital", "professional_role": "Physician",
        "specialization": "Cardiology", "license_number": "GH-MD-20461", "additional_information": "",
        "username": "", "password": PASSWORD, "password_confirm": PASSWORD, "years_of_experience": 9,
        "consultation_fee": "150.00", "bio": ""}


class Check:
    """Runs the steps in order, printing each result; a failed step ends the run."""

    def __init__(self) -> None:
        self.failed = False

    async def step(self, name: str, action: Callable[[], Awaitable[str]]) -> bool:
        try:
            result = await action()
        except (ApiError, AssertionError, OSError, subprocess.CalledProcessError) as error:
            self.failed = True
            print(f"FAILED  {name}: {type(error).__name__}: {getattr(error, 'message', error)}", flush=True)
            return False
        print(f"ok      {name}: {result}", flush=True)
        return True


async def _synced(service: DirectoryService) -> str:
    service.open()
    for _ in range(3000):
        if service.cache is not None and service.last_sync is not None and not service.syncing:
            break
        await asyncio.sleep(0.02)
    assert service.cache is not None, "the directory did not open"
    assert service.last_sync is not None, "the directory did not sync in 60 s"
    found = service.cache.count(DirectoryQuery(text="Mensah"))
    return f"{service.cache.size()} provider(s) in the offline copy; a search for 'Mensah' finds {found}"


async def run(options: argparse.Namespace) -> bool:
    check = Check()
    client = ApiClient(options.api)
    session = Session(client, MemoryTokenStore())
    connectivity = Connectivity(client)
    data = Path(tempfile.mkdtemp(prefix="seed-check-"))
    service: DirectoryService | None = None
    started = await check.step("a fresh instance", lambda: _shell(options.start))

    async def register() -> str:
        result = await client.register(FORM)
        assert result.profile is not None
        return (f"201; account {result.user.username!r} (the username the server required, from the email), "
                f"role {result.user.role.value}, profile {result.profile.full_name!r}")

    async def sign_in() -> str:
        user = await session.login(EMAIL, PASSWORD)
        caps = session.capabilities
        return (f"{user.role.value} {user.email}; learnt from the {caps.source}: lacks "
                f"{', '.join(sorted(f.name for f in caps.missing)) or 'nothing'}; password at {caps.password_path}")

    async def superuser() -> str:
        other = ApiClient(options.api)
        try:
            await other.login("admin@seed.local", options.superuser_password)
        except ApiError as error:
            return f"refused in words: {error.message}"
        finally:
            await other.aclose()
        raise AssertionError("a superuser of role 'user' signed in to pages it has none of")

    async def sync() -> str:
        nonlocal service
        assert session.user is not None
        service = DirectoryService(client, connectivity, user=session.user, server_key=session.server,
                                   data_dir=data, start=TaskKeeper(connectivity), capabilities=session.capabilities)
        return await _synced(service)

    async def edit() -> str:
        saved = await client.update_profile({"bio": "Interventional cardiologist.", "years_of_experience": 10},
                                            etag=None)
        again = (await client.profile()).value
        assert (again.bio, again.years_of_experience) == ("Interventional cardiologist.", 10)
        return f"saved and read back: bio {saved.value.bio!r}, {again.years_of_experience} years"

    async def password() -> str:
        await session.change_password(PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        other = ApiClient(options.api)
        try:
            await other.login(EMAIL, NEW_PASSWORD)
        finally:
            await other.aclose()
        ends = session.capabilities.password_ends_other_sessions
        return f"changed; signs in with the new one; other sessions ended: {ends}"

    async def sign_out() -> str:
        not_ended = await session.logout()
        return not_ended or "the server ended the session"

    async def offline() -> str:
        await _shell(options.stop)
        state = await connectivity.probe()
        assert service is not None
        assert service.cache is not None
        found = service.cache.count(DirectoryQuery(text="Mensah"))
        return f"connection {state.value}; {service.offline_text()}; the offline copy still finds 'Mensah': {found}"

    steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
        ("register through the wizard's client path", register), ("sign in", sign_in),
        ("sign in with the createsuperuser account", superuser), ("sync the directory", sync),
        ("edit and save the profile", edit), ("change the password", password), ("sign out", sign_out),
        ("stop the server, read the directory offline", offline)]
    try:
        for name, action in steps if started else []:
            if not await check.step(name, action):
                break
    finally:
        if service is not None:
            await service.aclose()
        await client.aclose()
        await _shell(options.stop)
    return not check.failed and started


async def _shell(command: str) -> str:
    def call() -> str:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=120, check=True)
        return (done.stdout.strip().splitlines() or ["done"])[-1]
    return await asyncio.to_thread(call)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--start", required=True, help="a command that starts a fresh instance")
    parser.add_argument("--stop", required=True, help="a command that stops it")
    parser.add_argument("--api", required=True, help="its API root, e.g. http://127.0.0.1:8011/api/v1")
    parser.add_argument("--superuser-password", required=True, help="the password of admin@seed.local")
    ok = asyncio.run(run(parser.parse_args()))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
