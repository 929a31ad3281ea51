"""helpers.doctor, the mistake doctor (lesson 09): it finds every mistake of the syllabus's tables, and nothing else.

Four parts:
- a gallery of broken setups, one line each: (id, builder, the finding code it must produce);
- the device and shape errors PyTorch raises inside `train_one_epoch`, re-raised with an explanation;
- correct setups (every loss, optimizer and scheduler of the syllabus, AMP, accumulation, clipping, `fit`)
  that must produce no finding at all;
- the message tables (both languages, same placeholders) and the Watch's sampling.

Everything runs on the CPU with tensors of a few dozen rows, so the whole file takes seconds.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import lr_scheduler
from torch.utils.data import TensorDataset

import helpers
from helpers import doctor
from helpers.data import TensorLoader
from helpers.doctor import (
    LESSONS,
    MESSAGES,
    Finding,
    Watch,
    check_loss_inputs,
    check_setup,
    diagnose,
    explain_error,
    report,
)
from helpers.loop import train_one_epoch
from helpers.models import DigitClassifier
from tools import course

ROOT = Path(__file__).resolve().parents[1]
BENGALI = re.compile(r"[\u0980-\u09FF]")


# ---------------------------------------------------------------------------------------------------------------
# Small data and models: a few dozen rows, so every loop below runs in milliseconds.
# ---------------------------------------------------------------------------------------------------------------

def rand(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def classes(n: int, num_classes: int, seed: int = 1) -> torch.Tensor:
    return torch.randint(0, num_classes, (n,), generator=torch.Generator().manual_seed(seed))


def logits(n: int = 16, c: int = 5) -> torch.Tensor:
    return 2 * rand(n, c)


def classification_batches(n: int = 64, features: int = 8, num_classes: int = 3, size: int = 16, seed: int = 0):
    x, y = rand(n, features, seed=seed), classes(n, num_classes, seed=seed + 1)
    return [(x[i:i + size], y[i:i + size]) for i in range(0, n, size)]


def regression_batches(n: int = 64, features: int = 4, size: int = 16, seed: int = 0):
    x = rand(n, features, seed=seed)
    y = x @ rand(features, 1, seed=seed + 1) + 0.1 * rand(n, 1, seed=seed + 2)
    return [(x[i:i + size], y[i:i + size]) for i in range(0, n, size)]


def mlp(features: int = 8, num_classes: int = 3, dropout: float = 0.2, seed: int = 0) -> nn.Module:
    """A classifier with dropout, so train() and eval() differ."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, num_classes))


def train_loop(model, optimizer, criterion, batches, *, epochs: int = 3, zero_grad: bool = True,
               train_mode: bool = True, scheduler=None, scheduler_first: bool = False,
               val_batches=None, eval_mode: bool = True) -> None:
    """The syllabus's loop, with one switch per mistake of its tables."""
    for _ in range(epochs):
        model.train(train_mode)
        if scheduler is not None and scheduler_first:
            scheduler.step()  # mistake: before any optimizer.step()
        for x, y in batches:
            if zero_grad:
                optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        if scheduler is not None and not scheduler_first:
            scheduler.step()
        if val_batches is not None:
            if eval_mode:
                model.eval()
            with torch.no_grad():
                for x, y in val_batches:
                    criterion(model(x), y)


Result = tuple[list[Finding], list[str]]


def watched(model, optimizer, criterion, body: Callable[[], object], *, scheduler=None, **options) -> Result:
    """Run `body` inside a Watch; return its findings and every line it printed."""
    said: list[str] = []
    with Watch(model, optimizer, criterion, scheduler, say=said.append, **options) as watch:
        body()
    return watch.findings, said


def static(check: Callable[[], list[Finding]]) -> Callable[[], Result]:
    """A gallery builder for a one-call check (check_loss_inputs, check_setup, diagnose)."""

    def build() -> Result:
        findings, said = check(), []
        report(findings, say=said.append)
        return findings, said

    return build


def loss_inputs(criterion: nn.Module, outputs: Callable[[], torch.Tensor], targets: Callable[[], torch.Tensor]):
    return static(lambda: check_loss_inputs(criterion, outputs(), targets()))


# ---------------------------------------------------------------------------------------------------------------
# The gallery of broken setups.
# ---------------------------------------------------------------------------------------------------------------

def softmax_model_in_a_loop() -> Result:
    model = nn.Sequential(mlp(), nn.Softmax(dim=1))  # the classic: the model ends in softmax, then CE
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.CrossEntropyLoss()
    return watched(model, optimizer, criterion,
                   lambda: train_loop(model, optimizer, criterion, classification_batches()))


def sigmoid_in_a_loop() -> Result:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 1), nn.Flatten(0), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.BCEWithLogitsLoss()
    batches = [(x, (y > 0).float()) for x, y in classification_batches()]
    return watched(model, optimizer, criterion, lambda: train_loop(model, optimizer, criterion, batches))


def no_zero_grad() -> Result:
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    return watched(model, optimizer, criterion,
                   lambda: train_loop(model, optimizer, criterion, classification_batches(), zero_grad=False))


def zero_grad_once_before_the_loop() -> Result:
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    def body():
        optimizer.zero_grad()  # mistake: once, outside the loop
        train_loop(model, optimizer, criterion, classification_batches(), zero_grad=False)

    return watched(model, optimizer, criterion, body)


def trained_in_eval_mode() -> Result:
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    return watched(model, optimizer, criterion,
                   lambda: train_loop(model, optimizer, criterion, classification_batches(), train_mode=False))


def eval_mode_left_from_validation() -> Result:
    """model.train() only once, before the first epoch: validation's model.eval() stays for the second."""
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    batches, val = classification_batches(), classification_batches(seed=5)

    def body():
        model.train()
        for _ in range(3):
            for x, y in batches:
                optimizer.zero_grad()
                criterion(model(x), y).backward()
                optimizer.step()
            model.eval()
            with torch.no_grad():
                for x, y in val:
                    criterion(model(x), y)

    return watched(model, optimizer, criterion, body)


def validated_in_train_mode() -> Result:
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    return watched(model, optimizer, criterion, lambda: train_loop(
        model, optimizer, criterion, classification_batches(), val_batches=classification_batches(seed=5),
        eval_mode=False))


