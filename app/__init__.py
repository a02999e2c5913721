"""ProviderDesk's core: settings, models of the contract, the API client, sessions, validation.

Plain asyncio, httpx and pydantic; no Qt (ARCHITECTURE.md, "Rules of direction").
"""
