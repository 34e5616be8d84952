"""Preflight: what the desk must know about a composed page before it goes to press."""
