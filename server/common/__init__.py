"""Pieces every app of the server shares: errors, pagination, conditional requests."""
