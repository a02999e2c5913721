"""The directory's encrypted offline cache: its queries, the first fill, the sync, the keys."""
