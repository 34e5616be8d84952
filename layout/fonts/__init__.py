"""Fonts: the role catalog, prepared (CFF→TrueType, subset, cached) faces and their metrics, charsets."""
