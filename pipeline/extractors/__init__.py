"""Extractors behind one interface (``base.Extractor``), found through a registry."""
