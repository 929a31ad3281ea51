"""helpers.stepper (lesson 02): the stepper runs the real loop line by line and changes exactly what the plain loop changes."""

from __future__ import annotations

import ast
import copy
import gc
import html
import re
import string
import threading
from pathlib import Path

import pytest
import torch
from torch import nn, optim
from torch.utils.data import TensorDataset

import helpers
from helpers import DigitClassifier
from helpers.stepper import Stepper, per_layer, read_loop
from helpers.stepper.messages import MESSAGES
from helpers.syllabus import train_one_epoch, train_one_epoch_amp

ROOT = Path(__file__).resolve().parents[1]
LESSON_02 = ROOT / "lessons_{lang}" / "02_training_loop.md"
LESSON_07 = ROOT / "lessons_{lang}" / "07_amp_clipping_accumulation.md"


@pytest.fixture
def data(small_digits):
    images, labels = small_digits
    return TensorDataset(images[:100], labels[:100])  # 4 batches of 32, the last one short (4 images)


def setup(data, *, seed=0, optimizer="adam", dropout=0.25):
    """A fresh model, optimizer and shuffled loader, the same for the same seed."""
    helpers.seed_everything(seed)
    model = DigitClassifier(width=4, dropout=dropout)
    opt = (optim.SGD(model.parameters(), lr=0.05, momentum=0.9) if optimizer == "sgd"
           else optim.Adam(model.parameters(), lr=1e-2))
    return model, opt, helpers.TensorLoader(data, batch_size=32, shuffle=True, seed=0)


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


def stepper_for(data, **options):
    model, opt, loader = setup(data, optimizer=options.pop("optimizer", "adam"))
    return Stepper(model, "cpu", loader, opt, nn.CrossEntropyLoss(), log_interval=2, echo=False, **options)


# ---- the code it steps is the code the lessons print ----------------------------------------------


def code_block_after(text: str, heading: str) -> str:
    section = text.split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.parametrize("lang, heading", [("en", "## The whole function"), ("bn", "## পুরো ফাংশন")])
def test_default_loop_is_lesson_02s_code_character_for_character(lang, heading):
    import inspect

    lesson = Path(str(LESSON_02).format(lang=lang)).read_text()
    assert inspect.getsource(train_one_epoch) == code_block_after(lesson, heading)


@pytest.mark.parametrize("lang, heading", [("en", "## 1. The professional template"), ("bn", "## ১. পেশাদার টেমপ্লেট")])
def test_amp_template_is_lesson_07s_code_character_for_character(lang, heading):
    import inspect

    lesson = Path(str(LESSON_07).format(lang=lang)).read_text()
    block = code_block_after(lesson, heading)
    assert inspect.getsource(train_one_epoch_amp) == block[block.index("def train_one_epoch_amp("):]


# ---- against plain PyTorch ---------------------------------------------------------------------------


def test_lines_1_to_10_make_one_hand_written_optimizer_step(data):
    stepper = stepper_for(data)
    stepper.step_to(10)
    model, opt, loader = setup(data)
    images, labels = next(iter(loader))
    model.train()
    opt.zero_grad()
    nn.CrossEntropyLoss()(model(images), labels).backward()
    opt.step()
    assert same_weights(stepper.model, model)


@pytest.mark.parametrize("how", ["finish", "every line"])
def test_the_whole_epoch_equals_the_plain_loop_bitwise(data, how):
    stepper = stepper_for(data)
    if how == "every line":
        while not stepper.done:
            stepper.step()
        result = stepper.result
    else:
        stepper.step_to(9)  # part stepped, the rest at full speed
        result = stepper.finish()
    model, opt, loader = setup(data)
    expected = train_one_epoch(model, "cpu", loader, opt, nn.CrossEntropyLoss(), log_interval=1000)
    assert result == expected
    assert same_weights(stepper.model, model)


