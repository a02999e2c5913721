"""The registration wizard against the real server: steps, messages, strength, drafts, submission.

The wizard is built alone: for self-registration from a client that is not signed in, on behalf
from a facility administrator's. How the sign-in window and the main window open it (and what
they do once it registered) is the shell's to test.
"""
from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget, QWizard

from app.api.client import ApiClient, Timeouts
from app.validation import LICENSE_UNIQUE
from contract.validation import NPI_CHECK_DIGIT, NPI_DIGITS
from tests.helpers.factories import register_provider, registration_fields, unique, unique_npi
from tests.helpers.live_server import LiveServer, running_server
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from ui.common.dialogs import open_dialog
from ui.common.tasks import TaskRunner
from ui.profile.wizard import RegistrationWizard
from ui.providers import fields as fields_module
from ui.providers.detail import ProviderDetailDialog

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
BACK = QWizard.WizardButton.BackButton


@asynccontextmanager
async def not_signed_in(api: str, timeouts: Timeouts | None = None) -> AsyncIterator[tuple[ApiClient, TaskRunner]]:
    """What the sign-in window has for a self-registration: a client of `api` nobody signed in with, a runner."""
    client = ApiClient(api, timeouts=timeouts)
    runner = TaskRunner()
    try:
        yield client, runner
    finally:
        runner.cancel_all()
        await client.aclose()


def open_wizard(client: ApiClient, runner: TaskRunner, data_dir: Path) -> RegistrationWizard:
    """Open a self-registration wizard, keeping its draft under `data_dir`."""
    wizard = RegistrationWizard(client, runner, data_dir)
    open_dialog(wizard)  # as the application opens it
    wizard.activateWindow()  # focus moves (Tab leaves a field) only in the active window
    QApplication.processEvents()
    return wizard


def fill_page(wizard: RegistrationWizard, form: dict[str, Any]) -> None:
    page = wizard.currentPage()
    wizard.fields.set_values({name: form[name] for name in page.names if name in form})


def fill_all(wizard: RegistrationWizard, form: dict[str, Any]) -> None:
    """Fill every step from `form` and press Next on each, up to the summary."""
    while wizard.currentPage() is not wizard.summary:
        fill_page(wizard, form)
        assert wizard.button(NEXT).isEnabled(), wizard.fields.check(wizard.currentPage().names, show=False)
        wizard.button(NEXT).click()


def summary_text(wizard: RegistrationWizard) -> list[str]:
    return [label.text() for label in wizard.summary.area.widget().findChildren(QLabel)]


def error_of(wizard: RegistrationWizard, name: str) -> str:
    label = wizard.fields.errors[name]
    return label.text() if label.isVisible() else ""


def tab_chain(wizard: RegistrationWizard) -> list[QWidget]:
    """The widgets Tab visits, in order, from the first after Cancel round to Cancel."""
    cancel = widget = wizard.button(QWizard.WizardButton.CancelButton)
    visited = []
    while True:
        widget = widget.nextInFocusChain()
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            visited.append(widget)
        if widget is cancel:
            return visited


def type_into(wizard: RegistrationWizard, name: str, text: str) -> None:
    """Type `text` into a line edit, then leave it (Tab), as a user does (Enter would press Next)."""
    line = wizard.fields.inputs[name]
    line.setFocus()
    line.clear()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Tab)


def test_enter_on_a_step_with_problems_shows_them(loop: asyncio.AbstractEventLoop, live_server: LiveServer,
                                                 tmp_path: Path) -> None:
    """Next is disabled while a step has problems; its tooltip says why, and Enter shows them."""
    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            first = wizard.step_pages[0]
            assert not wizard.button(NEXT).isEnabled()
            assert "press Enter to see which" in wizard.button(NEXT).toolTip()
            QTest.keyClicks(wizard.fields.inputs["first_name"], "Joseph")
            assert error_of(wizard, "last_name") == "", "nothing said before the user asks"
            QTest.keyClick(wizard.fields.inputs["first_name"], Qt.Key.Key_Return)
            assert wizard.currentPage() is first
            assert error_of(wizard, "last_name") == "Last name is required"
            assert error_of(wizard, "professional_title") == "Professional title is required"
            assert wizard.focusWidget() is wizard.fields.inputs["professional_title"], "the first problem has the focus"
            wizard.reject()

    run_ui(loop, body)