def optimizer_of_a_replaced_model() -> Result:
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model = mlp(seed=1)  # mistake: a new model object after the optimizer was built
    criterion = nn.CrossEntropyLoss()
    return watched(model, optimizer, criterion,
                   lambda: train_loop(model, optimizer, criterion, classification_batches()))


def optimizer_before_the_head_was_replaced():
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model[3] = nn.Linear(16, 5)  # a new head after the optimizer: it never learns
    return check_setup(model, optimizer)


def scheduler_stepped_first() -> Result:
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    criterion = nn.CrossEntropyLoss()
    with warnings.catch_warnings():  # PyTorch warns about it too
        warnings.simplefilter("ignore", UserWarning)
        return watched(model, optimizer, criterion, lambda: train_loop(
            model, optimizer, criterion, classification_batches(), scheduler=scheduler, scheduler_first=True),
            scheduler=scheduler)


def huge_learning_rate() -> Result:
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=10.0)  # far too large for this regression
    criterion = nn.MSELoss()
    return watched(model, optimizer, criterion,
                   lambda: train_loop(model, optimizer, criterion, regression_batches(), epochs=2))


def nan_in_the_data() -> Result:
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    batches = [(x.clone().fill_(float("nan")), y) for x, y in classification_batches()]
    return watched(model, optimizer, criterion, lambda: train_loop(model, optimizer, criterion, batches))


def log_of_zero() -> Result:
    """A hand-made NLL with log(0): the loss is inf from the start."""
    model = nn.Sequential(mlp(), nn.Softmax(dim=1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.NLLLoss()

    def body():
        for x, y in classification_batches():
            optimizer.zero_grad()
            probs = model(x) * 0  # every probability 0
            loss = criterion(torch.log(probs), y)
            loss.backward()
            optimizer.step()

    return watched(model, optimizer, criterion, body)


GALLERY = [
    # --- probabilities to CrossEntropyLoss (softmax twice) ---
    ("ce_softmax_function", loss_inputs(nn.CrossEntropyLoss(), lambda: logits().softmax(1), lambda: classes(16, 5)),
     "double_softmax"),
    ("ce_softmax_model_output", static(lambda: check_loss_inputs(
        nn.CrossEntropyLoss(), nn.Sequential(mlp(), nn.Softmax(dim=1))(rand(16, 8)), classes(16, 3))),
     "double_softmax"),
    ("ce_softmax_model_in_loop", softmax_model_in_a_loop, "double_softmax"),
    ("ce_softmax_segmentation", loss_inputs(nn.CrossEntropyLoss(), lambda: rand(2, 4, 3, 3).softmax(1),
                                            lambda: torch.zeros(2, 3, 3, dtype=torch.long)), "double_softmax"),
    # --- sigmoid outputs to BCEWithLogitsLoss ---
    ("bce_sigmoid_binary", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(16).sigmoid(),
                                       lambda: (rand(16, seed=1) > 0).float()), "sigmoid_before_bce"),
    ("bce_sigmoid_multilabel", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(8, 4).sigmoid(),
                                           lambda: (rand(8, 4, seed=1) > 0).float()), "sigmoid_before_bce"),
    ("bce_sigmoid_in_loop", sigmoid_in_a_loop, "sigmoid_before_bce"),
    # --- raw logits (or probabilities) to NLLLoss ---
    ("nll_raw_logits", loss_inputs(nn.NLLLoss(), logits, lambda: classes(16, 5)), "nll_not_log_probs"),
    ("nll_probabilities", loss_inputs(nn.NLLLoss(), lambda: logits().softmax(1), lambda: classes(16, 5)),
     "nll_not_log_probs"),
    # --- raw logits or probabilities to KLDivLoss ---
    ("kl_raw_logits", loss_inputs(nn.KLDivLoss(reduction="batchmean"), logits,
                                  lambda: rand(16, 5, seed=1).softmax(1)), "kl_not_log_probs"),
    ("kl_probabilities", loss_inputs(nn.KLDivLoss(reduction="batchmean"), lambda: logits().softmax(1),
                                     lambda: rand(16, 5, seed=1).softmax(1)), "kl_not_log_probs"),
    # --- wrong target dtype ---
    ("ce_onehot_targets", loss_inputs(nn.CrossEntropyLoss(), logits,
                                      lambda: F.one_hot(classes(16, 5), 5).float()), "onehot_targets"),
    ("ce_float_class_indices", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: classes(16, 5).float()),
     "float_class_targets"),
    ("ce_double_class_indices", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: classes(16, 5).double()),
     "float_class_targets"),
    ("bce_long_targets", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(16), lambda: classes(16, 2)),
     "bce_int_targets"),
    ("bce_int32_multilabel_targets", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(8, 4),
                                                 lambda: (rand(8, 4, seed=1) > 0).int()), "bce_int_targets"),
    # --- shape mismatches [N, 1] vs [N] ---
    ("ce_targets_n_by_1", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: classes(16, 5).unsqueeze(1)),
     "target_extra_dim"),
    ("bce_outputs_n_by_1_targets_n", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(16, 1),
                                                 lambda: (rand(16, seed=1) > 0).float()), "bce_shape"),
    ("bce_outputs_n_targets_n_by_1", loss_inputs(nn.BCEWithLogitsLoss(), lambda: rand(16),
                                                 lambda: (rand(16, 1, seed=1) > 0).float()), "bce_shape"),
    ("mse_outputs_n_by_1_targets_n", loss_inputs(nn.MSELoss(), lambda: rand(16, 1), lambda: rand(16, seed=1)),
     "regression_shape"),
    ("l1_outputs_n_targets_n_by_1", loss_inputs(nn.L1Loss(), lambda: rand(16), lambda: rand(16, 1, seed=1)),
     "regression_shape"),
    ("huber_outputs_n_by_1_targets_n", loss_inputs(nn.HuberLoss(), lambda: rand(16, 1), lambda: rand(16, seed=1)),
     "regression_shape"),
    ("smooth_l1_outputs_n_by_1_targets_n", loss_inputs(nn.SmoothL1Loss(), lambda: rand(16, 1),
                                                       lambda: rand(16, seed=1)), "regression_shape"),
    ("mse_shapes_that_do_not_broadcast", loss_inputs(nn.MSELoss(), lambda: rand(16, 3), lambda: rand(16, seed=1)),
     "loss_shape"),
    ("l1_batch_sizes_differ", loss_inputs(nn.L1Loss(), lambda: rand(16, 1), lambda: rand(12, 1, seed=1)), "loss_shape"),
    # --- class index out of range ---
    ("ce_class_too_large", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: torch.tensor([0, 1, 2, 5] * 4)),
     "class_out_of_range"),
    ("ce_labels_start_at_1", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: classes(16, 5) + 1),
     "class_out_of_range"),
    ("ce_negative_class", loss_inputs(nn.CrossEntropyLoss(), logits, lambda: torch.tensor([0, 1, 2, -1] * 4)),
     "class_out_of_range"),
    ("ce_negative_class_other_ignore_index", loss_inputs(nn.CrossEntropyLoss(ignore_index=-1), logits,
                                                         lambda: torch.tensor([0, -1, 2, -2] * 4)),
     "class_out_of_range"),
    ("ce_padding_and_class_too_large", loss_inputs(nn.CrossEntropyLoss(), logits,
                                                   lambda: torch.tensor([0, -100, 2, 7] * 4)), "class_out_of_range"),
    # --- tensors on different devices ('meta' stands in for a GPU) ---
    ("device_outputs_meta_targets_cpu", loss_inputs(nn.CrossEntropyLoss(), lambda: torch.empty(4, 10, device="meta"),
                                                    lambda: classes(4, 10)), "device_mismatch"),
    ("device_outputs_cpu_targets_meta", loss_inputs(nn.MSELoss(), lambda: rand(4, 1),
                                                    lambda: torch.empty(4, 1, device="meta")), "device_mismatch"),
    ("device_model_meta_data_cpu", static(lambda: check_setup(nn.Linear(8, 3).to("meta"), data=rand(4, 8))),
     "device_mismatch"),
    ("device_via_diagnose", static(lambda: diagnose(model=mlp().to("meta"), data=rand(4, 8), quiet=True)),
     "device_mismatch"),
    # --- in the loop, seen by a Watch ---
    ("loop_no_zero_grad", no_zero_grad, "missing_zero_grad"),
    ("loop_zero_grad_once_outside", zero_grad_once_before_the_loop, "missing_zero_grad"),
    ("loop_never_train_mode", trained_in_eval_mode, "eval_mode_training"),
    ("loop_eval_mode_left_from_validation", eval_mode_left_from_validation, "eval_mode_training"),
    ("loop_validation_in_train_mode", validated_in_train_mode, "train_mode_validation"),
    ("loop_optimizer_of_replaced_model", optimizer_of_a_replaced_model, "optimizer_other_params"),
    ("setup_head_replaced_after_optimizer", static(optimizer_before_the_head_was_replaced), "optimizer_other_params"),
    ("setup_optimizer_via_diagnose", static(lambda: diagnose(
        model=mlp(), optimizer=torch.optim.SGD(mlp().parameters(), lr=0.1), quiet=True)), "optimizer_other_params"),
    ("loop_scheduler_before_optimizer", scheduler_stepped_first, "scheduler_before_step"),
    ("loop_lr_far_too_large", huge_learning_rate, "lr_too_large"),
    ("loop_nan_in_data", nan_in_the_data, "nonfinite_loss"),
    ("loop_log_of_zero", log_of_zero, "nonfinite_loss"),
]