def loop_without(model, device, loader, optimizer, criterion, *, without: int):
    """Lesson 02's loop written out by hand, with the numbered line `without` left out (1, 6, 9 or 10)."""
    if without != 1:
        model.train()
    running, total, correct = 0.0, 0, 0
    for data, targets in loader:
        if without != 6:
            optimizer.zero_grad()
        outputs = model(data)
        loss = criterion(outputs, targets)
        if without != 9:
            loss.backward()
        if without != 10:
            optimizer.step()
        running += loss.item()
        correct += (outputs.argmax(dim=1) == targets).sum().item()
        total += targets.size(0)
    return running / len(loader), correct / total


@pytest.mark.parametrize("line", [1, 6, 9, 10])
def test_a_skipped_line_equals_the_hand_written_broken_loop(data, line):
    stepper = stepper_for(data, skip=(line,), optimizer="sgd")
    stepper.model.eval()  # as after validate(): only line 1 switches training mode back on
    result = stepper.finish()
    model, opt, loader = setup(data, optimizer="sgd")  # after the stepper's run: dropout draws the same numbers
    model.eval()
    expected = loop_without(model, "cpu", loader, opt, nn.CrossEntropyLoss(), without=line)
    assert result == pytest.approx(expected, abs=0, rel=1e-12)
    assert same_weights(stepper.model, model)
    assert stepper.model.training == (line != 1)


def test_the_skips_break_what_the_lesson_says(data):
    runs = {}
    for skip in ((), (6,), (9,), (10,)):
        stepper = stepper_for(data, skip=skip, optimizer="sgd")
        start = copy.deepcopy(stepper.model.state_dict())
        stepper.next_batch()
        records = stepper.next_batch()  # the second batch
        runs[skip] = {r.line: r for r in records}, start
    right, _ = runs[()]
    piled, _ = runs[(6,)]
    assert piled[9].grad_norm > right[9].grad_norm  # without zero_grad the new gradient adds to the old one
    assert all(v is None for v in runs[(9,)][0][9].grads.values())  # no backward: no gradient at all
    assert runs[(9,)][0][10].moved == 0 and runs[(10,)][0][10].moved == 0  # no step, or nothing to step with
    assert right[10].moved > 0 and runs[(10,)][0][10].skipped


# ---- records ----------------------------------------------------------------------------------------


def test_every_numbered_line_is_recorded_in_order_every_batch(data):
    stepper = stepper_for(data)
    while not stepper.done:
        stepper.step()
    lines = [r.line for r in stepper.records]
    batches = len(stepper.train_loader)
    assert lines == [1, 2, 3] + list(range(4, 16)) * batches + [4, 16, 17, 18]
    assert [r.batch for r in stepper.records if r.line == 7] == list(range(batches))
    assert stepper.records[-1].result == stepper.result
    assert stepper.records[-4].loop_ended and not stepper.records[3].loop_ended
    assert stepper.records[-1].counters["total"] == len(data)


def test_gradients_are_gone_after_line_6_and_equal_autograd_after_line_9(data):
    stepper = stepper_for(data)
    stepper.next_batch()  # batch 0 leaves gradients behind
    before_6 = stepper.step_to(5)
    assert all(v is not None for v in before_6.grads.values())
    after_6 = stepper.step()
    assert after_6.line == 6 and all(v is None for v in after_6.grads.values()) and ".grad" in after_6.changed
    stepper.step_to(8)
    params = list(stepper.model.parameters())
    expected = torch.autograd.grad(stepper.variables["loss"], params, retain_graph=True)
    after_9 = stepper.step()
    assert after_9.line == 9
    assert all(torch.equal(p.grad, g) for p, g in zip(params, expected))
    norms = [torch.linalg.vector_norm(g).item() for g in expected]
    assert list(after_9.grads.values()) == pytest.approx(norms, rel=1e-6)
    after_10 = stepper.step()
    assert after_10.moved > 0 and all(v == 0 for v in after_9.weight_change.values())
    assert per_layer(after_9.grads).keys() == {"features.0", "features.3", "classifier.1", "classifier.4"}


