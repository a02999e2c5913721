"""The registration wizard against a server without our extensions (tests/helpers/seed_server.py)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtWidgets import QWizard

from tests.helpers.factories import registration_fields
from tests.helpers.qt import run_ui, wait_until
from tests.helpers.seed_server import SeedServer
from tests.ui.profile.test_wizard import fill_all, not_signed_in, open_wizard

FINISH = QWizard.WizardButton.FinishButton


def test_registering_with_a_blank_username_and_blank_numbers(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path
) -> None:
    # and an NPI, which this server has no place for: it takes the registration and drops it
    form = registration_fields(email="Ann.Field@example.org", username="", years_of_experience="",
                               consultation_fee="", npi="1234567893")

    async def body() -> None:
        async with not_signed_in(seed_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            emails: list[str] = []
            wizard.registered.connect(emails.append)
            fill_all(wizard, form)
            wizard.button(FINISH).click()
            await wait_until(lambda: emails, what="registered")
            assert emails == ["ann.field@example.org"]
            assert wizard.not_kept == ["npi"], "what the server dropped, for the sign-in window to say"

    run_ui(loop, body)
    login = httpx.post(f"{seed_server.api}/auth/login/", json={"email": "ann.field@example.org",
                                                               "password": form["password"]})
    assert login.status_code == 200
    assert login.json()["authUser"]["username"] == "Ann.Field"
