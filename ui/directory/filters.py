"""The directory's filters: role, title, specialization, organization, hospital, license status, active.

A provider's directory holds only credentialed providers (active, license verified and current):
for it the license status and active filters would offer nothing but empty choices, so they are
left out.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from app.api.models import HospitalRef, LicenseStatus, ProfessionalRole, ProfessionalTitle
from ui.widgets.flow_layout import FlowLayout

ACTIVE_CHOICES = (("Active", True), ("Inactive", False), ("Active and inactive", None))
# (query field, label of "no filter", where its choices come from in the cache's facets)
FACETS: tuple[tuple[str, str], ...] = (
    ("professional_role", "Any role"),
    ("professional_title", "Any title"),
    ("specialization", "Any specialization"),
    ("organization_facility", "Any organization"),
    ("license_status", "Any license status"),
)
DEFAULT_CHOICES: dict[str, tuple[str, ...]] = {
    "professional_role": tuple(r.value for r in ProfessionalRole),
    "professional_title": tuple(t.value for t in ProfessionalTitle),
    "license_status": tuple(s.value for s in LicenseStatus),
}
STATUS_LABELS = {s.value: s.label for s in LicenseStatus}
MAX_WIDTH = 240  # a very long organization name is cut here, not the whole row
HOSPITAL_MAX_WIDTH = 420  # a hospital is named with its city ("Brooklyn Heights Hospital, New York"): 240 cut it


def _combo(accessible_name: str, max_width: int = MAX_WIDTH) -> QComboBox:
    """As wide as its longest choice (up to `max_width`), arrow included: the row wraps, never squeezes it."""
    combo = QComboBox()
    combo.setAccessibleName(accessible_name)
    combo.setToolTip(accessible_name)
    combo.setMaximumWidth(max_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _index_of(combo: QComboBox, value: object) -> int:
    """The index of the item holding `value` (findData does not find None or False reliably)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value and
                 type(combo.itemData(i)) is type(value)), -1)


def _fill(combo: QComboBox, items: Iterable[tuple[str, object]]) -> None:
    """Replace the choices, keeping the chosen one when it is still there."""
    chosen, was_empty = combo.currentData(), combo.count() == 0
    combo.blockSignals(True)
    combo.clear()
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(0 if was_empty else max(0, _index_of(combo, chosen)))
    combo.blockSignals(False)


class DirectoryFilters(QWidget):
    """A row of combo boxes; `values()` is what to put in the query.

    Signals:
        changed(): a filter was chosen.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, credentialed_only: bool = False) -> None:
        super().__init__(parent)
        self.credentialed_only = credentialed_only
        self.combos: dict[str, QComboBox] = {}
        layout = FlowLayout(self, spacing=6)  # a narrow window puts the rest on a second row
        for name, anything in FACETS:
            self.combos[name] = _combo(anything.replace("Any ", "Filter by "))
        self.combos["hospital_id"] = _combo("Filter by hospital", HOSPITAL_MAX_WIDTH)
        self.active = _combo("Active or deactivated providers")
        _fill(self.active, ACTIVE_CHOICES)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Show every credentialed provider again" if credentialed_only
                                     else "Show every active provider again")
        self.clear_button.clicked.connect(self.clear)
        for combo in (*self.combos.values(), self.active):
            combo.currentIndexChanged.connect(self.changed)
            layout.addWidget(combo)
        if credentialed_only:  # kept at "any status" and "active": the own record still shows
            self.active.hide()
        layout.addWidget(self.clear_button)
        self.set_choices({}, [])

    def set_choices(self, facets: Mapping[str, Sequence[str]], hospitals: Sequence[HospitalRef],
                    unfilled: Collection[str] = frozenset()) -> None:
        """Offer the values the cache holds (the contract's lists while it holds nothing). A filter
        of a field in `unfilled` (no provider has a value: the server does not send it, as the seed
        guide's backend lists no role, title, organization or status) is hidden: each of its choices
        would find nobody."""
        for name, anything in FACETS:
            combo = self.combos[name]
            values = list(facets.get(name) or DEFAULT_CHOICES.get(name, ()))
            labels = STATUS_LABELS if name == "license_status" else {}
            _fill(combo, [(anything, None), *((labels.get(v, v), v) for v in values if v)])
            combo.setHidden(name in unfilled or (self.credentialed_only and name == "license_status"))
        _fill(self.combos["hospital_id"], [("Any hospital", None),
                                            *((f"{h.name}, {h.city}", h.id) for h in hospitals)])

    def values(self) -> dict[str, object]:
        """Query fields and their chosen values (None: no filter)."""
        chosen: dict[str, object] = {name: combo.currentData() for name, combo in self.combos.items()}
        chosen["is_active"] = self.active.currentData()
        return chosen

    def choose(self, name: str, value: object) -> bool:
        """Choose `value` for filter `name` (as if the user had); False when it is not offered."""
        combo = self.active if name == "is_active" else self.combos[name]
        index = _index_of(combo, value)
        if index < 0:
            return False
        combo.setCurrentIndex(index)
        return True

    def only(self, name: str, value: object) -> bool:
        """Choose `value` for filter `name` and clear every other filter, in one change (a hospital's
        "all providers" means all of them, not those an earlier filter left); False, and nothing
        changed, when it is not offered."""
        combo = self.active if name == "is_active" else self.combos[name]
        index = _index_of(combo, value)
        if index < 0:
            return False
        self._reset()
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        self.changed.emit()
        return True

    @property
    def is_default(self) -> bool:
        return all(c.currentIndex() == 0 for c in self.combos.values()) and self.active.currentIndex() == 0

    def clear(self) -> None:
        self._reset()
        self.changed.emit()

    def _reset(self) -> None:
        """Every filter back to its first choice, quietly (the caller says `changed` once)."""
        for combo in (*self.combos.values(), self.active):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
