"""Newspaper page layout engine: article.yaml → grid composition → print and archive PDFs.

The pipeline, one module per stage:
load (article, template, fonts) → compose (text lines, blocks on the grid, copyfit)
→ PageLayout (positions only) → render (reportlab canvas) → finish (press + archive PDFs),
with preflight alongside.
"""

__version__ = "0.1.0"

from layout.base import codecache as _codecache

_codecache.install()  # the dataclasses' generated methods compiled once, not in every process
