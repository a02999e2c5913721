"""The credentialing worklist read from the directory cache, and audit trails as CSV."""
