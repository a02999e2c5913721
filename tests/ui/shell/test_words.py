"""Counts agree with their number, and the offline bar says in plain words what still works."""
from __future__ import annotations

from ui.shell.offline_bar import WHAT_WORKS
from ui.shell.sync_status import progress_text


def test_a_count_of_one_is_singular() -> None:
    assert progress_text(1, None) == "Syncing 1 provider"
    assert progress_text(2_500, None) == "Syncing 2,500 providers"


def test_the_offline_bar_says_what_works_plainly() -> None:
    assert "come back by themselves" not in WHAT_WORKS
    assert "search and read" in WHAT_WORKS
    assert "without a restart" in WHAT_WORKS
