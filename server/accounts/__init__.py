"""Accounts: users with an email login and a role, sign-in sessions and JWT tokens."""