def test_a_message_moves_no_field(loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path) -> None:
    """Each field's message line is kept free: a message that comes or goes moves nothing under it."""
    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            wizard.resize(680, 600)
            await asyncio.sleep(0.05)
            last = wizard.fields.inputs["last_name"]

            def y() -> int:
                return last.mapTo(wizard, last.rect().topLeft()).y()

            before = y()
            type_into(wizard, "first_name", "J")
            await asyncio.sleep(0.05)
            assert error_of(wizard, "first_name") == "First name must be at least 2 characters long"
            assert wizard.fields.errors["first_name"].isVisible()
            assert y() == before, "the message took a line of its own"
            type_into(wizard, "first_name", "Joseph")
            await asyncio.sleep(0.05)
            assert not wizard.fields.errors["first_name"].isVisible()
            assert y() == before
            wizard.reject()

    run_ui(loop, body)


def test_registering_step_by_step_then_signing_in(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    form = registration_fields(first_name="Joseph", last_name="Ewool", username=f"jewool{unique()}",
                               additional_information="<b>not bold</b>")

    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            await registering(client, runner)

    async def registering(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)
        emails: list[str] = []
        wizard.registered.connect(emails.append)
        titles = [wizard.page(i).title() for i in wizard.pageIds()]
        assert titles == ["Personal Information", "Contact Information", "Account Security", "Professional Details",
                          "License Verification", "Additional Information", "Review and register"]
        assert wizard.page(wizard.pageIds()[1]).subTitle() == "Step 2 of 6 · How can patients and colleagues reach you?"

        # An untouched form says nothing, but Next stays disabled.
        assert not wizard.button(NEXT).isEnabled()
        assert all(error_of(wizard, name) == "" for name in wizard.fields.names)
        type_into(wizard, "first_name", "J")
        assert error_of(wizard, "first_name") == "First name must be at least 2 characters long"
        QTest.keyClicks(wizard.fields.inputs["first_name"], "oseph")
        assert error_of(wizard, "first_name") == "", "the message goes as soon as the value is right"
        assert error_of(wizard, "last_name") == ""
        wizard.next()  # pressing Next on an incomplete step shows every problem and stays
        assert wizard.currentPage() is wizard.step_pages[0]
        assert error_of(wizard, "last_name") == "Last name is required"
        assert error_of(wizard, "professional_title") == "Professional title is required"
        fill_page(wizard, form)
        assert wizard.button(NEXT).isEnabled()
        assert error_of(wizard, "last_name") == ""
        wizard.button(NEXT).click()

        # Step 2: a wrong email, in the seed's words, beside the field.
        type_into(wizard, "email", "joseph@hospital")
        assert error_of(wizard, "email") == "Please enter a valid email address"
        assert not wizard.button(NEXT).isEnabled()
        fill_page(wizard, form)
        assert error_of(wizard, "email") == ""
        wizard.button(NEXT).click()

        # Step 3: the strength meter moves as the password is typed.
        meter = wizard.meter
        assert meter.bar.minimum() == 0
        assert meter.bar.maximum() == 5
        assert meter.bar.value() == 0, "nothing typed: an empty bar"
        type_into(wizard, "password", "short")
        assert error_of(wizard, "password") == "Password must be at least 8 characters long"
        assert meter.bar.value() == 1, "Very weak shows one red step, not an empty bar (issue 22, item 13)"
        type_into(wizard, "password", "ewool2049")
        assert meter.bar.value() == 1, "the server refuses a password this like the last name"
        assert "name, username or email" in meter.reason.text()
        assert error_of(wizard, "password") == "The password is too similar to the last name."
        type_into(wizard, "password", "password1")
        assert error_of(wizard, "password") == "This password is too common."
        assert meter.reason.text() == "Very weak: This is one of the most common passwords."
        assert not wizard.button(NEXT).isEnabled()
        type_into(wizard, "password", form["password"])
        strong = meter.bar.value()
        assert strong >= 4
        type_into(wizard, "password_confirm", "something-else")
        assert error_of(wizard, "password_confirm") == "Passwords do not match"
        assert not wizard.button(NEXT).isEnabled()
        fill_page(wizard, form)
        assert wizard.button(NEXT).isEnabled()
        draft = tmp_path / "drafts" / "registration.json"
        await wait_until(lambda: draft.exists(), what="the draft")
        assert form["password"] not in draft.read_text(encoding="utf-8")
        wizard.button(NEXT).click()

        fill_all(wizard, form)
        shown = summary_text(wizard)
        for name in ("email", "license_number", "organization_facility", "username", "additional_information"):
            assert form[name] in shown, name
        assert "Dr. (Doctor)" in shown
        assert shown.count("••••••") == 2
        assert form["password"] not in " ".join(shown)
        assert all(label.textFormat() == Qt.TextFormat.PlainText for label in
                   wizard.summary.area.widget().findChildren(QLabel) if "<b>" in label.text())

        finish = wizard.button(FINISH)
        assert finish.text() == "Register"
        finish.click()
        assert wizard.busy
        assert not finish.isEnabled(), "cannot be sent twice"
        assert not wizard.button(BACK).isEnabled()
        finish.click()
        assert not wizard.submit(), "a second press does nothing while the first runs"
        assert runner.running == 1
        await wait_until(lambda: emails, what="registered")
        assert emails == [form["email"]]
        assert not draft.exists(), "the draft is gone once registered"

    run_ui(loop, body)
    signed_in = live_server.login(form["email"], form["password"])
    assert signed_in["user"]["role"] == "provider"
    assert signed_in["user"]["username"] == form["username"]


def test_a_duplicate_license_lands_on_step_5_beside_the_field(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client
) -> None:
    taken = f"LIC-{unique()}".upper()
    register_provider(anon, license_number=taken)
    form = registration_fields(license_number=taken.lower())

    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            await registering(client, runner)

    async def registering(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)
        fill_all(wizard, form)
        wizard.button(FINISH).click()
        license_page = wizard.step_pages[4]
        await wait_until(lambda: wizard.currentPage() is license_page, what="step 5")
        assert license_page.title() == "License Verification"
        assert error_of(wizard, "license_number") == LICENSE_UNIQUE
        assert not wizard.button(NEXT).isEnabled()
        assert wizard.fields.value("email") == form["email"], "nothing typed is lost"
        assert wizard.fields.value("password") == form["password"]
        wizard.fields.inputs["license_number"].setText(f"LIC-{unique()}")
        assert error_of(wizard, "license_number") == ""
        assert wizard.button(NEXT).isEnabled()
        emails: list[str] = []
        wizard.registered.connect(emails.append)
        fill_all(wizard, form | {"license_number": wizard.fields.value("license_number")})
        wizard.button(FINISH).click()
        await wait_until(lambda: emails, what="registered")

    run_ui(loop, body)


def test_a_draft_is_restored_after_closing_and_can_be_discarded(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    form = registration_fields()

    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            await drafting(client, runner)

    async def drafting(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)
        assert not wizard.banner.isVisible()
        fill_page(wizard, form)
        wizard.button(NEXT).click()
        fill_page(wizard, form)
        wizard.button(NEXT).click()
        fill_page(wizard, form)
        wizard.reject()  # closed at once: the pending draft is written on the way out
        draft = tmp_path / "drafts" / "registration.json"
        saved = json.loads(draft.read_text(encoding="utf-8"))
        assert saved["values"]["email"] == form["email"]
        assert not {"password", "password_confirm"} & set(saved["values"])
        assert form["password"] not in draft.read_text(encoding="utf-8")

        again = open_wizard(client, runner, tmp_path)
        assert again.banner.isVisible()
        assert again.banner.text.text().startswith("A draft from ")
        assert again.banner.text.text().endswith(" was restored.")
        assert again.fields.value("first_name") == form["first_name"]
        assert again.fields.value("email") == form["email"]
        assert again.fields.value("password") == ""
        assert again.currentPage() is again.step_pages[2], \
            "back on the step it was left on, whose passwords are asked again (issue 22, item 13)"
        assert not again.button(NEXT).isEnabled()
        again.banner.start_over.click()
        assert again.currentPage() is again.step_pages[0], "starting over starts at step 1"
        assert not again.banner.isVisible()
        assert all(value == "" for value in again.fields.values().values())
        assert not draft.exists()
        assert not again.button(NEXT).isEnabled()
        assert all(error_of(again, name) == "" for name in again.fields.names)
        again.reject()

    run_ui(loop, body)


def test_offline_is_said_on_the_summary_and_nothing_is_lost(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v1"
    form = registration_fields()

    async def body() -> None:
        async with not_signed_in(dead, Timeouts(1, 2)) as (client, runner):
            await registering(client, runner)

    async def registering(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)  # a client of a server that is not there
        fill_all(wizard, form)
        wizard.button(FINISH).click()
        await wait_until(lambda: not wizard.busy, what="the answer")
        assert wizard.currentPage() is wizard.summary
        assert "cannot be reached" in wizard.summary.status.text()
        assert wizard.summary.status.isVisible()
        assert wizard.button(FINISH).isEnabled(), "the user can try again"
        assert wizard.fields.value("license_number") == form["license_number"]
        assert wizard.fields.value("password") == form["password"]
        wizard.reject()

    run_ui(loop, body)


@pytest.fixture(scope="module")
def throttled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that takes one registration an hour from an address."""
    env = {"THROTTLE_REGISTER": "1/hour"}
    with running_server(tmp_path_factory.mktemp("throttled"), demo_providers=None, env=env) as server:
        yield server


def test_throttling_says_how_long_to_wait(
    loop: asyncio.AbstractEventLoop, throttled_server: LiveServer, tmp_path: Path
) -> None:
    with throttled_server.client() as anon:
        register_provider(anon)

    async def body() -> None:
        async with not_signed_in(throttled_server.api) as (client, runner):
            await registering(client, runner)

    async def registering(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)
        fill_all(wizard, registration_fields())
        wizard.button(FINISH).click()
        await wait_until(lambda: not wizard.busy, what="the answer")
        text = wizard.summary.status.text()
        assert text.startswith("Too many registrations from this computer. Wait ")
        assert "seconds, then try again" in text
        wizard.reject()

    run_ui(loop, body)


def test_every_input_has_an_accessible_name_and_tab_order_follows_the_seed(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            check_the_order(wizard)

    def check_the_order(wizard: RegistrationWizard) -> None:
        for name, widget in wizard.fields.inputs.items():
            assert widget.accessibleName(), name
        inputs = wizard.fields.inputs
        assert tab_chain(wizard) == [inputs["professional_title"], inputs["first_name"], inputs["last_name"],
                                     wizard.button(QWizard.WizardButton.CancelButton)]
        fill_page(wizard, registration_fields())
        wizard.button(NEXT).click()
        assert tab_chain(wizard) == [inputs["email"], inputs["phone_number"], wizard.button(BACK),
                                     wizard.button(QWizard.WizardButton.CancelButton)]
        wizard.reject()

    run_ui(loop, body)


def test_an_administrator_registers_a_provider_on_their_behalf(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client
) -> None:
    form = registration_fields(bio="Cardiologist & <i>teacher</i>", years_of_experience="12",
                               consultation_fee="150.00", npi=unique_npi())

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin", directory=False)
        main = QWidget()  # the window the wizard opens over (the main window: the shell's test opens it there)
        main.show()
        wizard = RegistrationWizard(parts.client, parts.runner, tmp_path, on_behalf=True, parent=main)
        open_dialog(wizard)  # as the application opens it
        assert wizard.on_behalf
        assert "Account Security" not in [p.title() for p in wizard.step_pages]
        subtitles = " ".join(p.subTitle() for p in wizard.step_pages)
        assert "the provider's basic details" in subtitles
        assert not re.search(r"\byou(r)?\b", subtitles, re.IGNORECASE), "the administrator is not the provider"
        assert "password" not in wizard.fields.inputs
        fill_page(wizard, form)
        await wait_until(lambda: (tmp_path / "drafts" / "registration-on-behalf.json").exists(), what="draft")
        assert not (tmp_path / "drafts" / "registration.json").exists()
        fill_all(wizard, form)
        assert "••••••" not in summary_text(wizard)
        wizard.button(FINISH).click()
        await wait_until(lambda: main.findChildren(ProviderDetailDialog), what="the new provider")
        dialog = main.findChildren(ProviderDetailDialog)[0]
        assert dialog.isVisible()
        assert dialog.provider.email == form["email"]
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        for value in (form["email"], form["license_number"], form["npi"], "Pending verification", form["bio"],
                      "150.00", "12"):
            assert value in texts, value
        bio = next(label for label in dialog.findChildren(QLabel) if label.text() == form["bio"])
        assert bio.textFormat() == Qt.TextFormat.PlainText
        assert not (tmp_path / "drafts" / "registration-on-behalf.json").exists()
        dialog.close()
        main.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)
    found = admin.get("/providers/", params={"search": form["email"]}).json()
    assert [p["license_number"] for p in found["results"]] == [form["license_number"]]
    assert admin.get(f"/providers/{found['results'][0]['id']}/").json()["npi"] == form["npi"]


def test_a_wrong_npi_is_told_as_it_is_typed_in_the_servers_words(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client
) -> None:
    form = registration_fields()
    refused = anon.post("/auth/provider/register/", json=form | {"npi": "1093791627"}).json()["npi"]
    assert refused == [NPI_CHECK_DIGIT]

    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            await registering(client, runner)

    async def registering(client: ApiClient, runner: TaskRunner) -> None:
        wizard = open_wizard(client, runner, tmp_path)
        while wizard.currentPage() is not wizard.step_pages[4]:
            fill_page(wizard, form)
            wizard.button(NEXT).click()
        fill_page(wizard, form)
        type_into(wizard, "npi", "1093791627")
        assert error_of(wizard, "npi") == refused[0]
        assert not wizard.button(NEXT).isEnabled()
        type_into(wizard, "npi", "12345678a3")
        assert error_of(wizard, "npi") == NPI_DIGITS
        npi = unique_npi()
        type_into(wizard, "npi", npi)
        assert error_of(wizard, "npi") == ""
        type_into(wizard, "npi", "")
        assert error_of(wizard, "npi") == "", "an NPI is optional"
        type_into(wizard, "npi", npi)
        emails: list[str] = []
        wizard.registered.connect(emails.append)
        fill_all(wizard, form | {"npi": npi})
        assert npi in summary_text(wizard)
        wizard.button(FINISH).click()
        await wait_until(lambda: emails, what="registered")

    run_ui(loop, body)


def test_blank_optional_numbers_are_left_out(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client
) -> None:
    form = registration_fields(years_of_experience="", consultation_fee="")

    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            emails: list[str] = []
            wizard.registered.connect(emails.append)
            fill_all(wizard, form)
            sent = wizard.form()
            assert "years_of_experience" not in sent
            assert "consultation_fee" not in sent
            assert sent["bio"] == "", "a blank text is still sent"
            wizard.button(FINISH).click()
            await wait_until(lambda: emails, what="registered")

    run_ui(loop, body)


def test_a_keystroke_does_only_the_work_it_changes(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, item 9: typing lagged 1.5 s behind in the multi-line fields. Each key re-laid the whole
    wizard out (every step's completeChanged), restyled every touched field and judged the password
    again; now a key in the biography does none of that when nothing it shows changes (the time a
    key takes is measured by `python -m bench typing`, not here)."""
    async def body() -> None:
        async with not_signed_in(live_server.api) as (client, runner):
            wizard = open_wizard(client, runner, tmp_path)
            page = next(p for p in wizard.step_pages if "bio" in p.names)
            wizard.setStartId(wizard.pageIds()[wizard.step_pages.index(page)])
            wizard.restart()
            bio = wizard.fields.inputs["bio"]
            bio.setFocus()
            said: list[bool] = []
            page.completeChanged.connect(lambda: said.append(True))
            judged: list[object] = []
            wizard.meter.show_strength = judged.append  # type: ignore[method-assign]
            restyled: list[QWidget] = []
            monkeypatch.setattr(fields_module, "restyle", restyled.append)
            QTest.keyClicks(bio, "Fifteen years in community clinics.")
            assert said == [True], "QWizard told once, when the step was first judged"
            assert judged == [], "the password's strength does not depend on the biography"
            assert restyled == [bio], "restyled once, when it was first judged (valid), not at every key"
            assert wizard.fields.value("bio") == "Fifteen years in community clinics."
            assert wizard.fields.errors["bio"].isHidden()
            wizard.close()

    run_ui(loop, body)
