"""ProviderDesk's Qt widgets: adapters around the core in `app/` (ARCHITECTURE.md)."""
