"""What `pip install .` installs: the `providerdesk` and `providerdesk-server` commands."""
from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(("kind", "command"), [("gui-scripts", "providerdesk"), ("scripts", "providerdesk-server")])
def test_a_command_runs_its_command_line(kind: str, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    module, function = PROJECT[kind][command].split(":")
    entry = getattr(importlib.import_module(module), function)
    with pytest.raises(SystemExit) as helped:
        entry(["--help"])
    assert helped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: ")
