"""The directory's encrypted offline cache: its shape, file, reads and one write side, the syncs, the keys."""