def test_records_name_the_tensors_and_counters(data):
    stepper = stepper_for(data)
    record = {r.line: r for r in stepper.next_batch()}
    assert record[5].tensors["data"].shape == (32, 1, 28, 28) and record[5].tensors["targets"].dtype == "int64"
    assert record[7].tensors["outputs"].shape == (32, 10) and "outputs" in record[7].changed
    assert record[8].loss == pytest.approx(record[11].counters["running_loss"])
    assert record[14].counters["total"] == 32 and record[1].training
    assert record[15].printed.startswith("Batch     0/    4")


# ---- your own loop, the AMP template --------------------------------------------------------------


def my_loop(model, device, train_loader, optimizer, criterion, log_interval=100):
    model.train()
    seen = 0                                                   # 1
    for data, targets in train_loader:                         # 2
        optimizer.zero_grad()                                  # 3
        loss = criterion(model(data), targets) * 2             # 4: a learner's change
        loss.backward()                                        # 5
        optimizer.step()                                       # 6
        seen += len(targets)                                   # 7
    return seen


def test_a_learners_own_loop_is_stepped_line_by_line(data):
    stepper = stepper_for(data, loop=my_loop)
    lines = [r.line for r in stepper.next_batch()]
    assert lines == [1, 2, 3, 4, 5, 6, 7] and stepper.next_line == 2
    assert stepper.finish() == len(data)
    assert stepper.note(4) == ""  # the lesson's notes only for the lesson's own lines
    skipped = stepper_for(data, loop=my_loop, skip=(6,))
    skipped.finish()
    assert same_weights(skipped.model, setup(data)[0])  # without optimizer.step() nothing moved


def test_the_amp_template_shows_the_scale_and_the_true_gradient_norm(data):
    stepper = stepper_for(data, loop=train_one_epoch_amp,
                          loop_args={"scaler": torch.amp.GradScaler("cpu"), "max_grad_norm": 0.5})
    record = {r.line: r for r in stepper.next_batch()}
    assert list(record) == list("ABCDEFGHI")
    assert record["C"].tensors["outputs"].dtype == "bfloat16" and record["C"].tensors["loss"].dtype == "float32"
    assert record["D"].scale == 65536.0 and record["D"].grads_scaled
    assert record["D"].true_grad_norm == pytest.approx(record["F"].grad_norm, rel=1e-4)
    assert not record["F"].grads_scaled and record["G"].grad_norm <= 0.5 + 1e-5
    assert record["H"].moved > 0 and record["I"].scale == 65536.0
    assert "65536" in record["D"].summary("en")
    result = stepper.finish()
    model, opt, loader = setup(data)  # after the stepper's run, so dropout draws the same numbers
    expected = train_one_epoch_amp(model, "cpu", loader, opt, nn.CrossEntropyLoss(), torch.amp.GradScaler("cpu"),
                                   log_interval=2, max_grad_norm=0.5)
    assert result == expected and same_weights(stepper.model, model)


def test_forgetting_scaler_update_raises_at_the_next_batch(data):
    stepper = stepper_for(data, loop=train_one_epoch_amp, skip=("I",),
                          loop_args={"scaler": torch.amp.GradScaler("cpu"), "max_grad_norm": 0.5})
    stepper.next_batch()
    with pytest.raises(RuntimeError, match=r"unscale_\(\) is being called after step\(\)"):
        stepper.step_to("F")
    assert stepper.last.line == "F" and stepper.last.batch == 1
    with pytest.raises(RuntimeError, match="restart"):
        stepper.step()


# ---- restart, threads, errors -----------------------------------------------------------------------


def test_restart_starts_again_from_the_same_place(data):
    stepper = stepper_for(data)
    start = copy.deepcopy(stepper.model.state_dict())
    first = stepper.finish()
    after = copy.deepcopy(stepper.model.state_dict())
    stepper.restart()
    assert all(torch.equal(a, b) for a, b in zip(start.values(), stepper.model.state_dict().values()))
    assert stepper.finish() == first
    assert all(torch.equal(a, b) for a, b in zip(after.values(), stepper.model.state_dict().values()))


