"""Whose report is this: document identification from evidence (see lumbung/detect.py)."""
