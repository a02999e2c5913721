"""A control the server cannot serve is off and says why; one it can follows its own state and tip."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from app.api.capabilities import REASONS, Capabilities, Feature
from ui.common.unavailable import serve_or_explain


def test_a_missing_feature_disables_with_its_reason(qtbot: object) -> None:
    capabilities = Capabilities(frozenset({Feature.PASSWORD_CHANGE}), "schema")
    action, button = QAction("Change password…"), QPushButton("Upload")
    serve_or_explain(action, capabilities.reason(Feature.PASSWORD_CHANGE), tip="Choose a new password")
    serve_or_explain(button, capabilities.reason(Feature.UPLOADS), enabled=False, tip="Upload a document")
    assert not action.isEnabled()
    assert action.toolTip() == action.statusTip() == REASONS[Feature.PASSWORD_CHANGE]
    assert not button.isEnabled(), "enabled as asked, otherwise (busy)"
    assert button.toolTip() == "Upload a document"
    serve_or_explain(button, None, tip="Upload a document")
    assert button.isEnabled()
    assert button.accessibleDescription() == ""
    serve_or_explain(button, REASONS[Feature.UPLOADS], tip="Upload a document")
    assert not button.isEnabled(), "a reason wins over enabled"
    assert button.accessibleDescription() == REASONS[Feature.UPLOADS]
