"""Extraction engine: from a report's text to facts (tables -> header -> rows -> values -> codes -> facts)."""
