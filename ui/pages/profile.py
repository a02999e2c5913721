"""The provider's profile editor (placeholder until built)."""
from __future__ import annotations

from ui.pages.placeholder import PlaceholderPage


class ProfilePage(PlaceholderPage):
    def __init__(self, desktop: object) -> None:
        super().__init__("My Profile", "Ctrl+3", "Loading…")
