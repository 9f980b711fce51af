"""``python -m linli`` runs the ``linli`` command."""

from linli.cli import main

main()
