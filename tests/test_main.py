"""`python -m helpers` (the demo), its answers to wrong arguments, and the cheap, lazy `import helpers`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from helpers.__main__ import _amp, demo, main, parse_args
from helpers.i18n import t

ROOT = Path(__file__).resolve().parents[1]
UTF8_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
HISTORY_KEYS = {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}


def test_demo_in_english(capsys):
    history = demo(parse_args(["--epochs", "1", "--log-interval", "5"]))
    out = capsys.readouterr().out
    assert f"Training DigitClassifier on digits (1258 train / 180 val / 359 test) on {helpers.get_device()}" in out
    assert "Epoch 1/1 | train loss" in out
    assert "Test loss" in out and "test accuracy" in out
    assert "Batch     0/   20 | Loss:" in out and "Batch    15/   20 | Loss:" in out
    assert set(history) == HISTORY_KEYS and all(len(v) == 1 for v in history.values())
    assert history["val_acc"][0] > 0.5  # one epoch on digits already learns something
    assert "amp=True" not in out  # advice the command line cannot follow (newcomer review 2, friction 17)


def test_demo_in_bengali(capsys):
    assert main(["--epochs", "1", "--lang", "bn"]) == 0
    captured = capsys.readouterr()
    assert "ইপক 1/1 | ট্রেন লস" in captured.out and "টেস্ট সঠিকতা" in captured.out
    assert "ব্যাচ     0/   20" in captured.out
    for english in ("Epoch", "Batch", "Test", "Training", "epochs"):
        assert english not in captured.out + captured.err, english


# Every wrong invocation the newcomer review tried (and a few more): (arguments, the message key, its values).
WRONG = [
    (["--lang", "xx"], "cli.bad_choice", dict(option="--lang", value="xx", choices="en, bn")),
    (["--epochs", "0"], "cli.bad_whole", dict(option="--epochs", low=1, value="0")),
    (["--epochs", "-1"], "cli.bad_whole", dict(option="--epochs", low=1, value="-1")),
    (["--epochs", "1.5"], "cli.bad_whole", dict(option="--epochs", low=1, value="1.5")),
    (["--batch-size", "0"], "cli.bad_whole", dict(option="--batch-size", low=1, value="0")),
    (["--batch-size", "-5"], "cli.bad_whole", dict(option="--batch-size", low=1, value="-5")),
    (["--log-interval", "0"], "cli.bad_whole", dict(option="--log-interval", low=1, value="0")),
    (["--lr", "abc"], "cli.bad_lr", dict(value="abc")),
    (["--lr", "-1"], "cli.bad_lr", dict(value="-1")),
    (["--lr", "0"], "cli.bad_lr", dict(value="0")),
    (["--lr", "nan"], "cli.bad_lr", dict(value="nan")),
    (["--lr", "inf"], "cli.bad_lr", dict(value="inf")),
    (["--seed", "-1"], "cli.bad_range", dict(option="--seed", low=0, high=2**32 - 1, value="-1")),
    (["--seed", str(2**32)], "cli.bad_range", dict(option="--seed", low=0, high=2**32 - 1, value=str(2**32))),
    (["--dataset", "cifar"], "cli.bad_choice", dict(option="--dataset", value="cifar", choices="digits, mnist")),
    (["--device", "gpu"], "cli.bad_device", dict(value="gpu")),
    (["--device", "tpu"], "cli.bad_device", dict(value="tpu")),
    (["--foo"], "cli.unknown", dict(args="--foo")),
    (["--epochs"], "cli.needs_value", dict(option="--epochs")),
    (["--ep", "3"], "cli.unknown", dict(args="--ep 3")),  # no abbreviations: a typo is not guessed
    (["5"], "cli.unknown", dict(args="5")),
    (["--amp", "maybe"], "cli.bad_choice", dict(option="--amp", value="maybe", choices="auto, on, off")),
]


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize(("args", "key", "values"), WRONG, ids=[" ".join(w[0]) for w in WRONG])
def test_a_wrong_argument_is_one_line_in_the_chosen_language(capsys, lang, args, key, values):
    chosen = lang if args[:1] != ["--lang"] else "en"  # a wrong --lang chooses no language
    argv = args + ["--lang", lang] if chosen == lang else args
    assert main(argv) == 2
    captured = capsys.readouterr()
    expected = t("cli.error", chosen, prog="python -m helpers", message=t(key, chosen, **values))
    assert captured.err == expected + "\n" and captured.out == ""


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_mixed_precision_note_names_the_option_that_changes_it(capsys, lang):
    import torch

    from helpers.i18n import get_language, set_language

    before = get_language()
    set_language(lang)
    try:
        assert _amp("auto", torch.device("cpu")) is False
        note = capsys.readouterr().out
        assert note == t("cli.amp_off", lang, device="cpu") + "\n" and "--amp on" in note and "amp=True" not in note
        assert _amp("off", torch.device("cpu")) is False and _amp("on", torch.device("cpu")) is True
        assert _amp("auto", torch.device("cuda")) == "auto"  # fit turns it on, and says nothing
        assert capsys.readouterr().out == ""
    finally:
        set_language(before)


def test_lang_is_read_in_any_case():
    assert parse_args(["--lang", "BN"]).lang == "bn" and parse_args(["--lang=En"]).lang == "en"
    assert parse_args(["--amp", "off"]).amp == "off" and parse_args([]).amp == "auto"


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_a_missing_device_is_one_line_too(capsys, lang):
    assert main(["--device", "cuda:7", "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'cuda:7'" in err and "Traceback" not in err
    assert t("device.unknown", lang, device="cuda:7", available="").split("'cuda:7'")[1][:4] in err


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_help_is_in_the_chosen_language_with_the_defaults(capsys, lang):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help", "--lang", lang])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help to the terminal's width
    for option, default in (("epochs", 5), ("batch_size", 64), ("log_interval", 10), ("seed", 0), ("dataset", "digits")):
        assert t(f"cli.help.{option}", lang, default=default) in out
    assert t("cli.help.lr", lang, default=1e-3) in out and t("cli.usage", lang) in out
    if lang == "bn":
        assert "usage:" not in out and "show this help" not in out


def test_subprocess_wrong_argument_exit_2_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers", "--log-interval", "0", "--lang", "bn"], cwd=tmp_path,
                            env=UTF8_ENV, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--log-interval" in result.stderr and "পূর্ণসংখ্যা" in result.stderr


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_a_diverging_run_ends_with_the_loops_message_and_exit_1(tmp_path, lang):
    result = subprocess.run([sys.executable, "-m", "helpers", "--lr", "1e9", "--epochs", "2", "--lang", lang],
                            cwd=tmp_path, env=UTF8_ENV, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    head = t("fit.nonfinite", lang, loss=float("nan"), epoch=1, batch=1)  # "Stopped: the loss became nan at ..."
    assert last.startswith(head[: head.index("nan")]) and "nan" in last, last
    test_line = t("demo.test", lang, loss=0.0, acc=0.0).split(" 0.0000")[0]  # "Test loss"
    assert test_line not in result.stdout  # no test result after a failed run


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