def test_the_gallery_covers_every_mistake_with_several_variants():
    assert len(GALLERY) >= 20
    assert len({case_id for case_id, _, _ in GALLERY}) == len(GALLERY)
    assert {code for _, _, code in GALLERY} == set(LESSONS)


@pytest.mark.parametrize(("builder", "expected"), [pytest.param(b, code, id=i) for i, b, code in GALLERY])
def test_each_broken_setup_is_diagnosed_once_in_both_languages(builder, expected):
    findings, said = builder()
    codes = [f.code for f in findings]
    assert expected in codes, codes
    assert len(codes) == len(set(codes)), f"a finding was recorded twice: {codes}"
    # Printed once each, even when the loop repeats the mistake at every step.
    assert len(said) == len(findings)
    assert sum(line.startswith("⚠") for line in said) == len(findings)
    finding = findings[codes.index(expected)]
    english, bengali = finding.message("en"), finding.message("bn")
    assert english.strip() and bengali.strip() and english != bengali
    assert BENGALI.search(bengali) and not BENGALI.search(english)
    assert LESSONS[expected] in english and LESSONS[expected] in bengali


def test_kl_message_names_what_it_got_in_the_chosen_language():
    (raw,) = check_loss_inputs(nn.KLDivLoss(reduction="batchmean"), logits(), rand(16, 5, seed=1).softmax(1))
    (probs,) = check_loss_inputs(nn.KLDivLoss(reduction="batchmean"), logits().softmax(1), rand(16, 5).softmax(1))
    assert "raw scores" in raw.message("en") and "কাঁচা স্কোর" in raw.message("bn")
    assert "probabilities" in probs.message("en") and "সম্ভাবনা" in probs.message("bn")


def test_messages_carry_the_numbers_of_the_case():
    (finding,) = check_loss_inputs(nn.CrossEntropyLoss(), logits(), torch.tensor([0, 1, 2, 7] * 4))
    assert finding.values == {"value": 7, "classes": 5, "last": 4}
    assert "7" in finding.message("en") and "0 to 4" in finding.message("en")
    (finding,) = check_loss_inputs(nn.MSELoss(), rand(16, 1), rand(16))
    assert "[16, 16]" in finding.message("en") and "[16, 16]" in finding.message("bn")


def test_the_message_follows_the_chosen_language():
    finding = Finding("missing_zero_grad")
    helpers.set_language("bn")
    assert finding.message() == finding.message("bn")
    said: list[str] = []
    report([finding], say=said.append)
    assert said == [finding.message("bn")]


def test_diagnose_prints_each_finding_or_that_all_is_well(capsys):
    found = diagnose(criterion=nn.CrossEntropyLoss(), outputs=logits().softmax(1), targets=classes(16, 5))
    assert [f.code for f in found] == ["double_softmax"]
    printed = capsys.readouterr().out
    assert printed.count("⚠") == 1 and "softmax" in printed
    assert diagnose(criterion=nn.CrossEntropyLoss(), outputs=logits(), targets=classes(16, 5), lang="bn") == []
    assert capsys.readouterr().out.strip() == MESSAGES["doc.none"]["bn"]
    assert diagnose(criterion=nn.CrossEntropyLoss(), outputs=logits(), targets=classes(16, 5), quiet=True) == []
    assert capsys.readouterr().out == ""


