"""The worklist's queue picker: every queue under its group's heading, each with its count, in one combo.

Eight and more queues do not fit side by side as tabs at the window's smallest width (900 px): a combo
holds them all at any width, and its list shows every count at once. Headings ("Licenses",
"Screening", "Recredentialing") are not choosable; the keyboard (arrows in the combo, Ctrl+PgDown /
Ctrl+PgUp from the page) steps over them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from app.credentialing.worklist import Queue, QueueGroup

QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the queue's index in the picker's order, on choosable rows only


class QueuePicker(QComboBox):
    """A combo of `groups`' queues; queue indexes count the queues only, in the groups' order.

    Signals:
        queue_changed(int): the queue chosen now, by its index.
    """

    queue_changed = Signal(int)

    def __init__(self, groups: Sequence[QueueGroup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Queues")
        self.queues: list[Queue] = []
        self._rows: list[int] = []  # the model's row of each queue
        self._model = QStandardItemModel(self)
        bold = QFont(self.font())
        bold.setBold(True)
        for group in groups:
            heading = QStandardItem(group.title)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: shown, never chosen
            heading.setFont(bold)
            self._model.appendRow(heading)
            for queue in group.queues:
                item = QStandardItem(queue.label)
                item.setData(len(self.queues), QUEUE_ROLE)
                order = "soonest expiry first" if queue.query.expiring_within else "oldest registration first"
                item.setToolTip(f"{queue.label}: {order}")
                self._rows.append(self._model.rowCount())
                self.queues.append(queue)
                self._model.appendRow(item)
        self.setModel(self._model)
        self.setMaxVisibleItems(self._model.rowCount())  # every queue and its count in sight when open
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setCurrentIndex(self._rows[0])
        self.currentIndexChanged.connect(self._on_current_index_changed)

    def count_of_queues(self) -> int:
        return len(self.queues)

    def queue_index(self) -> int:
        """The chosen queue's index."""
        return int(self.itemData(self.currentIndex(), QUEUE_ROLE))

    def set_queue(self, index: int) -> None:
        """Choose the queue at `index` (queue_changed follows when it changes)."""
        self.setCurrentIndex(self._rows[index])

    def step(self, step: int) -> None:
        """The next or previous queue, round the end, over the headings."""
        self.set_queue((self.queue_index() + step) % len(self.queues))

    def queue_text(self, index: int) -> str:
        """What the picker says of the queue at `index` ("Pending verification (12)")."""
        return self.itemText(self._rows[index])

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Show each queue's count beside its name."""
        for queue, row in zip(self.queues, self._rows, strict=True):
            self.setItemText(row, f"{queue.label} ({counts[queue.key]:,})")

    def _on_current_index_changed(self, row: int) -> None:
        if row in self._rows:
            self.queue_changed.emit(self._rows.index(row))
