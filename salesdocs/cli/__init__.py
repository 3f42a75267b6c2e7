"""The terminal: a click app, one module per command group (see :mod:`salesdocs.cli.app`)."""

from salesdocs.cli.app import main

__all__ = ["main"]