def test_a_watch_reports_each_mistake_once_over_many_epochs():
    model = nn.Sequential(mlp(), nn.Softmax(dim=1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    findings, said = watched(model, optimizer, criterion, lambda: train_loop(
        model, optimizer, criterion, classification_batches(), epochs=6, zero_grad=False, train_mode=False),
        warmup=3, every=2)
    assert sorted(f.code for f in findings) == ["double_softmax", "eval_mode_training", "missing_zero_grad"]
    assert len(said) == 3


def test_a_watch_leaves_the_optimizer_criterion_and_scheduler_as_they_were():
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    criterion = nn.CrossEntropyLoss()
    before = (dict(optimizer.__dict__), dict(scheduler.__dict__))
    with Watch(model, optimizer, criterion, scheduler, say=lambda line: None):
        assert "forward" in criterion.__dict__  # the loss is looked at through a replaced forward, not a hook
        assert optimizer._optimizer_step_pre_hooks  # the dynamics record the first step
        assert any(module._forward_hooks for module in model.modules())  # its activations too
    assert "zero_grad" not in optimizer.__dict__ and "step" not in scheduler.__dict__
    assert "forward" not in criterion.__dict__ and not criterion._forward_hooks
    assert not any(module._forward_hooks for module in model.modules())
    assert not optimizer._optimizer_step_pre_hooks and not optimizer._optimizer_step_post_hooks
    assert (optimizer.__dict__.keys(), scheduler.__dict__.keys()) == (before[0].keys(), before[1].keys())


def test_nested_watches_both_report_and_leave_cleanly():
    """fit(watch=True) inside a learner's own Watch: two Watches on one optimizer."""
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    outer, inner = [], []
    with Watch(model, optimizer, criterion, say=outer.append):
        with Watch(model, optimizer, criterion, say=inner.append):
            train_loop(model, optimizer, criterion, classification_batches(), zero_grad=False)
        train_loop(model, optimizer, criterion, classification_batches(), epochs=1)
    assert len(outer) == len(inner) == 1
    assert "zero_grad" not in optimizer.__dict__


# ---------------------------------------------------------------------------------------------------------------
# Real errors inside helpers.train_one_epoch: re-raised with the explanation, the original kept as __cause__.
# ---------------------------------------------------------------------------------------------------------------

def meta_model_cpu_data():
    return nn.Linear(8, 3).to("meta"), nn.CrossEntropyLoss(), rand(32, 8), classes(32, 3)


def ce_targets_n_by_1():
    return nn.Linear(8, 3), nn.CrossEntropyLoss(), rand(32, 8), classes(32, 3).unsqueeze(1)


def linear_in_features_mismatch():
    return nn.Sequential(nn.Flatten(), nn.Linear(10, 3)), nn.CrossEntropyLoss(), rand(32, 8), classes(32, 3)


def bce_target_size_mismatch():
    return nn.Linear(8, 1), nn.BCEWithLogitsLoss(), rand(32, 8), (rand(32, seed=1) > 0).float()


def mse_shapes_that_do_not_broadcast():
    return nn.Linear(8, 3), nn.MSELoss(), rand(32, 8), rand(32)


def ce_float_targets():
    return nn.Linear(8, 3), nn.CrossEntropyLoss(), rand(32, 8), classes(32, 3).float()


ERRORS = [
    # (id, setup, expected error type, text of PyTorch's own message, the explanation's code)
    ("device_meta_model_cpu_data", meta_model_cpu_data, RuntimeError, "device", "device_mismatch"),
    ("ce_targets_n_by_1", ce_targets_n_by_1, RuntimeError, "target", "target_extra_dim"),
    ("linear_in_features", linear_in_features_mismatch, RuntimeError, "mat1 and mat2 shapes cannot be multiplied",
     "shape_error"),
    ("bce_target_size", bce_target_size_mismatch, ValueError, "must be the same as input size", "bce_shape"),
    ("ce_float_targets", ce_float_targets, RuntimeError, "Float", "float_class_targets"),
    ("mse_not_broadcastable", mse_shapes_that_do_not_broadcast, RuntimeError, "must match the size", "shape_error"),
]


def explanation_text(code: str, lang: str) -> str:
    """The part of the explanation that is specific to `code`, in `lang`."""
    if code == "shape_error":
        return MESSAGES["doc.shape_error"][lang].split("{detail}")[1][:40]
    return MESSAGES[f"doc.{code}.fix"][lang]


@pytest.mark.filterwarnings("ignore:Using a target size:UserWarning")  # PyTorch's own warning before the error
@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize(("setup", "error_type", "original", "code"),
                         [pytest.param(*case[1:], id=case[0]) for case in ERRORS])
def test_errors_in_the_loop_are_re_raised_with_the_explanation(setup, error_type, original, code, lang):
    model, criterion, x, y = setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = TensorLoader(TensorDataset(x, y), batch_size=16)
    helpers.set_language(lang)
    with pytest.raises(error_type) as caught:
        train_one_epoch(model, "cpu", loader, optimizer, criterion, log=lambda line: None)
    error, cause = caught.value, caught.value.__cause__
    assert type(cause) is type(error) and original in str(cause)
    assert str(error).startswith(str(cause))  # PyTorch's own message comes first, unchanged
    assert MESSAGES["doc.error_intro"][lang] in str(error)
    assert explanation_text(code, lang) in str(error)
    if code in LESSONS:
        assert LESSONS[code] in str(error)
    if lang == "bn":
        assert BENGALI.search(str(error).removeprefix(str(cause)))
    else:
        assert not BENGALI.search(str(error))


PYTORCH_ERRORS = [
    # (id, the call that fails, the explanation's code): PyTorch's own wording, whatever this version says
    ("ce_class_out_of_range", lambda: F.cross_entropy(logits(4, 3), torch.tensor([0, 1, 2, 3])), "class_out_of_range"),
    ("ce_negative_class", lambda: F.cross_entropy(logits(4, 3), torch.tensor([0, 1, 2, -1])), "class_out_of_range"),
    ("ce_float_class_indices", lambda: F.cross_entropy(logits(4, 3), torch.zeros(4)), "float_class_targets"),
    ("ce_targets_n_by_1", lambda: F.cross_entropy(logits(4, 3), torch.zeros(4, 1, dtype=torch.long)),
     "target_extra_dim"),
    ("bce_target_size", lambda: F.binary_cross_entropy_with_logits(rand(4, 1), rand(4)), "bce_shape"),
    ("device", lambda: nn.Linear(4, 2).to("meta")(rand(3, 4)), "device_mismatch"),
    ("batch_sizes_differ", lambda: F.cross_entropy(logits(4, 3), torch.zeros(5, dtype=torch.long)), "shape_error"),
    ("linear_in_features", lambda: nn.Linear(5, 2)(rand(3, 4)), "shape_error"),
]


@pytest.mark.parametrize(("call", "code"), [pytest.param(*case[1:], id=case[0]) for case in PYTORCH_ERRORS])
@pytest.mark.parametrize("lang", ["en", "bn"])
def test_explain_error_knows_pytorchs_own_messages(call, code, lang):
    with pytest.raises(Exception) as caught:  # noqa: PT011 - any of RuntimeError, ValueError, IndexError
        call()
    explanation = explain_error(caught.value, lang=lang)
    assert explanation is not None, str(caught.value)
    assert explanation.startswith(MESSAGES["doc.error_intro"][lang])
    assert explanation_text(code, lang) in explanation


@pytest.mark.parametrize("error", [
    ValueError("could not convert string to float: 'abc'"),
    RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"),
    KeyError("model"),
    ZeroDivisionError("division by zero"),
], ids=lambda error: type(error).__name__)
def test_explain_error_has_nothing_to_say_about_unrelated_errors(error):
    assert explain_error(error) is None
    assert explain_error(error, lang="bn") is None


def test_an_unrelated_error_in_the_loop_is_re_raised_unchanged():
    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("my own bug")

    model, loader = Broken(), TensorLoader(TensorDataset(rand(8, 2), classes(8, 2)), batch_size=4)
    with pytest.raises(ValueError) as caught:
        train_one_epoch(model, "cpu", loader, torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1),
                        nn.CrossEntropyLoss(), log=lambda line: None)
    assert str(caught.value) == "my own bug"


# ---------------------------------------------------------------------------------------------------------------
# No false alarms: correct setups produce no finding, whether checked once or watched in a loop.
# ---------------------------------------------------------------------------------------------------------------

class Scores(nn.Module):
    """A 'model' that is just trainable scores of a fixed shape plus a linear map of its input."""

    def __init__(self, *shape: int):
        super().__init__()
        self.scores = nn.Parameter(rand(*shape, seed=3))

    def forward(self, scale: torch.Tensor) -> torch.Tensor:
        return self.scores * scale


def ce(**kwargs):
    return nn.CrossEntropyLoss(**kwargs)


# (id, criterion, outputs -> the criterion's inputs, the rest of its inputs, the shape of the outputs)
N, C = 16, 5
CORRECT_LOSSES = [
    ("ce", ce(), lambda out: (out,), lambda: (classes(N, C),), (N, C)),
    ("ce_label_smoothing", ce(label_smoothing=0.1), lambda out: (out,), lambda: (classes(N, C),), (N, C)),
    ("ce_class_weight", ce(weight=torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0])), lambda out: (out,),
     lambda: (classes(N, C),), (N, C)),
    ("ce_ignore_index", ce(), lambda out: (out,),
     lambda: (torch.where(torch.arange(N) % 4 == 0, -100, classes(N, C)),), (N, C)),
    ("ce_soft_labels", ce(), lambda out: (out,), lambda: (rand(N, C, seed=2).softmax(1),), (N, C)),
    ("ce_soft_labels_smoothed_onehot", ce(), lambda out: (out,),
     lambda: (F.one_hot(classes(N, C), C).float() * 0.9 + 0.1 / C,), (N, C)),
    ("ce_segmentation", ce(), lambda out: (out,), lambda: (torch.randint(0, C, (2, 3, 3)),), (2, C, 3, 3)),
    ("ce_two_classes", ce(), lambda out: (out,), lambda: (classes(N, 2),), (N, 2)),
    ("bce_binary", nn.BCEWithLogitsLoss(), lambda out: (out,), lambda: ((rand(N, seed=1) > 0).float(),), (N,)),
    ("bce_multilabel_pos_weight", nn.BCEWithLogitsLoss(pos_weight=torch.full((4,), 3.0)), lambda out: (out,),
     lambda: ((rand(N, 4, seed=1) > 0).float(),), (N, 4)),
    ("bce_soft_targets", nn.BCEWithLogitsLoss(), lambda out: (out,), lambda: (rand(N, seed=1).sigmoid(),), (N,)),
    ("bce_after_sigmoid", nn.BCELoss(), lambda out: (out.sigmoid(),), lambda: ((rand(N, seed=1) > 0).float(),),
     (N,)),
    ("nll_log_softmax", nn.NLLLoss(), lambda out: (out.log_softmax(1),), lambda: (classes(N, C),), (N, C)),
    ("mse", nn.MSELoss(), lambda out: (out,), lambda: (rand(N, 1, seed=1),), (N, 1)),
    ("l1", nn.L1Loss(), lambda out: (out,), lambda: (rand(N, seed=1),), (N,)),
    ("smooth_l1", nn.SmoothL1Loss(), lambda out: (out,), lambda: (rand(N, 3, seed=1),), (N, 3)),
    ("huber", nn.HuberLoss(delta=0.5), lambda out: (out,), lambda: (rand(N, 1, seed=1),), (N, 1)),
    ("ctc", nn.CTCLoss(), lambda out: (out.log_softmax(2),),
     lambda: (torch.randint(1, C, (4, 6)), torch.full((4,), 12), torch.tensor([6, 5, 4, 3])), (12, 4, C)),
    ("triplet_margin", nn.TripletMarginLoss(margin=1.0), lambda out: (out[0], out[1]), lambda: (rand(N, 8, seed=4),),
     (2, N, 8)),
    ("margin_ranking", nn.MarginRankingLoss(margin=0.1), lambda out: (out[0], out[1]),
     lambda: (torch.where(rand(N, seed=1) > 0, 1.0, -1.0),), (2, N)),
    ("cosine_embedding", nn.CosineEmbeddingLoss(), lambda out: (out[0], out[1]),
     lambda: (torch.where(rand(N, seed=1) > 0, 1.0, -1.0),), (2, N, 8)),
    ("kl_div_batchmean", nn.KLDivLoss(reduction="batchmean"), lambda out: (out.log_softmax(-1),),
     lambda: (rand(N, C, seed=1).softmax(-1),), (N, C)),
    ("kl_div_log_target", nn.KLDivLoss(reduction="batchmean", log_target=True), lambda out: (out.log_softmax(-1),),
     lambda: (rand(N, C, seed=1).log_softmax(-1),), (N, C)),
    ("poisson_nll", nn.PoissonNLLLoss(), lambda out: (out,), lambda: (torch.poisson(torch.full((N,), 3.0)),), (N,)),
]


