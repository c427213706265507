"""The library's version, in a leaf module (the stamp reads it without importing the root)."""

__version__ = "0.3.0"
