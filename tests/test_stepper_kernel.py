"""helpers.stepper_view (lesson 02) in a real kernel, driven by the widget protocol as a browser speaks it.

The kernel is this environment's own: ipywidgets 8 in .venv, ipywidgets 7.7.1 and ipykernel 6.17.1 in the
Colab-pinned environment (.ci/colab-constraints.txt). The test sends the messages a browser sends (a click,
a ticked checkbox) and reads back the state updates the kernel sends to the browser: what a learner sees.
The driver is tests/kernel_driver.py's, as in tests/test_playground.py; here every message is awaited until the
kernel is idle again.
"""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("jupyter_client")

from helpers.i18n import t  # noqa: E402
from tests.kernel_driver import Kernel  # noqa: E402

SETUP = """
import torch
from torch import nn, optim
from IPython.display import display
import helpers
from helpers.data import load_dataset
from helpers.stepper import Stepper
from helpers.stepper.widget import StepperView
from helpers.syllabus import train_one_epoch
torch.set_num_threads(1)
_images, _labels = load_dataset("digits", seed=0)["train"].tensors
data = torch.utils.data.TensorDataset(_images[:100].clone(), _labels[:100].clone())  # 4 batches, the last of 4

def setup():
    helpers.seed_everything(0)
    model = helpers.DigitClassifier(width=4, dropout=0.25)
    return model, optim.Adam(model.parameters(), lr=1e-2), helpers.TensorLoader(data, batch_size=32, shuffle=True, seed=0)
"""

SHOW = """
model, optimizer, loader = setup()
start = {{k: v.clone() for k, v in model.state_dict().items()}}
stepper = Stepper(model, "cpu", loader, optimizer, nn.CrossEntropyLoss(), log_interval=2, lang={lang!r})
view = StepperView(stepper)
display(view.widget)
ids = {{name: b.model_id for name, b in view.buttons.items()}}
ids.update(code=view.code.model_id, panel=view.panel.model_id, skip6=view.skips[6].model_id)
"""

PLAIN = """
_m, _o, _l = setup()
plain = train_one_epoch(_m, "cpu", _l, _o, nn.CrossEntropyLoss(), log_interval=1000)
facts = dict(result=stepper.result == plain, plain=plain,
             same=all(torch.equal(a, b) for a, b in zip(_m.state_dict().values(), stepper.model.state_dict().values())))
"""


@pytest.fixture(scope="module")
def kernel():
    from importlib.metadata import version

    kernel = Kernel(settle=True)
    kernel.run(SETUP)
    found = kernel.run("import ipykernel, ipywidgets", v="(ipywidgets.__version__, ipykernel.__version__)")["v"]
    assert found == (version("ipywidgets"), version("ipykernel"))  # the kernel runs this environment's packages
    yield kernel
    kernel.close()


def highlighted(code_html: str) -> list[str]:
    """The code rows the view paints yellow (the line that just ran), as plain text."""
    rows = re.findall(r'<div style="background:#fff3a0;[^"]*">(.*?)</div>', code_html)
    return [html.unescape(row).replace("\xa0", " ").strip() for row in rows]


