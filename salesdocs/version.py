"""The salesdocs version: part of every document's inputs hash, so a new version rebuilds."""

__version__ = "0.1.0"
