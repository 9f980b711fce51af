"""The page benchmark: linli's pages against a bare Litestar page, side by side.

Run it with ``uv run python -m tests.bench --help``; docs/performance.md explains the
figures. Nothing here is collected by pytest (no ``test_*.py`` files): a measurement
takes minutes and needs ``wrk``.
"""
