"""`python main.py` with no display says so plainly and stops with status 2, before Qt aborts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from main import display_problem
from tests.helpers.live_server import ROOT


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="a display is always there")
def test_no_display_is_a_plain_answer(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    ran = subprocess.run([sys.executable, "main.py", "--data-dir", str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2, ran.stderr
    assert "no display" in ran.stderr
    assert "DISPLAY nor WAYLAND_DISPLAY" in ran.stderr
    assert "QT_QPA_PLATFORM=offscreen" in ran.stderr
    assert '"The desktop application"' in ran.stderr
    assert "xcb" not in ran.stderr, "not Qt's advice"


def test_which_environments_have_a_display() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None
    assert display_problem({}, "darwin") is None
