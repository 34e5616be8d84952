"""The pipeline shows in the packages, and the imports keep to it.

Stages, in order (docs/architecture.md):

    base (layout/base/)  →  text, fonts, photo  →  source  →  compose  →  preflight  →  output
                          →  pipeline  →  app

A module imports only the base, its own stage and the stages before it; two stages of the same
rank never import each other; output never imports source, compose or text (it paints what it is
given); and no two modules import each other, directly or around a loop. The imports are read
from the source (every `import`, at any depth, including those only for type checking), so the
picture cannot drift from the code.
"""

from __future__ import annotations

import ast
import os
import re

from support import ROOT

LAYOUT = os.path.join(ROOT, "layout")

RANK = {
    "base": 0,
    "text": 1, "fonts": 1, "photo": 1,
    "source": 2,
    "compose": 3,
    "preflight": 4,
    "output": 5,
    "pipeline": 6,
    "app": 7,
}
NEVER = {"output": {"source", "compose", "text"}}


def modules() -> dict[str, str]:
    """Dotted module name → file, for every module of the package."""
    out = {}
    for folder, _, files in os.walk(LAYOUT):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                out[rel[: -len(".__init__")] if rel.endswith(".__init__") else rel] = path
    return out


def stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"  # the package itself
    return parts[1]  # a package is its stage; layout/pipeline.py is the pipeline stage


def imports(module: str, path: str, known: dict[str, str]) -> set[str]:
    """The layout modules `module` imports (resolved to modules, not names inside them)."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "layout")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                pkg = module.split(".")
                if not path.endswith("__init__.py"):
                    pkg = pkg[:-1]
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "layout":
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m != module}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: {i for i in imports(m, p, known) if i in known} for m, p in known.items()}


def test_every_module_belongs_to_a_stage():
    for m in modules():
        assert stage(m) in RANK, f"{m}: not in a known stage; add the package to RANK in this test and to the README"


def test_a_stage_imports_only_earlier_stages():
    bad = []
    for m, deps in graph().items():
        s = stage(m)
        for d in deps:
            t = stage(d)
            if t == s:
                continue
            if RANK[t] >= RANK[s] or t in NEVER.get(s, ()):
                bad.append(f"{m} ({s}) imports {d} ({t})")
    assert not bad, "imports against the pipeline's order:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_loop_and_a_backward_import(tmp_path, monkeypatch):
    """The rules above can fail: a fake package with a loop and an output→compose import is caught."""
    pkg = tmp_path / "layout"
    (pkg / "output").mkdir(parents=True)
    (pkg / "compose").mkdir()
    for f in ("__init__.py", "output/__init__.py", "compose/__init__.py"):
        (pkg / f).write_text("")
    (pkg / "output" / "render.py").write_text("from layout.compose import story\n")
    (pkg / "compose" / "story.py").write_text("import layout.output.render\n")
    monkeypatch.setattr(__import__(__name__), "LAYOUT", str(pkg))
    monkeypatch.setattr(__import__(__name__), "ROOT", str(tmp_path))
    g = graph()
    assert g["layout.output.render"] == {"layout.compose.story"}
    assert g["layout.compose.story"] == {"layout.output.render"}
    try:
        test_no_import_cycles()
    except AssertionError as e:
        assert "layout.compose.story" in str(e)
    else:
        raise AssertionError("the cycle was not found")
    try:
        test_a_stage_imports_only_earlier_stages()
    except AssertionError as e:
        assert "layout.output.render (output) imports layout.compose.story (compose)" in str(e)
    else:
        raise AssertionError("the backward import was not found")


def test_readme_module_table_matches_the_tree():
    """Every module of the package is named in the README's module table, and the table names no
    module that does not exist."""
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    table = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(layout/[\w/]+\.py)`", table))
    files = {os.path.relpath(p, ROOT) for m, p in modules().items() if not p.endswith("__init__.py")}
    assert not files - named, f"modules missing from the README's table: {sorted(files - named)}"
    assert not named - files, f"the README's table names modules that do not exist: {sorted(named - files)}"
