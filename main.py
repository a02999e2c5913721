"""ProviderDesk: the desktop application's composition root.

    python main.py                      the embedded demo server, with sample data
    python main.py --server URL         any server implementing the API of docs/api.md
    python main.py --data-dir DIR       keep data (cache, logs, the demo server) in DIR

Installed, the same is the `providerdesk` command. In the frozen application (providerdesk.spec) the
executable is also the embedded server's: `ProviderDesk --serve-embedded serve ...` runs the server's
command line (app/embedded_server.py starts it so; the desktop itself never imports the server).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Mapping


def _arguments(argv: list[str]) -> argparse.Namespace:
    installed = os.path.basename(sys.argv[0]).lower().startswith("providerdesk")
    parser = argparse.ArgumentParser(prog="providerdesk" if installed else "python main.py",
                                     description="ProviderDesk desktop application")
    parser.add_argument("--server", metavar="URL", help="API address, e.g. https://providers.example.org/api/v1 "
                        "(default: start the local demo server)")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for the cache, logs and the local server's data")
    parser.add_argument("--demo-providers", type=int, default=2000, metavar="N",
                        help="providers in a new local demo database (default 2000)")
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level")
    return parser.parse_args(argv)


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why Qt would find no screen to open a window on, or None. Only where the answer is plain:
    on Linux and the other Unixes (not macOS) with no platform chosen and no X11 or Wayland session;
    Qt itself would abort there (status 134) advising to install xcb-cursor."""
    if platform in ("win32", "darwin") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("ProviderDesk: there is no display to open its window on: neither DISPLAY nor WAYLAND_DISPLAY is set "
            "(no X11 or Wayland session). Start it from a desktop session, or set QT_QPA_PLATFORM=offscreen to "
            "run it without a screen (for tests and screenshots). See the README, section "
            "\"The desktop application\".")


def say(message: str) -> None:
    """Tell the user why the application cannot start: on standard error, or, where a windowed
    application has none (the Windows bundle, a `pythonw` start), in a message box."""
    if sys.stderr is not None:
        print(message, file=sys.stderr)
        return
    # late import: Qt only for this one box, before the application proper starts
    from PySide6.QtWidgets import QApplication, QMessageBox

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.critical(None, "ProviderDesk", message)


async def _run(desktop: object) -> None:
    from ui.common.event_loop import close_abandoned_generators_on  # late: the UI loads after the arguments

    close_abandoned_generators_on(asyncio.get_running_loop())
    done = asyncio.Event()
    desktop.finished.connect(done.set)  # type: ignore[attr-defined]
    desktop.start()  # type: ignore[attr-defined]
    await done.wait()


def main(argv: list[str] | None = None) -> int:
    # the frozen application's child processes (the directory's fill, app/directory/fill_process.py) start
    # as this executable: they run their work here and end
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve-embedded"]:  # app.embedded_server.SERVE_EMBEDDED: the frozen app's server child
        # late import: this process is the server, never the desktop
        from server.__main__ import main as serve

        return serve(argv[1:])
    args = _arguments(argv)
    # late imports, here and below: --help and a bad setting answer at once, before Qt and the UI load
    from app.logging_setup import setup_logging
    from app.private_files import remove_leftovers, temporary_folder
    from app.settings import SettingsError, load_settings

    try:
        settings = load_settings({"server_url": args.server, "data_dir": args.data_dir})
    except SettingsError as error:
        say(f"ProviderDesk: {error}")
        return 2
    if problem := display_problem(os.environ):
        say(problem)
        return 2
    settings.prepare_data_dir()
    log_path = setup_logging(settings.data_dir, level=logging.DEBUG if args.debug else logging.INFO)
    logging.getLogger(__name__).info("starting; log file %s", log_path)
    # files kept for one run only (a cache without a secure keyring) that a killed run left behind
    remove_leftovers(temporary_folder(settings.data_dir))

    # the whole UI is imported here, before the loop runs (importing the pages at the first
    # sign-in would block it): the shell imports every page it builds
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.session.token_store import system_token_store
    from ui.common.icons import install_app_icon
    from ui.common.theme import choose_theme, follow_system_theme
    from ui.shell.desktop import Desktop

    app = QApplication(sys.argv[:1])
    app.setApplicationName("ProviderDesk")
    app.setOrganizationName("ProviderDesk")
    app.setQuitOnLastWindowClosed(False)
    install_app_icon(app)
    choose_theme(app, settings.theme)
    follow_system_theme(app)
    desktop = Desktop(settings, system_token_store(), demo_providers=args.demo_providers)
    signal.signal(signal.SIGTERM, lambda *_: desktop.quit())
    signal.signal(signal.SIGINT, lambda *_: desktop.quit())
    # Python runs signal handlers only when it gets control; while Qt idles in C++ it would
    # not, so a light timer hands it control a few times a second.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    qasync.run(_run(desktop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
