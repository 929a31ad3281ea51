"""`python -m helpers` (the demo) and the cheap, lazy `import helpers`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from helpers.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
UTF8_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
HISTORY_KEYS = {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}


def test_demo_in_english(capsys):
    history = main(["--epochs", "1", "--log-interval", "5"])
    out = capsys.readouterr().out
    assert f"Training DigitClassifier on digits (1258 train / 180 val / 359 test) on {helpers.get_device()}" in out
    assert "Epoch 1/1 | train loss" in out
    assert "Test loss" in out and "test accuracy" in out
    assert "Batch     0/   20 | Loss:" in out and "Batch    15/   20 | Loss:" in out
    assert set(history) == HISTORY_KEYS and all(len(v) == 1 for v in history.values())
    assert history["val_acc"][0] > 0.5  # one epoch on digits already learns something


def test_demo_in_bengali(capsys):
    history = main(["--epochs", "1", "--lang", "bn"])
    captured = capsys.readouterr()
    assert "ইপক 1/1 | ট্রেন লস" in captured.out and "টেস্ট সঠিকতা" in captured.out
    assert "ব্যাচ     0/   20" in captured.out
    for english in ("Epoch", "Batch", "Test", "Training", "epochs"):
        assert english not in captured.out + captured.err, english
    assert set(history) == HISTORY_KEYS and all(len(v) == 1 for v in history.values())


def test_demo_rejects_unknown_language(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "fr"])
    assert "invalid choice" in capsys.readouterr().err


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers", "--epochs", "1", "--lang", "bn"], cwd=tmp_path,
                            env=UTF8_ENV, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ইপক 1/1" in result.stdout and "টেস্ট" in result.stdout


def test_import_helpers_stays_cheap():
    heavy = ("matplotlib", "torchvision", "sklearn", "ipywidgets")
    code = (f"import sys, helpers; heavy = {heavy!r}\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n"
            "helpers.train_one_epoch, helpers.load_dataset, helpers.DigitClassifier, helpers.get_device\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=UTF8_ENV, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "[]"]  # nor after touching the loop, data and model


def test_lazy_exports():
    for name in helpers.__all__:
        assert callable(getattr(helpers, name)), name
        assert name in dir(helpers)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        helpers.nope  # noqa: B018