@pytest.mark.parametrize(("criterion", "inputs", "rest", "shape"),
                         [pytest.param(*case[1:], id=case[0]) for case in CORRECT_LOSSES])
def test_every_loss_with_its_right_inputs_gives_no_finding(criterion, inputs, rest, shape):
    torch.manual_seed(0)
    targets = rest()
    model = Scores(*shape)
    # Checked once, the way a learner calls it:
    outputs = inputs(model(torch.ones(())))
    assert check_loss_inputs(criterion, *(outputs + targets)[:2]) == []
    assert diagnose(criterion=criterion, outputs=(outputs + targets)[0], targets=(outputs + targets)[1],
                    model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.01), quiet=True) == []
    # And watched through a short correct loop, every step sampled:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def body():
        for _ in range(6):
            optimizer.zero_grad()
            loss = criterion(*inputs(model(torch.ones(()))), *targets)
            loss.backward()
            optimizer.step()

    findings, said = watched(model, optimizer, criterion, body, warmup=6)
    assert findings == [] and said == []


def test_tensors_on_the_meta_device_alone_are_not_looked_into():
    """'meta' tensors have shapes but no values: nothing to read, and no crash."""
    outputs, targets = torch.empty(4, 10, device="meta"), torch.empty(4, dtype=torch.long, device="meta")
    assert check_loss_inputs(nn.CrossEntropyLoss(), outputs, targets) == []


