"""CSV export of the directory and roster import."""
