"""The kernel: plugins and their hooks, settings, translations, refusals and
domain events. It imports nothing of the layers above it (domain, web, cli)."""