def stepper_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "helpers-stepper"]


def test_no_thread_outlives_its_stepper(data):
    stepper = stepper_for(data)
    stepper.step_to(7)
    first = stepper._worker.thread
    assert first.is_alive() and first in stepper_threads()
    stepper.restart()
    assert not first.is_alive()
    stepper.step_to(9)
    second = stepper._worker.thread
    del stepper
    gc.collect()  # a forgotten stepper ends its thread
    second.join(timeout=5)
    assert not second.is_alive()


def broken_loop(model, device, train_loader, optimizer, criterion, log_interval=100):
    for data, targets in train_loader:          # 1
        outputs = model(data)                   # 2
        loss = criterion(outputs, targets[:3])  # 3: wrong number of targets
    return loss


def test_an_error_in_the_loop_is_raised_at_its_line(data):
    stepper = stepper_for(data, loop=broken_loop)
    stepper.step_to(2)
    with pytest.raises(ValueError, match="batch_size"):
        stepper.step()
    assert stepper.last.line == 3 and stepper.done
    with pytest.raises(RuntimeError, match="restart"):
        stepper.step()
    stepper._worker.thread.join(timeout=5)
    assert not stepper._worker.thread.is_alive()


# ---- bad arguments, both languages ---------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("en", "not a numbered line"), ("bn", "নম্বর দেওয়া কোনো লাইন নয়")])
def test_bad_lines_are_refused_with_a_message_in_the_learners_language(data, lang, words):
    stepper = stepper_for(data, lang=lang)
    for line in (0, 19, "6", True):
        with pytest.raises(ValueError, match=words) as error:
            stepper.step_to(line)
        assert "1-18" in str(error.value)
    for skip in ((19,), (0,)):
        with pytest.raises(ValueError, match=words):
            stepper_for(data, lang=lang, skip=skip)
    with pytest.raises(ValueError, match="for") as error:
        stepper_for(data, lang=lang, skip=(4,))
    assert ("opens a block" if lang == "en" else "ব্লক খোলে") in str(error.value)
    with pytest.raises(ValueError, match="log_interval"):
        Stepper(stepper.model, "cpu", stepper.train_loader, stepper.optimizer, nn.CrossEntropyLoss(), 0, lang=lang)
    assert stepper.records == []  # nothing ran


def test_a_loop_without_numbered_lines_or_source_is_refused(data):
    with pytest.raises(ValueError, match="no numbered lines"):
        read_loop(lambda model: model)
    with pytest.raises(ValueError, match="source code"):
        read_loop(print)


def test_every_message_has_both_languages_with_the_same_placeholders():
    fields = lambda text: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)  # noqa: E731
    for key, texts in MESSAGES.items():
        assert key.startswith("step.") and set(texts) == {"en", "bn"}, key
        assert fields(texts["en"]) == fields(texts["bn"]), key


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_every_note_is_word_for_word_the_lessons_prose(lang):
    text = {"02": Path(str(LESSON_02).format(lang=lang)).read_text(), "07": Path(str(LESSON_07).format(lang=lang)).read_text()}
    for key, texts in MESSAGES.items():
        if key.startswith("step.note."):
            lesson = key.split(".")[2]
            for sentence in re.split(r"(?<=[.।])\s+", texts[lang]):
                assert sentence in text[lesson], (key, sentence)
    stepper_notes = [key for key in MESSAGES if key.startswith("step.note.02.")]
    assert len(stepper_notes) == 18


# ---- the table, the picture, the widget -------------------------------------------------------------


