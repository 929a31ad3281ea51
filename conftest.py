"""Settings for the whole test run, notebooks included (pytest reads this before starting any kernel).

Every test is sorted by kind here, so that `pytest -m "not slow"` is the quick loop while working (README: Run the
tests) and the whole `pytest` is what CI runs. A kind is named by the file or by a fixture, never by hand per test:
    notebook  a lesson notebook executed by nbval
    browser   headless Chromium against JupyterLab or a built page (files named *_browser.py, test_site.py)
    kernel    a real Jupyter kernel driven through the widget protocol (*_kernel.py files, the `kernel` fixture)
    torchrun  several processes launched by torchrun (the `standalone`, `two_nodes`, `torchrun_run` fixtures)
    process   a fresh Python process that imports torch (a test whose code starts `sys.executable`)
Each of these kinds is also `slow`.
"""

import inspect
import os
import re

import pytest

# pytest-xdist runs one notebook per core; with torch's default of one thread per core in every kernel,
# the kernels fight over the cores and tiny training steps get many times slower. One thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")

KIND_BY_FILE = {"test_site.py": "browser", "test_teacher.py": "slow"}  # the teacher test reruns every checker
KIND_BY_FIXTURE = {"kernel": "kernel", "lab": "browser", "standalone": "torchrun", "two_nodes": "torchrun",
                   "torchrun_run": "torchrun"}
KINDS = ("notebook", "browser", "kernel", "torchrun", "process")
# How a test starts a fresh interpreter: each one imports torch again (about 2 s on a quiet machine).
STARTS_A_PROCESS = re.compile(r"sys\.executable|start_child\(")


def kind_of(item: pytest.Item) -> str | None:
    """The slow kind of a collected test, from its file or its fixtures; None for a quick unit test."""
    name = item.path.name
    if item.path.suffix == ".ipynb":
        return "notebook"
    if name.endswith("_browser.py"):
        return "browser"
    if name.endswith("_kernel.py"):
        return "kernel"
    for fixture in getattr(item, "fixturenames", ()):
        if fixture in KIND_BY_FIXTURE:
            return KIND_BY_FIXTURE[fixture]
    if name in KIND_BY_FILE:
        return KIND_BY_FILE[name]
    function = getattr(item, "function", None)
    if function is not None and STARTS_A_PROCESS.search(inspect.getsource(function)):
        return "process"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a notebook, browser, kernel or torchrun test (pytest -m 'not slow' skips them)")
    for kind in KINDS:
        config.addinivalue_line("markers", f"{kind}: see conftest.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        kind = kind_of(item) or ("slow" if item.get_closest_marker("slow") else None)
        if kind is not None:
            item.add_marker(pytest.mark.slow)
            if kind in KINDS:
                item.add_marker(getattr(pytest.mark, kind))
