"""The audit trail of staff writes and permission changes."""
