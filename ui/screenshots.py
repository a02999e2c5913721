"""Render every main screen and dialog to PNG files: `python -m ui.screenshots --out DIR`.

Starts the embedded server in a temporary folder, signs in as each demo account and saves the
sign-in window, each registration step with and without errors, the dashboards, the profile and
the main window per role, in the light and the dark theme.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.shell.desktop import Desktop

WIDTH, HEIGHT = 1180, 760


class Shooter:
    """Saves widgets as `<theme>-<name>.png` in a folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.theme = "light"
        self.saved: list[Path] = []

    async def save(self, widget: QWidget, name: str, settle: float = 0.3) -> None:
        await asyncio.sleep(settle)
        path = self.out / f"{self.theme}-{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)


async def _until(predicate: Callable[[], object], limit: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the screen did not get ready")
        await asyncio.sleep(0.05)


async def _login_screens(desktop: Desktop, shoot: Shooter) -> None:
    window = desktop.login_window
    assert window is not None
    window.reset()
    await shoot.save(window, "login")
    window.email.setText("admin@demo.local")
    window.password.setText("wrong-password")
    window.sign_in_button.click()
    await _until(lambda: window.message.text() != "")
    await shoot.save(window, "login-error")


async def _wizard_screens(desktop: Desktop, shoot: Shooter) -> None:
    """Each step empty, then with its errors shown, then filled in; and the summary."""
    from ui.profile.wizard import RegistrationWizard  # late: Qt loads only after main() chose the platform

    assert desktop.client is not None, "connected first"
    wizard = RegistrationWizard(desktop.client, desktop.runner, desktop.data_dir, parent=desktop.login_window)
    wizard.fields.set_values({name: "" for name in wizard.fields.names})
    wizard.resize(760, 640)
    wizard.show()
    for step, page_id in enumerate(wizard.pageIds(), start=1):
        page = wizard.page(page_id)
        names = getattr(page, "names", ())
        if names:
            await shoot.save(wizard, f"wizard-step{step}")
            wizard.reveal(names)
            await shoot.save(wizard, f"wizard-step{step}-errors")
            wizard.fields.set_values({name: SAMPLE[name] for name in names if name in SAMPLE})
            await shoot.save(wizard, f"wizard-step{step}-filled")
            wizard.next()
        else:
            await shoot.save(wizard, f"wizard-step{step}-summary")
    wizard.fields.set_values({name: "" for name in wizard.fields.names})
    wizard.close()


SAMPLE = {"professional_title": "Dr.", "first_name": "Joseph", "last_name": "Ewool",
          "email": "joseph.ewool@example.org", "phone_number": "+1 (555) 123-4567", "username": "",
          "password": "Quiet-River-2049", "password_confirm": "Quiet-River-2049",
          "organization_facility": "General Hospital", "professional_role": "Physician",
          "specialization": "Cardiology", "license_number": "MA-D123456",
          "additional_information": "Available for weekend shifts."}


async def _role_screens(desktop: Desktop, shoot: Shooter, role: str, email: str) -> None:
    await desktop.sign_in(email, "demo-pass-2026", remember=False)
    window = desktop.main_window
    assert window is not None
    assert desktop.session is not None
    window.resize(WIDTH, HEIGHT)
    keys = list(window.pages.slots)
    for number, key in enumerate(keys, start=1):  # numbered as the navigation lists them
        window.show_page(key)
        await _until(lambda: desktop.runner.running == 0)
        await shoot.save(window, f"{role}-{number}-{key.title.lower().replace(' ', '-')}", settle=0.8)
    window.show_page(keys[0])
    for name, open_it in (("shortcuts", window._on_shortcuts_triggered), ("settings", window._on_settings_triggered)):
        open_it()
        assert window.dialog is not None
        await shoot.save(window.dialog, f"{role}-{name}-dialog")
        window.dialog.close()
    window.close_for_sign_out()
    desktop.main_window = None
    await desktop.session.logout()


async def _shoot_all(out: Path, data_dir: Path) -> list[Path]:
    # late imports: Qt loads only after main() chose the platform (offscreen unless told otherwise)
    from PySide6.QtWidgets import QApplication

    from app.session.token_store import MemoryTokenStore
    from app.settings import Settings
    from ui.common.event_loop import close_abandoned_generators_on
    from ui.common.theme import apply_theme
    from ui.shell.desktop import Desktop
    from ui.shell.login_window import DEMO_ACCOUNTS

    close_abandoned_generators_on(asyncio.get_running_loop())
    app = QApplication.instance()
    shoot = Shooter(out)
    desktop = Desktop(Settings(server_url=None, data_dir=data_dir), MemoryTokenStore(
        "No secure keyring: the screenshot run keeps nothing."), demo_providers=2000)
    desktop.start()
    await _until(lambda: desktop.session is not None, limit=180)
    for theme in ("light", "dark"):
        shoot.theme = theme
        apply_theme(app, dark=theme == "dark")  # type: ignore[arg-type]
        await _login_screens(desktop, shoot)
        await _wizard_screens(desktop, shoot)
        for label, email in DEMO_ACCOUNTS:
            await _role_screens(desktop, shoot, label.split()[-1].lower(), email)
    done = asyncio.Event()
    desktop.finished.connect(done.set)
    desktop.quit()
    await done.wait()
    return shoot.saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.out.mkdir(parents=True, exist_ok=True)
    # late: Qt loads only now that the platform is chosen
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory(prefix="providerdesk-shots-") as data_dir:
        saved = qasync.run(_shoot_all(args.out, Path(data_dir)))
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
