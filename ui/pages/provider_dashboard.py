"""The provider's dashboard (placeholder until built)."""
from __future__ import annotations

from ui.pages.placeholder import PlaceholderPage


class ProviderDashboardPage(PlaceholderPage):
    def __init__(self, desktop: object) -> None:
        super().__init__("Dashboard", "Ctrl+1", "Loading…")