def adam(params):
    return torch.optim.Adam(params, lr=1e-2)


OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4),
    "adam": adam,
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.01),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2),
    "adadelta": lambda p: torch.optim.Adadelta(p),
    "adamax": lambda p: torch.optim.Adamax(p, lr=2e-3),
    "radam": lambda p: torch.optim.RAdam(p, lr=1e-3),
    "nadam": lambda p: torch.optim.NAdam(p, lr=2e-3),
    "rprop": lambda p: torch.optim.Rprop(p, lr=1e-3),
    "asgd": lambda p: torch.optim.ASGD(p, lr=1e-2),
    "param_groups": lambda p: torch.optim.SGD([{"params": list(p)[:2], "lr": 0.05}, {"params": []}], lr=0.01),
}


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_every_optimizer_in_a_correct_loop_gives_no_finding(make):
    model = mlp()
    if make is OPTIMIZERS["param_groups"]:
        model = nn.Sequential(nn.Linear(8, 3))
    optimizer = make(model.parameters())
    criterion = nn.CrossEntropyLoss()
    findings, said = watched(model, optimizer, criterion, lambda: train_loop(
        model, optimizer, criterion, classification_batches(), val_batches=classification_batches(seed=5)))
    assert findings == [] and said == []


def test_lbfgs_with_a_closure_gives_no_finding():
    """LBFGS calls the closure several times per step; each call zeroes the gradients itself.

    LBFGS is a full-batch method: every step sees the whole (small) data set.
    """
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=5, line_search_fn="strong_wolfe")
    criterion = nn.MSELoss()
    x, y = (torch.cat(parts) for parts in zip(*regression_batches()))

    def closure():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        return loss

    def body():
        for _ in range(4):
            optimizer.step(closure)

    findings, said = watched(model, optimizer, criterion, body)
    assert findings == [] and said == []


def epoch_scheduler(make):
    return lambda optimizer, steps: (make(optimizer), "epoch")


SCHEDULERS = {
    "step_lr": epoch_scheduler(lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5)),
    "multi_step_lr": epoch_scheduler(lambda o: lr_scheduler.MultiStepLR(o, milestones=[1, 3], gamma=0.1)),
    "exponential_lr": epoch_scheduler(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9)),
    "cosine_annealing_lr": epoch_scheduler(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4)),
    "one_cycle_lr_per_batch": lambda o, steps: (lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=steps), "batch"),
    "reduce_on_plateau": lambda o, steps: (lr_scheduler.ReduceLROnPlateau(o, patience=0), "metric"),
    "linear_warmup_then_cosine": epoch_scheduler(lambda o: lr_scheduler.SequentialLR(o, [
        lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=2), lr_scheduler.CosineAnnealingLR(o, T_max=2)],
        milestones=[2])),
}


@pytest.mark.parametrize("make", SCHEDULERS.values(), ids=SCHEDULERS.keys())
def test_every_scheduler_stepped_correctly_gives_no_finding(make):
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    batches, val = classification_batches(), classification_batches(seed=5)
    epochs = 4
    scheduler, interval = make(optimizer, epochs * len(batches))
    criterion = nn.CrossEntropyLoss()

    def body():
        for _ in range(epochs):
            model.train()
            for x, y in batches:
                optimizer.zero_grad()
                criterion(model(x), y).backward()
                optimizer.step()
                if interval == "batch":
                    scheduler.step()
            model.eval()
            with torch.no_grad():
                val_loss = sum(float(criterion(model(x), y)) for x, y in val) / len(val)
            if interval == "epoch":
                scheduler.step()
            elif interval == "metric":
                scheduler.step(val_loss)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch's own order check must stay quiet too
        findings, said = watched(model, optimizer, criterion, body, scheduler=scheduler)
    assert findings == [] and said == []


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_log_softmax"])
def test_bfloat16_autocast_on_the_cpu_gives_no_finding(loss):
    model = mlp(num_classes=50)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss() if loss == "cross_entropy" else nn.NLLLoss()
    to_loss_input = (lambda out: out) if loss == "cross_entropy" else (lambda out: out.log_softmax(1))
    # 50 classes and large inputs: bfloat16's rounding moves a row's logsumexp by more than 1e-3
    batches = [(3 * x, y) for x, y in classification_batches(num_classes=50)]

    def body():
        for _ in range(3):
            model.train()
            for x, y in batches:
                optimizer.zero_grad()
                with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
                    batch_loss = criterion(to_loss_input(model(x)), y)
                batch_loss.backward()
                optimizer.step()

    findings, said = watched(model, optimizer, criterion, body, warmup=100)
    assert findings == [] and said == []


