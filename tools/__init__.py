"""Scripts run by hand against a server beside the project (never in CI): recording and checking."""
