"""Composition: the grid, text threading, block contents, the arrangement search, story and page composition. Pure: returns positions."""
