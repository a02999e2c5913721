"""The installed PySide6 survives many signal emissions carrying None and bools.

PySide6 6.12.0 on CPython 3.11 ends such a run in "Fatal Python error: bool_dealloc" after some
thousand emissions (6.11.3 does not), which is why pyproject.toml pins PySide6 below 6.12 there.
The emissions run in a child process, so a crash fails this test instead of the whole session.
"""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys

import pytest

EMISSIONS = 100_000

# Plain QObjects, no QCoreApplication: a direct connection needs no event loop.
SCRIPT = """
import sys

from PySide6.QtCore import QObject, Signal, Slot

VALUES = (None, True, False)


class Emitter(QObject):
    fired = Signal(object, bool)


class Receiver(QObject):
    def __init__(self):
        super().__init__()
        self.calls = 0
        self.nones = 0
        self.trues = 0

    @Slot(object, bool)
    def on_fired(self, value, flag):
        self.calls += 1
        self.nones += value is None
        self.trues += flag is True


emitter = Emitter()
receiver = Receiver()
emitter.fired.connect(receiver.on_fired)
count = int(sys.argv[1])
for i in range(count):
    emitter.fired.emit(VALUES[i % 3], i % 2 == 0)
print(receiver.calls, receiver.nones, receiver.trues)
"""


def test_signal_with_none_and_bool_survives_many_emissions() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EMISSIONS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"exit status {result.returncode}:\n{result.stderr[-2000:]}"
    calls, nones, trues = (int(word) for word in result.stdout.split())
    assert calls == EMISSIONS
    assert nones == len(range(0, EMISSIONS, 3))
    assert trues == len(range(0, EMISSIONS, 2))


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the 6.12 crash is seen on CPython 3.11")
def test_pyside6_is_below_6_12_on_python_3_11() -> None:
    for distribution in ("PySide6-Essentials", "PySide6-Addons"):  # what we depend on (not the meta-package)
        version = importlib.metadata.version(distribution)
        major, minor = (int(part) for part in version.split(".")[:2])
        assert (major, minor) < (6, 12), f"{distribution} {version} crashes CPython 3.11 (bool_dealloc)"
