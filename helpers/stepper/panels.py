"""The stepper's widget as HTML (lesson 02): the code with the line that ran, and the panel that explains it.

Pure functions of the controller's state, so the widget (helpers.stepper.widget) always shows what
the stepper really is at, and the tests read them without ipywidgets. Code is shown at 16 px, so it
stays legible when projected.
"""

from __future__ import annotations

import html
import math
import re
from numbers import Real

from ..i18n import t
from .batches import BatchStats, findings
from .controller import Controller
from .record import StepRecord, per_layer

CODE_STYLE = "font-family:monospace;font-size:16px;line-height:1.45;margin:0;padding:6px;background:#fafafa"
PANEL_STYLE = "font-size:15px;line-height:1.4;padding:0 8px"
GRAD_COLOR, MOVED_COLOR, LOSS_COLOR = "#4a90d9", "#e07b39", "#7a7a7a"
MAX_COLUMNS = 150  # a long epoch's batches are averaged in groups, so the chart keeps its width


def code_html(stepper: Controller) -> str:
    """The loop's source, the line that just ran in yellow, the next one marked with an arrow, skipped lines struck."""
    source, last = stepper.source, stepper.just_ran
    ran = source.line_of(last.line) if last is not None else None
    upcoming = source.line_of(stepper.next_line) if stepper.next_line is not None else None
    rows = []
    for offset, text in enumerate(source.lines):
        number = source.first + offset
        label = source.labels.get(number)
        style = "background:#fff3a0;" if number == ran else ""
        if label is not None and label in stepper.skip:
            style += "text-decoration:line-through;color:#999;"
        marker = "&#9654;" if number == upcoming else "&nbsp;"
        rows.append(f'<div style="{style}white-space:pre">{marker} {html.escape(text)}</div>')
    return f'<div style="{CODE_STYLE}">{"".join(rows)}</div>'


def panel_html(stepper: Controller, message: str = "") -> str:
    """What the stepper is at: what to press first, what the last line changed, or how the epoch ended."""
    lang, record = stepper.lang, stepper.last
    parts = [f"<div>{html.escape(message)}</div>"] if message else []
    if stepper.done:
        parts += _epoch_over(stepper)
    elif record is None:
        parts.append(f"<div>{html.escape(t('step.ui.ready', lang, line=stepper.next_line))}</div>")
    else:
        parts += _line_ran(stepper, record)
    return f'<div style="{PANEL_STYLE}">{"".join(parts)}</div>'


def _line_ran(stepper: Controller, record: StepRecord) -> list[str]:
    """The heading, the lesson's note and what the line changed."""
    lang = stepper.lang
    heading = t("step.ui.ran", lang, line=record.line)
    if record.batch is not None:
        heading += " · " + t("step.ui.batch", lang, batch=record.batch)
    parts = [f"<div><b>{html.escape(heading)}:</b> <code>{html.escape(record.source)}</code></div>"]
    note = stepper.note(record.line)
    if note:
        parts.append(f'<div style="color:#444;margin:4px 0">{inline_markdown(note)}</div>')
    parts.append(f"<div>&rarr; {html.escape(record.summary(lang))}</div>")
    return parts + _details(record, lang)


def _epoch_over(stepper: Controller) -> list[str]:
    """How the epoch ended and what to press; with skipped lines, what broke, batch by batch."""
    lang = stepper.lang
    if stepper.error is not None:
        error = f"{type(stepper.error).__name__}: {stepper.error}"
        return [f"<div>{html.escape(t('step.ui.error', lang, error=error))}</div>",
                f"<div><b>{html.escape(t('step.ui.stopped', lang))}</b></div>"]
    parts = [f"<div><b>{html.escape(result_words(stepper.result, lang))}</b></div>"]
    batches = stepper.batches
    if stepper.skip:
        found = findings(batches) or [("step.find.nothing", {})]
        sentences = " ".join(t(key, lang, **values) for key, values in found)
        lines = ", ".join(map(str, stepper.skip))
        parts.append(f"<div style='margin:6px 0'><b>{html.escape(t('step.ui.without', lang, lines=lines))}</b> "
                     f"{html.escape(sentences)}</div>")
        whole = stepper.runs.get(())
        compare = (result_words(whole[0], lang, key="step.ui.compare") if whole else t("step.ui.compare_hint", lang))
        parts.append(f"<div style='color:#444'>{html.escape(compare)}</div>")
    if batches:
        parts.append(batches_html(batches, lang))
    return parts