def test_table_and_picture(data):
    stepper = stepper_for(data, lang="bn")
    records = stepper.next_batch()
    table = stepper.table(records).splitlines()
    assert len(table) == 1 + len(records) and "কী বদলাল" in table[0] and "loss.backward()" in table[9]
    import matplotlib

    matplotlib.use("Agg")
    fig = stepper.plot(lang="en")
    assert len(fig.axes) == 3 and "After line 15" in fig._suptitle.get_text()
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_widget_driven_by_its_buttons(data, lang):
    pytest.importorskip("ipywidgets")
    from helpers.stepper.widget import StepperView

    stepper = stepper_for(data, lang=lang)
    start = copy.deepcopy(stepper.model.state_dict())
    view = StepperView(stepper)
    assert view.buttons["next_line"].description == helpers.t("step.ui.next_line", lang)
    assert "font-size:16px" in view.code.value
    view.buttons["next_line"].click()
    assert stepper.last.line == 1 and helpers.t("step.ui.ran", lang, line=1) in view.panel.value
    view.buttons["next_batch"].click()
    assert stepper.last.line == 15 and "background:#fff3a0" in view.code.value
    view.buttons["next_line"].click()
    view.buttons["next_line"].click()
    view.buttons["next_line"].click()
    view.buttons["next_line"].click()
    view.buttons["next_line"].click()
    view.buttons["next_line"].click()  # line 9 of batch 1
    assert stepper.last.line == 9 and helpers.t("step.ui.grads", lang) in view.panel.value
    from helpers.stepper.panels import inline_markdown as _inline

    assert _inline(stepper.note(9, lang)) in view.panel.value
    view.buttons["run_to_end"].click()
    assert stepper.done and view.buttons["next_line"].disabled
    assert html.escape(helpers.t("step.ui.done", lang, loss=stepper.result[0], acc=stepper.result[1])) in view.panel.value
    view.skips[6].value = True  # ticking a box starts again without that line
    assert stepper.skip == (6,) and stepper.records == [] and not view.buttons["next_line"].disabled
    assert "line-through" in view.code.value
    assert all(torch.equal(a, b) for a, b in zip(start.values(), stepper.model.state_dict().values()))
    view.buttons["restart"].click()
    assert stepper.skip == (6,) and helpers.t("step.ui.restarted", lang, lines="6") in view.panel.value


# ---- the package's shape (issue 20) -------------------------------------------------------------------

PACKAGE = ROOT / "helpers" / "stepper"
VIEWS = {"panels", "widget", "picture"}


def stepper_imports() -> dict[str, set[str]]:
    """Module -> the modules of helpers/stepper it imports, lazy imports inside functions included."""
    graph = {}
    for path in PACKAGE.glob("*.py"):
        name = "__init__" if path.stem == "__init__" else path.stem
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers.stepper"):
                found.add(node.module.split(".")[2] if node.module.count(".") >= 2 else "__init__")
        graph[name] = found
    return graph


def test_the_views_import_the_controller_never_the_reverse_and_nothing_imports_in_a_circle():
    graph = stepper_imports()
    assert {"controller", "widget", "panels", "picture", "messages", "tracer", "record"} <= set(graph)
    for module, imported in graph.items():
        if module not in VIEWS | {"__init__"}:
            assert not imported & (VIEWS | {"__init__"}), (module, imported)  # the model never reaches a view
    assert "controller" in graph["widget"] and "controller" in graph["panels"] and "controller" in graph["picture"]

    def visit(module: str, path: tuple[str, ...]) -> None:
        for other in graph.get(module, ()):
            assert other not in path, f"import cycle: {' -> '.join(path + (other,))}"
            visit(other, path + (other,))

    for module in graph:
        visit(module, (module,))


def test_no_class_of_the_stepper_is_over_250_lines():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                assert node.end_lineno - node.lineno + 1 <= 250, (path.name, node.name)


def test_helpers_stepper_is_the_package_face_with_show_and_plot():
    from helpers.stepper.controller import Controller

    assert helpers.Stepper is Stepper and issubclass(Stepper, Controller)
    assert callable(Stepper.show) and callable(Stepper.plot)
    assert not hasattr(Controller, "show") and not hasattr(Controller, "plot")


