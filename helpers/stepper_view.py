"""The stepper's widget and picture (lesson 02): a thin view over `helpers.stepper.Stepper`, which has no widgets.

Its labels live in helpers.stepper_messages, with every other "step." message.

The widget is driven by its buttons only, with no background thread: a click runs one line (or a
batch, or the rest) in the click's own handler and redraws. So it behaves the same in JupyterLab and
in Colab, with ipywidgets 7.7.1 and 8. Code is shown at 16 px, so it stays legible when projected.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .i18n import t
from .stepper import Stepper, StepRecord, per_layer

CODE_STYLE = "font-family:monospace;font-size:16px;line-height:1.45;margin:0;padding:6px;background:#fafafa"
PANEL_STYLE = "font-size:15px;line-height:1.4;padding:0 8px"
# Buttons and skip boxes at 15 px instead of ipywidgets' 13 px, for a projector; scoped to the stepper.
WIDGET_CSS = (".step-stepper .widget-button, .step-stepper .jupyter-button, .step-stepper .widget-checkbox "
              "{font-size:15px}")


def _inline(text: str) -> str:
    """The lessons' Markdown in a note (`code`, *italic*, **bold**) as HTML."""
    text = html.escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", text)


def code_html(stepper: Stepper) -> str:
    """The loop's source, the line that just ran in yellow, the next one marked with an arrow, skipped lines struck."""
    source, last = stepper.source, stepper.last
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


def _bars(values: dict[str, float | None], title: str, color: str) -> str:
    """One horizontal bar per layer, as long as its value relative to the largest."""
    largest = max([v for v in values.values() if v] or [1.0])
    rows = []
    for name, value in values.items():
        width = 0 if not value else max(1, round(240 * value / largest))
        shown = "None" if value is None else f"{value:.3g}"
        rows.append(f'<tr><td style="padding-right:8px"><code>{html.escape(name)}</code></td>'
                    f'<td><div style="background:{color};width:{width}px;height:14px"></div></td>'
                    f'<td style="padding-left:8px">{shown}</td></tr>')
    return f"<div><b>{html.escape(title)}</b><table>{''.join(rows)}</table></div>"


def panel_html(stepper: Stepper, message: str = "") -> str:
    """What the last line changed: note, summary, and the views the line calls for."""
    lang, record = stepper.lang, stepper.last
    parts = [f"<div>{html.escape(message)}</div>"] if message else []
    if record is None:
        parts.append(html.escape(t("step.ui.ready", lang, line=stepper.next_line)))
        return f'<div style="{PANEL_STYLE}">{"".join(parts)}</div>'
    heading = t("step.ui.ran", lang, line=record.line)
    if record.batch is not None:
        heading += " · " + t("step.ui.batch", lang, batch=record.batch)
    parts.append(f"<div><b>{html.escape(heading)}:</b> <code>{html.escape(record.source)}</code></div>")
    note = stepper.note(record.line)
    if note:
        parts.append(f'<div style="color:#444;margin:4px 0">{_inline(note)}</div>')
    parts.append(f"<div>&rarr; {html.escape(record.summary(lang))}</div>")
    parts += _details(record, lang)
    return f'<div style="{PANEL_STYLE}">{"".join(parts)}</div>'


def _details(record: StepRecord, lang: str) -> list[str]:
    parts = []
    tensors = [name for name in record.changed if name in record.tensors]
    if tensors:
        rows = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{html.escape(str(record.tensors[n]))}</td></tr>"
                       for n in tensors)
        parts.append(f"<div><b>{html.escape(t('step.ui.tensors', lang))}</b><table>{rows}</table></div>")
    if ".grad" in record.changed:
        parts.append(_bars(per_layer(record.grads), t("step.ui.grads", lang), "#4a90d9"))
    if "weights" in record.changed:
        parts.append(_bars(per_layer(record.weight_change), t("step.ui.moved", lang), "#e07b39"))
    counters = " · ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in record.counters.items())
    if counters:
        parts.append(f"<div><b>{html.escape(t('step.ui.counters', lang))}:</b> {html.escape(counters)}</div>")
    if record.printed:
        parts.append(f"<div><b>{html.escape(t('step.ui.printed', lang))}:</b><pre>{html.escape(record.printed)}</pre></div>")
    return parts


