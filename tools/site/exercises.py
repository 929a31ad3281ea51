"""The teacher's edition's exercises, generated from what CI runs, so the published solutions cannot drift.

Each exercise's right answer and common wrong answers come from tests/solutions/lNN.py (its CASES dict), shown
as the learner would write them in the lesson's exercise cell (`check("02.zero_grad", train_step)`: a function
`train_step`, or `name = value`); the hints are those helpers.exercises gives. tests/test_teacher.py runs the
published code text itself through the checkers.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class Answer:
    """One published answer: the code a learner writes, the hint key it gets (None: right), the message shown."""

    code: str
    hint: str | None
    message: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson: its id, the name the lesson's check cell passes, the cell, and the answers."""

    id: str
    variable: str
    cell: int
    solution: Answer
    wrong: tuple[Answer, ...]
    why: str
    module: str


def solution_modules(root: Path) -> dict[str, ModuleType]:
    """tests/solutions/lNN.py, loaded: lesson number ('02') -> module with CASES."""
    modules = {}
    for path in sorted((root / "tests" / "solutions").glob("l[0-9][0-9].py")):
        spec = importlib.util.spec_from_file_location(f"site_solutions_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[path.stem[1:]] = module
    return modules


def _case_sources(module: ModuleType) -> dict[str, tuple[str, list[str]]]:
    """exercise id -> (source of the right answer, [source of each wrong answer]) as written in CASES."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    functions = {node.name: ast.get_source_segment(source, node) for node in tree.body
                 if isinstance(node, ast.FunctionDef)}
    cases = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "CASES" for t in node.targets))

    def text(node: ast.expr) -> str:
        if isinstance(node, ast.Name) and node.id in functions:
            return functions[node.id]
        return ast.get_source_segment(source, node)

    out = {}
    for key, value in zip(cases.keys, cases.values):
        right, wrong = value.elts
        out[ast.literal_eval(key)] = (text(right), [text(pair.elts[0]) for pair in wrong.elts])
    return out


def as_learner_writes(source: str, variable: str) -> str:
    """A solution's text as the exercise cell names it: `def train_step(...)` or `variable = value`."""
    if source.startswith("def "):
        return re.sub(r"^def \w+", f"def {variable}", source, count=1)
    return f"{variable} = {source}"


def run_published(code: str, variable: str, module: ModuleType):
    """The answer a published code text defines, run in its solution module's namespace (for its imports)."""
    namespace = copy.copy(vars(module))
    exec(compile(code, f"<published {variable}>", "exec"), namespace)
    return namespace[variable]


def check_cells(nb) -> dict[str, tuple[int, str]]:
    """exercise id -> (notebook cell index, name of the answer) for each `check("ID", name)` in a notebook."""
    found = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for match in re.finditer(r"""check\(\s*["'](\d\d\.\w+)["']\s*,\s*(\w+)""", cell.source):
                found[match.group(1)] = (index, match.group(2))
    return found


def _answer(exercise_id: str, variable: str, module: ModuleType, source: str, hint: str | None, lang: str) -> Answer:
    """One published answer, with the message the checker gives the code as published."""
    from helpers.exercises import grade

    code = as_learner_writes(source, variable)
    return Answer(code, hint, grade(exercise_id, run_published(code, variable, module), lang=lang).message)


def lesson_exercises(nb, module: ModuleType | None, lang: str) -> list[Exercise]:
    """Every exercise a lesson's notebook checks, with its published solution and wrong answers in `lang`."""
    from helpers.i18n import t

    cells = check_cells(nb)
    unsolved = sorted(cells.keys() - (module.CASES.keys() if module else set()))
    if unsolved:
        raise ValueError(f"exercises {unsolved} have no solution and wrong answers in tests/solutions/ to publish")
    if not cells:
        return []
    sources = _case_sources(module)
    exercises = []
    for exercise_id, (cell, variable) in cells.items():
        right_source, wrong_sources = sources[exercise_id]
        _, wrong_cases = module.CASES[exercise_id]
        wrong = tuple(_answer(exercise_id, variable, module, source, hint, lang)
                      for source, (_, hint) in zip(wrong_sources, wrong_cases))
        exercises.append(Exercise(exercise_id, variable, cell,
                                  _answer(exercise_id, variable, module, right_source, None, lang), wrong,
                                  t(f"ex.{exercise_id}.why", lang), module.__name__))
    return exercises