ZEROING = {
    "optimizer_zero_grad": lambda model, optimizer: optimizer.zero_grad(),
    "optimizer_zero_grad_keep_tensors": lambda model, optimizer: optimizer.zero_grad(set_to_none=False),
    "model_zero_grad": lambda model, optimizer: model.zero_grad(),
    "param_grad_none": lambda model, optimizer: [setattr(p, "grad", None) for p in model.parameters()],
}


@pytest.mark.parametrize("zero", ZEROING.values(), ids=ZEROING.keys())
@pytest.mark.parametrize("accumulation", [1, 4])
def test_gradient_accumulation_and_every_way_of_zeroing_give_no_finding(zero, accumulation):
    """zero_grad once per k micro-batches is right: between two optimizer steps there is always one."""
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    criterion = nn.CrossEntropyLoss()
    batches = classification_batches(n=128, size=8)

    def body():
        for _ in range(2):
            model.train()
            for i, (x, y) in enumerate(batches):
                (criterion(model(x), y) / accumulation).backward()
                if (i + 1) % accumulation == 0:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                    optimizer.step()
                    zero(model, optimizer)

    findings, said = watched(model, optimizer, criterion, body)
    assert findings == [] and said == []


def test_watch_counts_optimizer_steps_not_micro_batches():
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    criterion = nn.CrossEntropyLoss()
    batches = classification_batches(n=64, size=8)  # 8 micro-batches, 2 steps per epoch with k=4
    with Watch(model, optimizer, criterion, say=lambda line: None) as watch:
        for i, (x, y) in enumerate(batches):
            criterion(model(x), y).backward()
            if (i + 1) % 4 == 0:
                optimizer.step()
                optimizer.zero_grad()
    assert watch.steps == 2 and watch.findings == []


def digit_loaders(small_digits, digits):
    train = TensorLoader(TensorDataset(*small_digits), batch_size=32, shuffle=True)
    val_images, val_labels = digits["val"].tensors
    return train, TensorLoader(TensorDataset(val_images[:64], val_labels[:64]), batch_size=64)


def test_fit_with_the_watch_on_a_correct_setup_reports_nothing(small_digits, digits, capsys):
    torch.manual_seed(0)
    train, val = digit_loaders(small_digits, digits)
    model = DigitClassifier(width=4)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    helpers.fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
                progress=False, log_interval=1000, watch=True,
                scheduler=lr_scheduler.StepLR(optimizer, step_size=1), max_grad_norm=1.0, accumulation_steps=2)
    printed = capsys.readouterr().out
    assert "⚠" not in printed
    assert printed.count("Epoch ") == 2


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_fit_with_the_watch_reports_a_mistake_once_in_the_chosen_language(small_digits, digits, capsys, lang):
    torch.manual_seed(0)
    train, val = digit_loaders(small_digits, digits)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10), nn.Softmax(dim=1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    helpers.fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
                progress=False, log_interval=1000, lang=lang)
    printed = capsys.readouterr().out
    assert printed.count("⚠") == 1
    assert Finding("double_softmax").message(lang) in printed
    helpers.fit(model, train, val, epochs=1, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
                progress=False, log_interval=1000, lang=lang, watch=False)
    assert "⚠" not in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------------------------
# The message tables and the Watch's sampling.
# ---------------------------------------------------------------------------------------------------------------

def test_every_lesson_code_has_its_message_and_fix_and_names_a_lesson():
    for code, lesson in LESSONS.items():
        assert f"doc.{code}" in MESSAGES and f"doc.{code}.fix" in MESSAGES, code
        for lang in ("en", "bn"):  # the lesson it names exists, as a source and as a notebook, in both languages
            assert (ROOT / f"lessons_{lang}" / f"{lesson}.md").exists(), (code, lesson, lang)
            assert course.notebook_path(ROOT, lang, lesson).exists(), (code, lesson, lang)
    codes_with_a_fix = {key.removeprefix("doc.").removesuffix(".fix") for key in MESSAGES
                        if key.endswith(".fix") and key != "doc.fix"}
    assert codes_with_a_fix == set(LESSONS)


def test_doctor_messages_are_reachable_through_t():
    assert helpers.t("doc.none", "bn") == MESSAGES["doc.none"]["bn"]
    expected = "The loss is nan at step 3: training has broken down."
    assert helpers.t("doc.nonfinite_loss", "en", value="nan", step=3) == expected


def sparse_watch():
    """A small classifier and a Watch that samples the first 2 steps, then every 5th."""
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    watch = Watch(model, optimizer, criterion, warmup=2, every=5, say=lambda line: None)
    return model, optimizer, criterion, classification_batches()[0], watch


def test_the_watch_checks_loss_inputs_only_on_sampled_steps(monkeypatch):
    calls: list[int] = []
    real = doctor.check_loss_inputs

    def counting(criterion, outputs, targets):
        calls.append(watch.steps)
        return real(criterion, outputs, targets)

    monkeypatch.setattr(doctor, "check_loss_inputs", counting)
    model, optimizer, criterion, (x, y), watch = sparse_watch()
    with watch:
        for _ in range(20):
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():  # validation: never sampled
            for _ in range(5):
                criterion(model(x), y)
    assert calls == [0, 1, 5, 10, 15]  # the first `warmup` steps, then every `every`-th
    assert watch.steps == 20 and watch.findings == []


def test_a_mistake_that_starts_between_samples_is_found_at_the_next_sampled_step():
    model, optimizer, criterion, (x, y), watch = sparse_watch()
    with watch:
        model.eval()
        with torch.no_grad():
            criterion(model(x), y)  # a validation pass was seen: from now on only sampled steps are looked at
        model.train()
        found_at = None
        for step in range(20):
            if step < 7:  # correct at first, then zero_grad is forgotten (steps 7, 8, ...)
                optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
            if found_at is None and watch.findings:
                found_at = step
    assert [f.code for f in watch.findings] == ["missing_zero_grad"]
    assert found_at == 10  # step 10 is sampled and sees the gradient step 9 left behind; 8 and 9 were not looked at


