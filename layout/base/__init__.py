"""The base every stage shares: the page as the desk wrote it (model), positioned primitives, errors,
units, file facts and atomic writes, bounded memo tables, forked workers and the PDF walker.

Nothing here imports a stage; every stage may import from here.
"""
