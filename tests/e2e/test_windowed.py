"""A windowed start (the Windows bundle, `pythonw`) has no standard error: why the application
cannot start is then said in a message box, never lost."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

import main


def test_without_standard_error_the_reason_is_shown_in_a_box(qapp: QApplication,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(sys, "stderr", None)
    main.say("ProviderDesk: the server address must start with http:// or https://")
    assert shown == [("ProviderDesk", "ProviderDesk: the server address must start with http:// or https://")]


def test_with_standard_error_it_is_printed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "critical", lambda *_: pytest.fail("no box with a console"))
    main.say("ProviderDesk: no display")
    assert capsys.readouterr().err == "ProviderDesk: no display\n"
