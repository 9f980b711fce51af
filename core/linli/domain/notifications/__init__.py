"""Notifications: :func:`services.notify`, the inbox, preferences, the daily digest,
the sending of messages through channels, and the paper list."""
