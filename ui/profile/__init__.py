"""The provider's own profile and the registration wizard."""
