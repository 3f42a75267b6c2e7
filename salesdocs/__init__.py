"""salesdocs: policy-driven sales documents."""

__version__ = "0.1.0"