# ---- issue 24: what the widget says, and when ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "bn"])
@pytest.mark.parametrize("how", ["run to end", "every line"])
def test_after_the_epoch_the_panel_says_it_is_over_and_to_restart(data, lang, how):
    from helpers.stepper.panels import panel_html

    stepper = stepper_for(data, lang=lang)
    if how == "run to end":
        stepper.finish()
    else:
        while not stepper.done:
            stepper.step()
    panel = html.unescape(panel_html(stepper))
    loss, acc = stepper.result
    assert helpers.t("step.ui.done", lang, loss=loss, acc=acc) in panel
    assert "None" not in panel.split(helpers.t("step.ui.per_batch", lang, batches=4))[0]  # no "Line None runs next"
    assert helpers.t("step.ui.ready", lang, line=1).split("1")[0] not in panel
    assert helpers.t("step.ui.restart", lang) in panel  # the button to press, by its label


def test_a_loop_that_returns_something_else_is_over_too(data):
    from helpers.stepper.panels import panel_html

    stepper = stepper_for(data, loop=my_loop)
    stepper.finish()
    assert html.unescape(panel_html(stepper)).count(helpers.t("step.ui.over", "en", result="100")) == 1


def test_a_view_follows_steps_made_from_code_and_the_arrow_marks_what_runs_next(data):
    pytest.importorskip("ipywidgets")
    from helpers.stepper.widget import StepperView

    stepper = stepper_for(data)
    view = StepperView(stepper)
    view.buttons["next_batch"].click()
    stepper.step_to(6)  # later cells drive the stepper from code, as lesson 02 does after Run All
    stepper.step_to(10)
    rows = [html.unescape(row) for row in re.findall(r"<div style=\"[^\"]*white-space:pre\">(.*?)</div>", view.code.value)]
    assert [row for row in rows if row.startswith("\u25b6")] == [r for r in rows if "# 11" in r]  # the arrow: line 11
    assert "background:#fff3a0" in view.code.value.split("# 10")[0].rsplit("<div", 1)[1]  # line 10 in yellow
    assert helpers.t("step.ui.ran", "en", line=10) in view.panel.value
    view.buttons["next_line"].click()
    assert stepper.last.line == 11 and stepper.last.batch == 1  # the click ran the line the arrow showed
    stepper.restart(skip=(6,))  # from code: the boxes follow, and ticking them does not restart again
    assert view.skips[6].value and stepper.records == [] and "line-through" in view.code.value
    stepper.finish()
    assert view.buttons["next_line"].disabled and not view.buttons["restart"].disabled
    assert "background:#fff3a0" not in view.code.value  # the rest ran at full speed: no line "just ran"


# ---- issue 24: what a skipped line broke, batch by batch ----------------------------------------------


def test_the_numbers_per_batch_equal_the_plain_loops(data):
    stepper = stepper_for(data, skip=(6,), optimizer="sgd")
    stepper.step_to(9)
    stepper.finish()  # part stepped, the rest at full speed: every batch is seen either way
    model, opt, loader = setup(data, optimizer="sgd")
    expected = []
    for images, labels in loader:  # lesson 02's loop without line 6, measuring what BatchLog measures
        before = [p.detach().clone() for p in model.parameters()]
        model.train()
        loss = nn.CrossEntropyLoss()(model(images), labels)
        loss.backward()
        opt.step()
        grads = torch.stack([torch.linalg.vector_norm(p.grad) for p in model.parameters()])
        moved = torch.stack([torch.linalg.vector_norm(p.detach() - b) for p, b in zip(model.parameters(), before)])
        expected.append((loss.item(), torch.linalg.vector_norm(grads).item(), torch.linalg.vector_norm(moved).item()))
    found = [(b.loss, b.grad_norm, b.moved) for b in stepper.batches]
    assert [b.batch for b in stepper.batches] == [0, 1, 2, 3]
    assert found == [pytest.approx(row, rel=1e-6) for row in expected]
    assert same_weights(stepper.model, model)