# ---------------------------------------------------------------------------------------------------------------
# The run's dynamics (lesson 12): issue 21's measured broken runs are found, the healthy ones are not.
# ---------------------------------------------------------------------------------------------------------------

def sigmoid_stack(depth: int = 10) -> nn.Module:
    layers, width = [nn.Flatten()], 28 * 28
    for _ in range(depth):
        layers += [nn.Linear(width, 64), nn.Sigmoid()]
        width = 64
    return nn.Sequential(*layers, nn.Linear(width, 10))


def watched_steps(model, optimizer, digits, *, steps: int = 12, lang: str = "en"):
    """Lesson 02's step on the digits' first batches of 64, watched; returns the findings and what was said."""
    images, labels = digits["train"].tensors
    criterion, said = nn.CrossEntropyLoss(), []
    with Watch(model, optimizer, criterion, say=said.append, lang=lang) as watch:
        for i in range(steps):
            x, y = images[64 * i:64 * (i + 1)], labels[64 * i:64 * (i + 1)]
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
    return watch.findings, said


DYNAMICS_BROKEN = {  # issue 21's measured cases: what each must produce
    "sgd_1e-6": (lambda: DigitClassifier(), lambda p: torch.optim.SGD(p, lr=1e-6), ["dynamics.updates_too_small"]),
    "adam_0.1": (lambda: DigitClassifier(), lambda p: torch.optim.Adam(p, lr=0.1),
                 ["dynamics.updates_too_large", "dynamics.dead_units"]),
    "sigmoid_x10": (sigmoid_stack, lambda p: torch.optim.SGD(p, lr=0.1), ["dynamics.vanishing_gradients"]),
}


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("name", DYNAMICS_BROKEN)
def test_each_broken_run_is_diagnosed_naming_the_layer_and_the_number(digits, name, lang):
    make_model, make_optimizer, expected = DYNAMICS_BROKEN[name]
    torch.manual_seed(0)
    model = make_model()
    findings, said = watched_steps(model, make_optimizer(model.parameters()), digits, lang=lang)
    assert [f.code for f in findings] == expected
    layers = dict(model.named_modules())
    for finding, line in zip(findings, said):
        assert finding.values["layer"] in layers  # a real module's name
        assert f" {finding.values['layer']}" in line and "12_reading_a_run" in line
        assert line == finding.message(lang)
    values = findings[0].values
    if name == "sgd_1e-6":
        assert values["ratio"] < 1e-5 and values["steps"] == 10
    elif name == "adam_0.1":
        assert values["ratio"] > 1.5 and values["step"] == 0 and findings[1].values["share"] >= 0.95
    else:
        first_layers = {"1", "3", "5"}  # the gradient fades on its way back to the first layers
        assert values["ratio"] < 1e-4 and values["layer"] in first_layers and values["largest"] == "21"


DYNAMICS_HEALTHY = {  # the lessons' and the playground's settings, on DigitClassifier and lesson 09's MLP
    "adam_1e-3": (lambda: DigitClassifier(), lambda p: torch.optim.Adam(p, lr=1e-3)),
    "adam_1e-2_no_dropout": (lambda: DigitClassifier(dropout=0.0), lambda p: torch.optim.Adam(p, lr=1e-2)),
    "sgd_1e-3": (lambda: DigitClassifier(), lambda p: torch.optim.SGD(p, lr=1e-3)),
    "sgd_momentum_0.05_mlp": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)),
                              lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "tanh_mlp_sgd_0.1": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.Tanh(), nn.Linear(64, 64),
                                               nn.Tanh(), nn.Linear(64, 10)), lambda p: torch.optim.SGD(p, lr=0.1)),
}


@pytest.mark.parametrize("name", DYNAMICS_HEALTHY)
def test_healthy_runs_give_no_dynamics_finding(digits, name):
    make_model, make_optimizer = DYNAMICS_HEALTHY[name]
    torch.manual_seed(0)
    model = make_model()
    findings, said = watched_steps(model, make_optimizer(model.parameters()), digits, steps=19)
    assert findings == [] and said == []


def test_dynamics_can_be_left_out_and_then_hook_nothing(digits):
    torch.manual_seed(0)
    model = DigitClassifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    with Watch(model, optimizer, nn.CrossEntropyLoss(), dynamics=False, say=lambda line: None) as watch:
        assert not optimizer._optimizer_step_pre_hooks
        assert not any(m._forward_hooks for m in model.modules())
    assert watch.findings == []


def test_dynamics_thresholds_are_the_ones_the_benchmark_prints():
    """bench/health_thresholds.py reads the same table, so the numbers a reader sees there are the doctor's."""
    from helpers import dynamics

    source = (ROOT / "bench" / "health_thresholds.py").read_text()
    assert "dynamics.THRESHOLDS" in source and "dynamics.SAMPLED" in source
    assert set(dynamics.THRESHOLDS) == {"too_large", "too_small", "dead", "vanishing"}


def test_every_dynamics_code_has_its_message_and_fix_in_both_languages_and_names_lesson_12():
    from helpers import dynamics

    for code in dynamics.CODES:
        for key in (code, f"{code}.fix"):
            texts = dynamics.MESSAGES[key]
            assert set(texts) == {"en", "bn"} and BENGALI.search(texts["bn"]), key
            assert set(re.findall(r"{(\w+)", texts["en"])) == set(re.findall(r"{(\w+)", texts["bn"])), key
        for lang in ("en", "bn"):
            assert (ROOT / f"lessons_{lang}" / f"{dynamics.LESSON}.md").exists()
        assert Finding(code, {}).code == code and doctor._lesson(code) == dynamics.LESSON


def test_an_optimizer_of_another_model_gets_one_finding_not_a_dynamics_one_too(digits):
    """Lesson 09's stale optimizer: the model's weights never move, and the doctor names the cause, not the symptom."""
    torch.manual_seed(0)
    model, other = DigitClassifier(), DigitClassifier()
    findings, _ = watched_steps(model, torch.optim.Adam(other.parameters(), lr=1e-3), digits)
    assert [f.code for f in findings] == ["optimizer_other_params"]
