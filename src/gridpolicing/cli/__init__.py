"""Command line: one module per command; :func:`main` is the entry point."""

from gridpolicing.cli.main import main

__all__ = ["main"]