def test_what_a_skipped_line_broke_is_found_in_the_batches(data):
    from helpers.stepper import findings

    found = {}
    for skip in ((), (6,), (9,), (10,)):
        stepper = stepper_for(data, skip=skip, optimizer="sgd")
        stepper.finish()
        found[skip] = [key for key, _ in findings(stepper.batches)]
    assert found == {(): [], (6,): ["step.find.piling"], (9,): ["step.find.no_grads", "step.find.frozen"],
                     (10,): ["step.find.frozen"]}


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_the_panel_shows_what_broke_and_compares_with_the_whole_loop(data, lang):
    from helpers.stepper.panels import panel_html

    stepper = stepper_for(data, skip=(6,), optimizer="sgd", lang=lang)
    stepper.finish()
    panel = html.unescape(panel_html(stepper))
    norms = [b.grad_norm for b in stepper.batches]
    assert helpers.t("step.find.piling", lang, first=norms[0], last=norms[-1], batches=4) in panel
    assert helpers.t("step.ui.without", lang, lines="6") in panel
    assert helpers.t("step.ui.compare_hint", lang) in panel  # no whole run yet to compare with
    assert panel.count('class="step-column"') == 3 * 4  # three small charts, a column per batch
    stepper.restart(skip=())
    whole = stepper.finish()
    stepper.restart(skip=(6,))
    stepper.finish()
    panel = html.unescape(panel_html(stepper))
    assert helpers.t("step.ui.compare", lang, loss=whole[0], acc=whole[1]) in panel


# ---- issue 24: the picture's text on a slide and in a notebook ----------------------------------------

NOTEBOOK_PX, SLIDE_PX = 900, (1920, 900)  # a notebook's column; a slide's largest image at 1080p (600 x 1.5 high)


@pytest.mark.parametrize("state", ["after line 10", "epoch over"])
def test_the_pictures_text_is_legible_on_a_slide_and_in_a_notebook(data, state):
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stepper = stepper_for(data, lang="bn")
    stepper.next_batch()
    stepper.step_to(10)
    if state == "epoch over":
        stepper.finish()
    fig = stepper.plot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")  # what the inline backend does
    width, height = (int.from_bytes(buffer.getvalue()[at:at + 4], "big") for at in (16, 20))
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    smallest = min(t.get_window_extent(renderer).height for t in texts)  # PNG pixels
    plt.close(fig)
    on_slide = smallest * min(SLIDE_PX[0] / width, SLIDE_PX[1] / height)
    in_notebook = smallest * NOTEBOOK_PX / width
    assert on_slide >= 16 and in_notebook >= 11, (on_slide, in_notebook, width, height)


# ---- Bengali labels (bengali-2.md, section 6) --------------------------------------------------------

BUTTONS = ("step.ui.next_line", "step.ui.next_batch", "step.ui.run_to_end", "step.ui.restart")


def test_bengali_buttons_share_one_form_and_restart_is_not_the_playgrounds_resume():
    labels = [MESSAGES[key]["bn"] for key in BUTTONS]
    assert all(label.endswith("চালাও") for label in labels), labels  # all imperatives, one verb
    assert helpers.t("step.ui.restart", "bn") != helpers.t("pg.resume", "bn")
    assert "আবার শুরু" not in " ".join(texts["bn"] for texts in MESSAGES.values())


def test_bengali_messages_quote_button_names_one_way():
    labels = [MESSAGES[key]["bn"] for key in BUTTONS]
    for key, texts in MESSAGES.items():
        if key in BUTTONS:
            continue
        text = texts["bn"]
        assert "'" not in text.replace("{line!r}", "").replace("{value!r}", ""), key
        for label in labels:
            assert text.count(label) == text.count(f"«{label}»"), (key, label)
