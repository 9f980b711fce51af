"""The domain: communities, people and places, permissions, the audit trail, uploads
and the database. It imports the kernel, never the web or the command line."""
