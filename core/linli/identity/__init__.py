"""People, households and accounts."""
