"""ProviderDesk's reference server: the API of CONTRACT.md on Django REST framework."""

__version__ = "0.1.0"
