"""`python -m diagram_assets` runs the `diagrams` command."""

from .cli import main

main()
