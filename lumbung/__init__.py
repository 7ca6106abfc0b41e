"""Lumbung: a warehouse for kecamatan planning and performance reports."""

__version__ = "0.1.0"
