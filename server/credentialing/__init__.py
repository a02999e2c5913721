"""Credentialing: license documents, verification decisions, the queue and the audit trail."""
