"""Qt adapters around the core's data: item models and the directory's state."""