class StepperView:
    """Buttons and skip boxes over a Stepper; every click runs in the click's handler (lesson 02)."""

    def __init__(self, stepper: Stepper):
        import ipywidgets as w  # only what ipywidgets 7.7.1 (Colab) and 8 share

        self.stepper, lang = stepper, stepper.lang
        stepper.echo = False  # printed lines go to the panel: a click's prints would land in the log console
        self.message = ""
        self.buttons = {
            "next_line": w.Button(description=t("step.ui.next_line", lang), button_style="primary"),
            "next_batch": w.Button(description=t("step.ui.next_batch", lang)),
            "run_to_end": w.Button(description=t("step.ui.run_to_end", lang)),
            "restart": w.Button(description=t("step.ui.restart", lang), button_style="warning"),
        }
        for name, button in self.buttons.items():
            button.layout = w.Layout(width="150px")
            button.on_click(self._handler(name))
        self.skips = {label: w.Checkbox(value=label in stepper.skip, description=str(label), indent=False,
                                        layout=w.Layout(width="50px")) for label in stepper.source.skippable()}
        for box in self.skips.values():
            box.observe(lambda change: self._safely(self.apply_skips), names="value")
        self.code = w.HTML(layout=w.Layout(flex="0 0 auto", margin="0 12px 8px 0"))
        # Beside the code where there is room (a projector, 1920 px); under it on a laptop, never cut off.
        self.panel = w.HTML(layout=w.Layout(flex="1 1 400px", min_width="360px", max_width="640px"))
        skip_row = w.HBox([w.HTML(f"<b>{html.escape(t('step.ui.skip', lang))}</b>&nbsp;"), *self.skips.values()],
                          layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([
            w.HTML(f"<style>{WIDGET_CSS}</style><b style='font-size:18px'>{html.escape(t('step.ui.title', lang))}</b>"),
            w.HBox(list(self.buttons.values()), layout=w.Layout(flex_flow="row wrap")),
            skip_row,
            w.HBox([self.code, self.panel], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
        ])
        self.widget.add_class("step-stepper")
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _handler(self, name: str):
        return lambda _button: self._safely(getattr(self, name))

    def _safely(self, action) -> None:
        """Run a button's action; a mistake in the loop becomes a message in the panel, not a traceback."""
        self.message = ""
        try:
            action()
        except Exception as error:  # the learner's loop may raise anything: show it, keep the widget alive
            self.message = t("step.ui.error", self.stepper.lang, error=f"{type(error).__name__}: {error}")
        self.refresh()

    def next_line(self) -> None:
        self.stepper.step()

    def next_batch(self) -> None:
        self.stepper.next_batch()

    def run_to_end(self) -> None:
        loss, acc = self.stepper.finish()
        self.message = t("step.ui.done", self.stepper.lang, loss=loss, acc=acc)

    def restart(self) -> None:
        self.stepper.restart()
        self._say_restarted()

    def apply_skips(self) -> None:
        """Start again from the same weights without the ticked lines."""
        self.stepper.restart(skip=[label for label, box in self.skips.items() if box.value])
        self._say_restarted()

    def _say_restarted(self) -> None:
        skip, lang = self.stepper.skip, self.stepper.lang
        self.message = (t("step.ui.restarted", lang, lines=", ".join(map(str, skip))) if skip
                        else t("step.ui.restarted_all", lang))

    def refresh(self) -> None:
        """Redraw the code and the panel from the stepper's state."""
        running = not self.stepper.done
        for name in ("next_line", "next_batch", "run_to_end"):
            self.buttons[name].disabled = not running
        self.code.value = code_html(self.stepper)
        self.panel.value = panel_html(self.stepper, self.message)


def draw_state(stepper: Stepper, *, lang: str) -> Any:
    """A matplotlib picture of the stepper's state, for notebooks read on GitHub (lesson 02)."""
    import matplotlib.pyplot as plt

    from .plots import plot_language

    lang = plot_language(lang)
    record, source = stepper.last, stepper.source
    fig = plt.figure(figsize=(13, 0.3 * len(source.lines) + 1.2))
    grid = fig.add_gridspec(2, 2, width_ratios=[1.5, 1])
    _draw_code(fig.add_subplot(grid[:, 0]), stepper)
    moved = next((r for r in reversed(stepper.records) if "weights" in r.changed), None)
    _draw_bars(fig.add_subplot(grid[0, 1]), per_layer(record.grads) if record else {}, t("step.axis_grad", lang), "#4a90d9")
    _draw_bars(fig.add_subplot(grid[1, 1]), per_layer(moved.weight_change) if moved else {}, t("step.axis_moved", lang),
               "#e07b39")
    if record is None:
        title = t("step.picture_start", lang)
    else:
        title = t("step.picture_title", lang, line=record.line, batch=record.batch, code=record.source)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def _draw_code(ax, stepper: Stepper) -> None:
    source, last = stepper.source, stepper.last
    ran = source.line_of(last.line) if last is not None else None
    upcoming = source.line_of(stepper.next_line) if stepper.next_line is not None else None
    n = len(source.lines)
    for offset, text in enumerate(source.lines):
        number, y = source.first + offset, n - offset
        label = source.labels.get(number)
        if number == ran:
            ax.axhspan(y - 0.5, y + 0.5, color="#fff3a0")
        skipped = label is not None and label in stepper.skip
        ax.text(0.0, y, ">" if number == upcoming else "", family="monospace", fontsize=9.5, va="center")
        ax.text(0.02, y, text + ("   -> pass" if skipped else ""), family="monospace", fontsize=9.5, va="center",
                color="#999" if skipped else "black")
    ax.set_ylim(0.5, n + 0.5)
    ax.set_xlim(0, 1)
    ax.axis("off")


def _draw_bars(ax, values: dict[str, float | None], title: str, color: str) -> None:
    ax.set_title(title, fontsize=10)
    if not values:  # nothing to show yet (no step has moved the weights)
        ax.text(0.5, 0.5, "-", ha="center", va="center", fontsize=14, transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    names = list(values)[::-1]
    ax.barh(names, [values[k] or 0.0 for k in names], color=color)
    for i, k in enumerate(names):
        ax.text(values[k] or 0.0, i, " None" if values[k] is None else f" {values[k]:.3g}", va="center", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.margins(x=0.25)
