"""The code's shape: no import cycle in helpers/ or tools/ (lazy imports included), no class over 250 lines,
and every name the README gives importable.

The import graph is read from the source with `ast`, not by importing it: an import inside a function (a lazy
import) is an edge like any other, because a cycle it closes is still a knot a reader must untie. Imports under
`if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helpers", "tools")
MAX_CLASS_LINES = 250


class Edge(NamedTuple):
    """`source` imports `target`, at `where` (path:line, and the function it is in when it is a lazy import)."""

    source: str
    target: str
    where: str


def module_files() -> dict[str, Path]:
    """Every module of helpers/ and tools/ by its dotted name (a package by its own name)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The dotted name `from <node.module> import ...` means inside `module` (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(tree: ast.AST) -> Iterator[tuple[ast.stmt, str]]:
    """Every import statement, with the function (or class.function) it sits in ('' at module level)."""

    def visit(node: ast.AST, scope: str) -> Iterator[tuple[ast.stmt, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (item for branch in child.orelse for item in visit(ast.Module([branch], []), scope))
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, scope
            inner = f"{scope}.{child.name}" if scope and hasattr(child, "name") else getattr(child, "name", "")
            named = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            yield from visit(child, inner if named else scope)

    yield from visit(tree, "")


def edges() -> list[Edge]:
    """Every import between two modules of helpers/ and tools/, found in the source."""
    modules = module_files()
    found = []
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node, scope in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            where = f"{path.relative_to(ROOT)}:{node.lineno}" + (f" (lazy, in {scope})" if scope else "")
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _absolute(module, is_package, node)
                # `from pkg import name`: the submodule pkg.name if there is one, else pkg itself
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:  # `import helpers.engine.x`-like names: their module
                    target = target.rpartition(".")[0]
                if target and target != module:
                    found.append(Edge(module, target, where))
    return found


def cycles(graph: list[Edge]) -> list[list[Edge]]:
    """One closed path of imports for every group of modules that import each other (Tarjan's components)."""
    out: dict[str, list[Edge]] = {}
    for edge in graph:
        out.setdefault(edge.source, []).append(edge)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in out.get(node, []):
            if edge.target not in index:
                connect(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(out):
        if node not in index:
            connect(node)
    return [_closed_path(sorted(component)[0], component, out) for component in components]


def _closed_path(start: str, component: set[str], out: dict[str, list[Edge]]) -> list[Edge]:
    """A shortest path of imports from `start` back to itself, inside one component (breadth first)."""
    paths = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for edge in out.get(node, []):
            if edge.target == start:
                return paths[node] + [edge]
            if edge.target in component and edge.target not in paths:
                paths[edge.target] = paths[node] + [edge]
                queue.append(edge.target)
    raise AssertionError(f"no cycle through {start}")


def describe(cycle: list[Edge]) -> str:
    return " -> ".join([cycle[0].source] + [e.target for e in cycle]) + "\n" + "\n".join(
        f"    {e.source} imports {e.target} at {e.where}" for e in cycle)


# ---------------------------------------------------------------------------------------------------------------


def test_the_graph_reader_sees_lazy_relative_and_package_imports(tmp_path):
    """The reader itself, on a made-up module: the edges it must find, and the one it must not."""
    source = (
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\nfrom . import engine\n"
        "from .playground import Controller\nif TYPE_CHECKING:\n    from .stepper import Stepper\n"
        "class A:\n    def show(self):\n        from ..tools import course\n        import helpers.loop\n")
    tree = ast.parse(source)
    statements = [(ast.unparse(node), scope) for node, scope in _imports(tree)]
    assert ("from .stepper import Stepper", "") not in statements  # never runs
    assert ("from ..tools import course", "A.show") in statements
    node = ast.parse("from ..engine import Run").body[0]
    assert _absolute("helpers.playground.widget", False, node) == "helpers.engine"
    assert _absolute("helpers.playground", True, node) == "helpers.engine"
    assert _absolute("helpers.exercises.l02", False, ast.parse("from . import _cases").body[0]) == "helpers.exercises"


def test_cycles_are_found_and_described_with_file_and_line():
    graph = [Edge("a", "b", "a.py:1"), Edge("b", "c", "b.py:2 (lazy, in f)"), Edge("c", "a", "c.py:3"),
             Edge("c", "d", "c.py:4")]
    (cycle,) = cycles(graph)
    assert describe(cycle).splitlines()[0] == "a -> b -> c -> a"
    assert "b imports c at b.py:2 (lazy, in f)" in describe(cycle)
    assert cycles(graph[:2]) == []


def test_no_import_cycle_in_helpers_or_tools():
    """A module never needs, even lazily, a module that needs it: a view imports its controller, not back."""
    graph = edges()
    assert len(graph) > 30  # the reader found the package's imports
    found = cycles(graph)
    assert not found, f"{len(found)} import cycle(s):\n" + "\n".join(describe(c) for c in found)


def test_i18n_imports_no_other_module_of_helpers():
    """The message registry is the lowest module: every other module registers with it, never the reverse."""
    assert [e for e in edges() if e.source == "helpers.i18n"] == []


def test_no_class_is_longer_than_250_lines():
    long = []
    for module, path in module_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                lines = node.end_lineno - min([node.lineno, *(d.lineno for d in node.decorator_list)]) + 1
                if lines > MAX_CLASS_LINES:
                    long.append(f"{module}.{node.name}: {lines} lines ({path.relative_to(ROOT)}:{node.lineno})")
    assert not long, "classes over 250 lines:\n" + "\n".join(long)


def test_fit_reads_like_the_loop_it_wraps():
    """fit's body (after its signature and docstring) stays about 50 lines: its concerns live in Run and beside it."""
    tree = ast.parse((ROOT / "helpers" / "engine.py").read_text(encoding="utf-8"))
    (fit,) = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "fit"]
    body = fit.body[1:]  # without the docstring
    assert body[-1].end_lineno - body[0].lineno + 1 <= 60


README_NAMES = re.compile(r"`(helpers(?:\.[A-Za-z_]\w*)+)`|\bhelpers\.([A-Za-z_]\w*)")


@pytest.mark.parametrize("name", ["Run", "StopTraining", "fit", "EarlyStopping", "History", "train_one_epoch",
                                  "validate", "TensorLoader", "DigitClassifier", "get_device", "seed_everything",
                                  "save_checkpoint", "load_checkpoint", "is_whole", "check", "diagnose", "Watch",
                                  "Stepper", "plot_curves", "plot_history", "plot_digits", "set_language", "t"])
def test_the_names_the_readme_lists_are_importable_from_helpers(name):
    import helpers

    assert name in helpers.__all__
    assert getattr(helpers, name) is not None


def test_every_helpers_name_in_the_readme_exists():
    """`helpers.engine`, `helpers.fit`, `helpers.loop.StopTraining`: each a module or a name that resolves."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {match.group(0).strip("`") for match in README_NAMES.finditer(text)}
    missing = []
    for name in sorted(names):
        try:
            importlib.import_module(name)
            continue
        except ImportError:
            pass
        module, _, attribute = name.rpartition(".")
        try:
            getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"named in README.md but not importable: {missing}"