def bars(panel_html: str, title: str) -> dict[str, int]:
    """The bars under `title` in the panel: layer -> width in px."""
    section = panel_html.split(f"<b>{html.escape(title)}</b>", 1)[1].split("</table>", 1)[0]
    return {name: int(width) for name, width in re.findall(r"<code>([^<]+)</code></td><td><div[^>]*width:(\d+)px", section)}


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_kernel_next_line_skip_restart_and_run_to_end(kernel, lang):
    ids = kernel.run(SHOW.format(lang=lang), ids="ids")["ids"]
    assert t("step.ui.ready", lang, line=1) in html.unescape(kernel.value(ids["panel"]))
    assert not highlighted(kernel.value(ids["code"]))

    for _ in range(9):  # Next line, nine times: lines 1 to 9 of batch 0
        kernel.click(ids["next_line"])
    code, panel = kernel.value(ids["code"]), kernel.value(ids["panel"])
    assert highlighted(code) == ["loss.backward()                              # 9"]
    assert "&#9654;" in code.split("# 9", 1)[1].split("# 10", 1)[0]  # the arrow: line 10 runs next
    assert t("step.ui.ran", lang, line=9) in html.unescape(panel)
    grads = bars(panel, t("step.ui.grads", lang))
    facts = kernel.run("", facts="dict(line=stepper.last.line, batch=stepper.last.batch, "
                                 "layers=sorted(helpers.stepper.per_layer(stepper.last.grads)))")["facts"]
    assert facts["line"] == 9 and facts["batch"] == 0
    assert sorted(grads) == facts["layers"] and len(grads) >= 3
    assert all(width >= 1 for width in grads.values()) and max(grads.values()) == 240  # every layer has a gradient

    kernel.update(ids["skip6"], True)  # the learner ticks "6": the loop starts again without zero_grad
    code = kernel.value(ids["code"])
    assert "line-through" in code.split("# 5", 1)[1].split("# 7", 1)[0]
    assert t("step.ui.restarted", lang, lines="6") in html.unescape(kernel.value(ids["panel"]))
    facts = kernel.run("", facts="dict(skip=stepper.skip, records=len(stepper.records), "
                                 "same=all(torch.equal(start[k], v) for k, v in stepper.model.state_dict().items()))")
    assert facts["facts"] == {"skip": (6,), "records": 0, "same": True}
    for _ in range(6):
        kernel.click(ids["next_line"])
    assert highlighted(kernel.value(ids["code"]))[0].startswith("optimizer.zero_grad()")
    assert t("step.skipped", lang) in html.unescape(kernel.value(ids["panel"]))
    kernel.update(ids["skip6"], False)  # cleared again: the whole loop
    assert "line-through" not in kernel.value(ids["code"])

    for _ in range(10):  # through line 10: the weights have moved
        kernel.click(ids["next_line"])
    assert kernel.run("", moved="any(not torch.equal(start[k], v) for k, v in stepper.model.state_dict().items())")["moved"]
    kernel.click(ids["restart"])
    assert t("step.ui.restarted_all", lang) in html.unescape(kernel.value(ids["panel"]))
    assert not highlighted(kernel.value(ids["code"]))
    facts = kernel.run("", facts="dict(records=len(stepper.records), skip=stepper.skip, "
                                 "same=all(torch.equal(start[k], v) for k, v in stepper.model.state_dict().items()))")
    assert facts["facts"] == {"records": 0, "skip": (), "same": True}

    for _ in range(3):  # a few lines by hand, then the rest at once
        kernel.click(ids["next_line"])
    kernel.click(ids["run_to_end"])
    facts = kernel.run(PLAIN, facts="facts")["facts"]
    assert facts["result"] and facts["same"], facts  # bitwise the plain loop: weights, loss and accuracy
    loss, acc = facts["plain"]
    assert t("step.ui.done", lang, loss=loss, acc=acc) in html.unescape(kernel.value(ids["panel"]))
    for name in ("next_line", "next_batch", "run_to_end"):
        assert kernel.state[ids[name]]["disabled"] is True, name  # the epoch is over
    assert kernel.state[ids["restart"]].get("disabled") is False


def arrow_row(code_html: str) -> str:
    """The code row the arrow marks (the line the next click runs), as plain text."""
    rows = re.findall(r'<div style="[^"]*white-space:pre">(.*?)</div>', code_html)
    marked = [html.unescape(row).replace("\xa0", " ") for row in rows if row.startswith("&#9654;")]
    assert len(marked) == 1, marked
    return marked[0][1:].strip()


def test_kernel_steps_from_later_cells_redraw_the_widget_and_the_end_says_what_to_press(kernel):
    """After Run All, lesson 02's later cells have stepped the stepper from code: the widget must show it."""
    ids = kernel.run(SHOW.format(lang="bn"), ids="ids")["ids"]
    kernel.run("records = stepper.next_batch()")  # the lesson's next cells, with no view.refresh()
    kernel.run("after_6 = stepper.step_to(6)\nafter_10 = stepper.step_to(10)")
    assert highlighted(kernel.value(ids["code"])) == ["optimizer.step()                             # 10"]
    assert arrow_row(kernel.value(ids["code"])) == "running_loss += loss.item()                  # 11"
    assert t("step.ui.ran", "bn", line=10) in html.unescape(kernel.value(ids["panel"]))
    kernel.click(ids["next_line"])  # the first click runs the line the arrow showed
    assert highlighted(kernel.value(ids["code"])) == ["running_loss += loss.item()                  # 11"]
    facts = kernel.run("", facts="dict(line=stepper.last.line, batch=stepper.last.batch)")["facts"]
    assert facts == {"line": 11, "batch": 1}

    kernel.update(ids["skip6"], True)
    kernel.click(ids["run_to_end"])
    panel = html.unescape(kernel.value(ids["panel"]))
    facts = kernel.run("", facts="dict(result=stepper.result, first=stepper.batches[0].grad_norm, "
                                 "last=stepper.batches[-1].grad_norm)")["facts"]
    loss, acc = facts["result"]
    assert t("step.ui.done", "bn", loss=loss, acc=acc) in panel and "None" not in panel
    assert t("step.find.piling", "bn", first=facts["first"], last=facts["last"], batches=4) in panel  # what broke
    assert not highlighted(kernel.value(ids["code"]))
    assert kernel.state[ids["next_line"]]["disabled"] is True and kernel.state[ids["restart"]].get("disabled") is False