def result_words(result: object, lang: str, *, key: str = "step.ui.done") -> str:
    """(average loss, accuracy) in words, as lesson 02's loop returns them; any other result as it is."""
    if isinstance(result, tuple) and len(result) == 2 and all(isinstance(v, Real) for v in result):
        return t(key, lang, loss=result[0], acc=result[1])
    return t("step.ui.over", lang, result=repr(result))


def batches_html(batches: list[BatchStats], lang: str) -> str:
    """One small column chart per number (gradient norm, weight change, loss), a column per batch."""
    rows = []
    for key, values, color in (("step.ui.series_grad", [b.grad_norm for b in batches], GRAD_COLOR),
                               ("step.ui.series_moved", [b.moved for b in batches], MOVED_COLOR),
                               ("step.ui.series_loss", [b.loss for b in batches], LOSS_COLOR)):
        ends = f"{_short(values[0])} &rarr; {_short(values[-1])}"
        rows.append(f'<tr><td style="padding-right:8px">{html.escape(t(key, lang))}</td>'
                    f'<td>{_columns(values, color)}</td><td style="padding-left:8px">{ends}</td></tr>')
    title = t("step.ui.per_batch", lang, batches=len(batches))
    return f"<div class='step-batches'><b>{html.escape(title)}</b><table>{''.join(rows)}</table></div>"


def _columns(values: list[float | None], color: str, *, width: int = 240, height: int = 44) -> str:
    """Columns as high as each value relative to the largest; an infinite or nan value is a full red column."""
    groups = max(1, math.ceil(len(values) / MAX_COLUMNS))
    shown = [_mean(values[i:i + groups]) for i in range(0, len(values), groups)]
    finite = [abs(v) for v in shown if v is not None and math.isfinite(v)]
    largest = max(finite) if finite and max(finite) > 0 else 1.0
    size = max(1, min(12, width // len(shown)) - 1)
    columns = []
    for value in shown:
        bad = value is not None and not math.isfinite(value)
        tall = height if bad else max(1, round(height * abs(value) / largest)) if value else 0  # None or 0: none
        columns.append(f'<div class="step-column" style="width:{size}px;height:{tall}px;margin-right:1px;'
                       f'background:{"#d0021b" if bad else color}"></div>')
    return (f'<div style="display:flex;align-items:flex-end;height:{height}px;border-bottom:1px solid #999">'
            f'{"".join(columns)}</div>')


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _short(value: float | None) -> str:
    return "None" if value is None else f"{value:.3g}"


def _bars(values: dict[str, float | None], title: str, color: str) -> str:
    """One horizontal bar per layer, as long as its value relative to the largest."""
    largest = max([v for v in values.values() if v] or [1.0])
    rows = []
    for name, value in values.items():
        width = 0 if not value else max(1, round(240 * value / largest))
        rows.append(f'<tr><td style="padding-right:8px"><code>{html.escape(name)}</code></td>'
                    f'<td><div style="background:{color};width:{width}px;height:14px"></div></td>'
                    f'<td style="padding-left:8px">{_short(value)}</td></tr>')
    return f"<div><b>{html.escape(title)}</b><table>{''.join(rows)}</table></div>"


def _details(record: StepRecord, lang: str) -> list[str]:
    """Shapes of the tensors the line made, gradient and weight-change bars, counters, what it printed."""
    parts = []
    tensors = [name for name in record.changed if name in record.tensors]
    if tensors:
        rows = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{html.escape(str(record.tensors[n]))}</td></tr>"
                       for n in tensors)
        parts.append(f"<div><b>{html.escape(t('step.ui.tensors', lang))}</b><table>{rows}</table></div>")
    if ".grad" in record.changed:
        parts.append(_bars(per_layer(record.grads), t("step.ui.grads", lang), GRAD_COLOR))
    if "weights" in record.changed:
        parts.append(_bars(per_layer(record.weight_change), t("step.ui.moved", lang), MOVED_COLOR))
    counters = " · ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in record.counters.items())
    if counters:
        parts.append(f"<div><b>{html.escape(t('step.ui.counters', lang))}:</b> {html.escape(counters)}</div>")
    if record.printed:
        parts.append(f"<div><b>{html.escape(t('step.ui.printed', lang))}:</b><pre>{html.escape(record.printed)}</pre></div>")
    return parts


def inline_markdown(text: str) -> str:
    """The lessons' Markdown in a note (`code`, *italic*, **bold**) as HTML."""
    text = html.escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", text)
