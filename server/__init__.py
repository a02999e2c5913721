"""ProviderDesk's reference server: the API of docs/api.md on Django REST framework."""

__version__ = "0.1.0"
