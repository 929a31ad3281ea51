"""Widgets as static HTML: a deck shows the stepper and the playground as the executed notebook left them, offline.

nbconvert would load the widget renderer from unpkg.com for a notebook with widgets; on a projector with no
network that slide is an empty gap, and a notebook saved without its widget state shows `VBox(children=...)`.
Here every widget output becomes a picture of the widget drawn from the state the notebook saved (the same
values, buttons greyed out since nothing runs behind them), or, where no state was saved, one line saying that
the notebook shows an interactive widget there. Lessons 02 (the stepper) and 10 (the playground) have widgets.
"""

from __future__ import annotations

import html

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATIC_WIDGET = '<div class="sw">'  # what starts every widget drawn here (tools/slides.py gives it a slide of its own)
NO_STATE = {
    "en": "Here the notebook shows an interactive widget: run this cell in Jupyter or Colab to use it.",
    "bn": "এখানে নোটবুকে একটা ইন্টারঅ্যাকটিভ উইজেট থাকে: সেটা ব্যবহার করতে Jupyter বা Colab-এ এই সেলটা চালাও।",
}
CSS = """<style>
.sw { font-size: 15px; display: flex; flex-direction: column; gap: 4px; }
.sw-hbox { display: flex; flex-direction: row; flex-wrap: wrap; gap: 6px; align-items: center; }
.sw-vbox { display: flex; flex-direction: column; gap: 4px; }
.sw-button { padding: 3px 12px; border: 1px solid #bbb; border-radius: 2px; background: #eee; font: inherit; }
.sw-success { background: #4caf50; color: white; } .sw-info { background: #00bcd4; color: white; }
.sw-warning { background: #ff9800; color: white; } .sw-danger { background: #f44336; color: white; }
.sw-primary { background: #2196f3; color: white; }
.sw-field { display: inline-flex; gap: 6px; align-items: center; }
.sw-field input[type=text] { width: 7em; font: inherit; }
.sw-note { font-style: italic; color: #555; }
</style>"""
LAYOUT_KEYS = ("width", "height", "max_width", "max_height", "min_width", "flex", "display", "flex_flow",
               "justify_content", "align_items", "margin", "padding", "border", "border_top", "border_right",
               "border_bottom", "border_left", "overflow")


def _layout_css(reference: str | None, state: dict) -> str:
    """The CSS of a widget's LayoutModel ("IPY_MODEL_<id>"): the properties that change how a picture looks."""
    values = state.get(_ref(reference) or "", {}).get("state", {})
    return ";".join(f"{key.replace('_', '-')}:{values[key]}" for key in LAYOUT_KEYS if values.get(key))


def _ref(value) -> str | None:
    """The model id in an "IPY_MODEL_<id>" reference."""
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


def _field(label: str, control: str) -> str:
    return f'<span class="sw-field">{html.escape(label)} {control}</span>' if label else control


def _image(model: dict) -> str:
    """An Image widget's picture: its bytes are one of the model's base64 buffers."""
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
            kind = model["state"].get("format", "png")
            return f'<img src="data:image/{kind};base64,{buffer["data"]}" alt="">'
    return ""


def _output(values: dict) -> str:
    """An Output widget's outputs: text, HTML and pictures."""
    parts = []
    for out in values.get("outputs", []):
        data = out.get("data", {})
        if out.get("output_type") == "stream":
            parts.append(f"<pre>{html.escape(''.join(out.get('text', '')))}</pre>")
        elif "image/png" in data:
            parts.append(f'<img src="data:image/png;base64,{data["image/png"]}" alt="">')
        elif "text/html" in data:
            parts.append("".join(data["text/html"]))
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(''.join(data['text/plain']))}</pre>")
    return "".join(parts)


def _control(name: str, values: dict, label: str) -> str:
    """A form control, disabled: the picture shows its value, nothing runs behind it."""
    value = values.get("value")
    if name == "Checkbox":
        checked = " checked" if value else ""
        return f'<label class="sw-field"><input type="checkbox" disabled{checked}> {html.escape(label)}</label>'
    if name in ("Text", "IntText", "FloatText", "BoundedIntText", "BoundedFloatText", "Textarea"):
        return _field(label, f'<input type="text" disabled value="{html.escape(str(value))}">')
    if name in ("Dropdown", "Select", "RadioButtons", "ToggleButtons"):
        options, index = values.get("_options_labels", []), values.get("index")
        shown = options[index] if isinstance(index, int) and 0 <= index < len(options) else ""
        return _field(label, f"<select disabled><option>{html.escape(str(shown))}</option></select>")
    if name in ("IntSlider", "FloatSlider", "FloatLogSlider"):
        position = values.get("value", 0) if name != "FloatLogSlider" else _log(value, values.get("base", 10))
        readout = format(value, values.get("readout_format", "")) if value is not None else ""
        bounds = f'min="{values.get("min", 0)}" max="{values.get("max", 100)}" step="any"'
        return _field(label, f'<input type="range" disabled {bounds} value="{position}"> {html.escape(readout)}')
    if name in ("IntProgress", "FloatProgress"):
        low, high = values.get("min", 0), values.get("max", 100)
        return _field(label, f'<progress value="{(value or 0) - low}" max="{high - low}"></progress>')
    return ""


def _log(value, base) -> float:
    import math

    return math.log(value, base) if value and value > 0 else 0.0


def render(model_id: str, state: dict) -> str:
    """One widget and its children as static HTML, from the widget state a notebook saved."""
    model = state.get(model_id)
    if model is None:
        return ""
    values = model.get("state", {})
    name = model.get("model_name", "").removesuffix("Model")
    label = str(values.get("description", ""))
    style = _layout_css(values.get("layout"), state)
    if name in ("VBox", "HBox", "Box", "GridBox", "Accordion", "Tab"):
        children = "".join(render(_ref(child) or "", state) for child in values.get("children", []))
        inner = "sw-hbox" if name == "HBox" else "sw-vbox"
        return f'<div class="{inner}" style="{style}">{children}</div>'
    if name in ("HTML", "HTMLMath"):
        return f'<div style="{style}">{_field(label, values.get("value", ""))}</div>'
    if name == "Label":
        return f'<span style="{style}">{html.escape(str(values.get("value", "")))}</span>'
    if name == "Button":
        kind = values.get("button_style") or ""
        return f'<button class="sw-button sw-{kind}" disabled style="{style}">{html.escape(label)}</button>'
    if name == "Image":
        return f'<div style="{style}">{_image(model)}</div>'
    if name == "Output":
        return f'<div style="{style}">{_output(values)}</div>'
    return _control(name, values, label)


def static_outputs(nb, lang: str) -> None:
    """Replace every widget output of `nb` by its static picture (or a note), and drop the saved widget state."""
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            drawn = render(view.get("model_id", ""), state)
            shown = f"{CSS}{STATIC_WIDGET}{drawn}</div>" if drawn else f'<p class="sw-note">{NO_STATE[lang]}</p>'
            output["data"] = {"text/html": shown}
