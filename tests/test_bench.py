"""The benchmarks' own arithmetic and parsing (bench/ is not run by the tests: its numbers depend on the machine)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fit_instructions  # noqa: E402
import fit_overhead  # noqa: E402


def test_median_interval_holds_the_middle_order_statistics():
    values = list(range(100))
    random.Random(0).shuffle(values)
    median, low, high = fit_overhead.median_with_ci(values)
    assert median == 49.5
    assert (low, high) == (40, 60)  # ranks 50 -/+ 1.96 * sqrt(100) / 2, widened to whole ranks


def test_median_interval_narrows_with_more_epochs():
    rng = random.Random(1)
    few = fit_overhead.median_with_ci([rng.gauss(1.0, 0.1) for _ in range(30)])
    many = fit_overhead.median_with_ci([rng.gauss(1.0, 0.1) for _ in range(3000)])
    assert many[2] - many[1] < (few[2] - few[1]) / 4
    assert many[1] < 1.0 < many[2]


def test_median_interval_of_one_value_is_that_value():
    assert fit_overhead.median_with_ci([1.25]) == (1.25, 1.25, 1.25)


def test_callgrind_dumps_are_read_by_runner_name(tmp_path):
    for number, (name, total) in enumerate([("hand-written loop", 300), ("warm-up", 7),
                                            ("helpers.fit, watch off", 303)], start=1):
        (tmp_path / f"callgrind.out.42.{number}").write_text(
            f"version: 1\ncreator: callgrind-3.19.0\ndesc: Trigger: Client Request: {name}\n"
            f"events: Ir\nsummary: {total}\ntotals: {total + 5}\n")
    (tmp_path / "callgrind.out.42").write_text("desc: Trigger: Program termination\nsummary: 999\n")
    assert fit_instructions.read_dumps(tmp_path) == {"hand-written loop": 300, "helpers.fit, watch off": 303}


@pytest.mark.parametrize("workload", sorted(fit_overhead.WORKLOADS))
def test_hand_loop_and_fit_start_from_the_same_weights(workload):
    """The benchmark compares like with like: the same seed gives both runners the same model and batches."""
    import torch

    built = []
    for _ in range(2):
        model, train_loader, _, _ = fit_overhead.fresh(workload, torch.device("cpu"))
        built.append((model, next(iter(train_loader))))
    (first, batch_a), (second, batch_b) = built
    for a, b in zip(first.state_dict().values(), second.state_dict().values()):
        assert torch.equal(a, b)
    assert torch.equal(batch_a[0], batch_b[0]) and torch.equal(batch_a[1], batch_b[1])


def test_whole_runs_are_counted_when_asked_and_the_table_says_so(monkeypatch, capsys, tmp_path):
    """`--whole` reaches the run under valgrind, and the printed table says what was counted (issue 20)."""
    calls = []
    monkeypatch.setattr(sys, "argv", ["fit_instructions.py", "--workload", "mlp", "--epochs", "2", "--whole"])
    monkeypatch.setattr(fit_instructions.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(fit_instructions, "build_control", lambda folder: tmp_path / "libcgctl.so")
    monkeypatch.setattr(fit_instructions.subprocess, "run", lambda args, **kwargs: calls.append(args))
    counts = dict(zip(fit_instructions.RUNNERS, (600, 606, 612)))
    monkeypatch.setattr(fit_instructions, "read_dumps", lambda folder: counts)
    fit_instructions.main()
    assert calls and calls[0][-1] == "--whole" and "--inside" in calls[0]
    out = capsys.readouterr().out
    assert "whole fresh runs of 2 epochs" in out
    assert "| 1.0100 |" in out and "| 1.0200 |" in out  # 606 / 600 and 612 / 600
