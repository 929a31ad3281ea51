"""pyproject.toml's `requires-python` holds for every module: the oldest declared Python compiles them and has
every standard-library module they import (the course once imported tomllib, which Python 3.10 lacks)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("helpers/**/*.py"), *ROOT.glob("tools/*.py")])


def oldest_python() -> str:
    """The lowest version `requires-python = ">=X.Y"` admits."""
    declared = re.search(r'requires-python\s*=\s*">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text())
    assert declared, "pyproject.toml declares no lower bound for Python"
    return declared.group(1)


def find_python(version: str) -> str | None:
    """An interpreter of `version` that really runs: on PATH, or installed by pyenv without being selected."""
    candidates = [shutil.which(f"python{version}"),
                  *map(str, sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")))]
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=30)
        if done.returncode == 0 and done.stdout.split()[-1].startswith(version + "."):
            return candidate
    return None


def stdlib_imports(path: Path) -> set[str]:
    """The top-level standard-library modules a file imports, guarded ones (try/except ImportError) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {id(node) for handler in ast.walk(tree) if isinstance(handler, ast.Try)
               and any(isinstance(h.type, ast.Name) and h.type.id.endswith("Error") for h in handler.handlers)
               for stmt in handler.body for node in ast.walk(stmt)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(sys.stdlib_module_names)


def test_the_oldest_declared_python_compiles_every_module_and_has_its_stdlib_imports():
    version = oldest_python()
    python = find_python(version)
    if python is None:
        pytest.skip(f"no python{version} on this machine")
    modules = sorted(set().union(*(stdlib_imports(path) for path in SOURCES)))
    check = ("import importlib.util, py_compile, sys\n"
             "missing = [m for m in sys.argv[1].split(',') if importlib.util.find_spec(m) is None]\n"
             "for path in sys.argv[2:]: py_compile.compile(path, doraise=True)\n"
             "print('missing:', ','.join(missing))")
    done = subprocess.run([python, "-c", check, ",".join(modules), *map(str, SOURCES)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "missing:", f"Python {version} lacks: {done.stdout}"
