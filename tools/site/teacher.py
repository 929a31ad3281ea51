"""The teacher's edition of one lesson: hand-written goals, plans and misconceptions (teacher/LANG/NAME.md), then
the speaker notes and every exercise's solution and wrong answers, generated from the sources CI checks.

In teacher/LANG/NAME.md, `[[s7]]` stands for a link to section 7 of the lesson (the anchor `#s7`), written out
with that section's title in the page's language: a plan names sections without copying their titles.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .exercises import Exercise
from .render import Fragment, markdown_fragment
from .sources import Note
from .strings import count, ui

PARTS = 4  # the hand-written file's `##` sections: goals, the 45-minute plan, the 90-minute plan, misconceptions
REFERENCE = re.compile(r"\[\[(s\d+)\]\]")


def source_path(root: Path, lang: str, name: str) -> Path:
    """teacher/bn/02_training_loop.md: the hand-written part of a lesson's teacher's edition."""
    return root / "teacher" / lang / f"{name}.md"


def highlight(code: str) -> str:
    """Python code as highlighted HTML (the same Pygments classes as the lesson pages)."""
    from pygments import highlight as pygmentize
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return pygmentize(code, PythonLexer(), HtmlFormatter())


def section_link(lesson: Fragment, anchor: str, lesson_href: str) -> str:
    """A link to a section of the lesson, titled as the lesson titles it; a missing section is an error."""
    heading = next((h for h in lesson.headings if h.anchor == anchor), None)
    if heading is None:
        raise ValueError(f"{lesson_href} has no section {anchor} (it has {len(lesson.headings)})")
    return f'<a href="{lesson_href}#{anchor}">§ {html.escape(heading.text)}</a>'


def _heading(level: int, anchor: str, text: str, twin: str, lang: str) -> str:
    label = ui("site.twin", lang)
    mark = "বাংলা" if lang == "en" else "EN"
    return (f'<h{level} id="{anchor}">{text}<a class="anchor" href="#{anchor}" aria-hidden="true">#</a>'
            f' <a class="twin" href="{twin}#{anchor}" title="{label}" aria-label="{label}">{mark}</a></h{level}>')


def notes_html(notes: list[Note], lesson: Fragment, lesson_href: str, twin: str, lang: str) -> str:
    """The speaker notes, each under a link to the lesson section where the slides show it."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    parts = [_heading(2, "notes", ui("teacher.notes", lang), twin, lang), f"<p>{ui('teacher.notes_intro', lang)}</p>"]
    for note in notes:
        section = lesson.section_at(note.before_cell - 1)
        where = section_link(lesson, section.anchor, lesson_href) if section else ""
        parts.append(f'<p class="where">{where}</p><div class="note">{markdown2html_mistune(note.text)}</div>')
    return "\n".join(parts)


def exercise_html(exercise: Exercise, lesson: Fragment, lesson_href: str, twin: str, lang: str) -> str:
    """One exercise: where the lesson asks it, a solution and why, each common wrong answer with its hint."""
    anchor = "ex-" + exercise.id.replace(".", "-")
    section = lesson.section_at(exercise.cell)
    where = ui("teacher.in_lesson", lang, section=section_link(lesson, section.anchor, lesson_href)) if section else ""
    parts = [_heading(3, anchor, ui("teacher.exercise", lang, id=f"<code>{exercise.id}</code>"), twin, lang),
             f'<p class="where">{where}</p>',
             f'<div class="answer right"><h4>{ui("teacher.solution", lang)}</h4>{highlight(exercise.solution.code)}',
             f'<p><strong>{ui("teacher.why", lang)}:</strong> {html.escape(exercise.why)}</p>',
             f'<p>{ui("teacher.learner_sees", lang)}:</p><p class="verdict">{html.escape(exercise.solution.message)}</p>'
             "</div>",
             f"<h4>{ui('teacher.wrong', lang)}</h4>"]
    for n, wrong in enumerate(exercise.wrong, start=1):
        parts.append(f'<div class="answer wrong" data-hint="{wrong.hint}"><h4>{ui("teacher.wrong_n", lang, n=count(n, lang))}'
                     f' <code class="hint-key">{wrong.hint}</code></h4>{highlight(wrong.code)}'
                     f'<p>{ui("teacher.learner_sees", lang)}:</p><p class="verdict">{html.escape(wrong.message)}</p></div>')
    return "\n".join(parts)


def teacher_page(*, root: Path, lang: str, name: str, title: str, lesson: Fragment, notes: list[Note],
                 exercises: list[Exercise], twin: str) -> Fragment:
    """The whole teacher's page of one lesson (it lives in teacher/, one folder below the lesson)."""
    lesson_href = f"../{name}.html"
    path = source_path(root, lang, name)
    if not path.exists():  # a new lesson: publish what is generated; tests/test_teacher.py fails until it is written
        print(f"{path.relative_to(root)} is missing: the teacher's page has no goals, plans or misconceptions yet")
        written = Fragment(f'<p class="checked">{ui("teacher.not_written", lang)}</p>', [])
    else:
        written = markdown_fragment(path.read_text(encoding="utf-8"), twin=twin, lang=lang)
    if path.exists() and [h.level for h in written.headings] != [2] * PARTS:
        raise ValueError(f"{path.relative_to(root)} must have exactly {PARTS} '## ' sections (goals, 45-minute plan, "
                         f"90-minute plan, misconceptions) and no other headings")
    body = REFERENCE.sub(lambda m: section_link(lesson, m.group(1), lesson_href), written.body)
    exercise_parts = [_heading(2, "exercises", ui("teacher.exercises", lang), twin, lang)]
    if exercises:
        exercise_parts.append(f'<p class="checked">{ui("teacher.checked", lang)}</p>')
        exercise_parts += [exercise_html(e, lesson, lesson_href, twin, lang) for e in exercises]
    else:
        exercise_parts.append(f"<p>{ui('teacher.no_exercises', lang)}</p>")
    top = (f'<h1 id="top">{html.escape(ui("teacher.lesson_title", lang, title=title))}</h1>'
           f'<p><a href="{lesson_href}">{ui("teacher.open_lesson", lang)}</a></p>')
    full = "\n".join([top, body, notes_html(notes, lesson, lesson_href, twin, lang), *exercise_parts])
    return Fragment(full, written.headings)
