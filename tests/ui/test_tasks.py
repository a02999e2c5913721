"""The task runner's owners: an answer that arrives after its dialog was deleted is dropped, and the
deleted dialog's task is cancelled (a random-order run saw an edit dialog's late answer fill a
deleted combo box)."""
from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtWidgets import QComboBox, QDialog

from tests.helpers.qt import run_ui, wait_until
from ui.common.tasks import TaskRunner


class Loader(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.combo = QComboBox(self)
        self.filled: list[str] = []

    def on_loaded(self, value: str) -> None:
        self.combo.addItem(value)  # raises RuntimeError once the C++ object is gone
        self.filled.append(value)


def test_a_deleted_owners_task_is_cancelled_and_its_answer_dropped(loop: asyncio.AbstractEventLoop) -> None:
    async def body() -> None:
        runner = TaskRunner()
        release = asyncio.Event()

        async def slow() -> str:
            await release.wait()
            return "late"

        dialog = Loader()
        task = runner.start(slow(), on_done=dialog.on_loaded)
        kept = Loader()
        other = runner.start(asyncio.sleep(0, "on time"), on_done=kept.on_loaded)
        dialog.deleteLater()
        await wait_until(lambda: task.done(), what="the deleted dialog's task to end")
        assert task.cancelled(), "cancelled with its owner"
        release.set()
        await other
        await wait_until(lambda: runner.running == 0, what="the runner to settle")
        assert kept.filled == ["on time"], "a living owner gets its answer"

    run_ui(loop, body)


def test_callbacks_of_a_deleted_owner_are_not_called(qapp: object) -> None:
    """An answer whose task had finished just before its owner went (its callbacks already queued)."""
    from ui.common.tasks import _while_alive

    dialog = Loader()
    errors: list[Exception] = []
    done, error = _while_alive(dialog, dialog.on_loaded, lambda e: errors.append(e) is None)
    assert done is not None
    done("in time")
    assert dialog.filled == ["in time"]
    shiboken6.delete(dialog)
    done("late")  # would raise: the combo box is deleted
    assert error(RuntimeError("late")) is True, "an error for a deleted owner counts as handled"
    assert errors == []
