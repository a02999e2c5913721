"""Directory: hospitals, providers, their change feed, appointments and notifications."""
