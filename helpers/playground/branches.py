"""Fork and compare (lesson 10): the branches of a playground's run, each a full copy of the run at its fork.

A Branch remembers where it came from (its parent and the step of the fork), the settings at the fork, and, while
it is not the one training, everything that decides its next steps (`Saved`). Its label says what changed since the
fork, formatted as the controls show it: "lr 1.0e-2 → 1.0e-1".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..i18n import t
from .controls import CONTROLS, shown
from .history import PlaygroundHistory
from .snapshot import RandomState, Weights, copy_random, load_random

if TYPE_CHECKING:
    from .controller import Controller

MAX_BRANCHES = 4  # each stored branch holds a copy of the weights and the optimizer's state: memory stays bounded
NAMES = "ABCDEFGH"


@dataclass
class Saved:
    """A branch that is not training now: its weights, random state, settings, history and run counters."""

    weights: Weights
    random: RandomState
    settings: dict[str, Any]
    history: PlaygroundHistory
    counters: dict[str, Any] = field(default_factory=dict)  # runs, run_epochs, epoch_in_run, last_used


@dataclass
class Branch:
    """One branch of a forked run (lesson 10): A is the original, B, C, ... were forked from another."""

    index: int
    parent: int | None = None
    fork_step: int = 0
    base: dict[str, Any] | None = None  # the settings at the fork, what "changed" is measured against
    given_label: str | None = None
    history: PlaygroundHistory = field(default_factory=PlaygroundHistory)
    saved: Saved | None = None  # None while it is the branch that trains
    live: Callable[[], dict[str, Any]] | None = None  # the controls' values now, for the branch that trains
    lang: str = "en"

    @property
    def name(self) -> str:
        return NAMES[self.index]

    @property
    def label(self) -> str:
        """What changed since the fork ("lr 1.0e-2 → 1.0e-1"), the given label, or "no change" / "original"."""
        if self.saved is not None:
            return self.describe(self.saved.settings, lang=self.lang)
        return self.describe(self.live() if self.live is not None else self.base or {}, lang=self.lang)

    def describe(self, settings: dict[str, Any], *, lang: str) -> str:
        """The label against these settings."""
        if self.given_label:
            return self.given_label
        base = self.base or settings
        changed = [f"{name} {shown(name, base[name])} → {shown(name, settings[name])}"
                   for name in CONTROLS if settings[name] != base[name]]
        if changed:
            return ", ".join(changed)
        return t("pg.branch.original" if self.parent is None else "pg.branch.no_change", lang)


class Lineage:
    """A controller's branches and which one trains: fork, switch, and what each one changed (lesson 10)."""

    def __init__(self, controller: Controller):
        self.c = controller
        self.branches = [self._new(0, history=controller.history)]
        self.current = 0

    def _new(self, index: int, **fields: Any) -> Branch:
        c = self.c
        return Branch(index, live=lambda: {name: c.current(name) for name in c.settings}, lang=c.lang, **fields)

    def find(self, branch: int | str) -> int | None:
        """The index of a branch given by index or by name ("A", "B", ...), or None."""
        names = [b.name for b in self.branches]
        index = names.index(branch) if branch in names else branch
        return index if isinstance(index, int) and 0 <= index < len(self.branches) else None

    def fork(self, label: str | None) -> tuple[str, dict[str, Any]]:
        """A new branch from the live run, which goes on in it; the message key and values that say so."""
        c = self.c
        parent = self.branches[self.current]
        parent.base = parent.base or dict(c.settings)  # the original is measured from its first fork
        self.store(parent)
        c.history = c.history.copy()  # the new branch goes on from a copy of everything so far
        if c.run is not None:
            c.run.history = c.history.epochs
        branch = self._new(len(self.branches), parent=parent.index, fork_step=c.history.steps, base=dict(c.settings),
                        given_label=label, history=c.history)
        self.branches.append(branch)
        self.current = branch.index
        return "pg.msg.forked", dict(name=branch.name, parent=parent.name, step=c.history.steps)

    def switch(self, index: int) -> tuple[str, dict[str, Any]]:
        """The live run goes into its branch, and branch `index` comes back exactly as it was left."""
        if index != self.current:
            self.store(self.branches[self.current])
            self.restore(self.branches[index])
        branch = self.branches[index]
        return "pg.msg.switched", dict(name=branch.name, step=self.c.history.steps, label=self.describe(branch))

    def store(self, branch: Branch) -> None:
        """Keep the live run in `branch`: weights, optimizer, random state, settings, history, counters."""
        c = self.c
        counters = dict(runs=c.runs, run_epochs=c.run_epochs, epoch_in_run=c.epoch_in_run)
        branch.saved = Saved(c.trainer.save(), copy_random(c.train_loader), dict(c.settings), c.history,
                             {**counters, "last_used": c.trainer.last_used})

    def restore(self, branch: Branch) -> None:
        c = self.c
        saved, branch.saved = branch.saved, None
        c.controls.settings.update(saved.settings)
        c.history = branch.history = saved.history
        c.runs, c.run_epochs, c.epoch_in_run = (saved.counters[k] for k in ("runs", "run_epochs", "epoch_in_run"))
        c.trainer.last_used = saved.counters["last_used"]
        c.trainer.load(saved.weights)
        load_random(saved.random, c.train_loader)
        self.current = branch.index

    def describe(self, branch: Branch) -> str:
        """A branch's label: what changed since its fork (the live branch: with the changes still waiting)."""
        return branch.label

    def split_step(self, a: int, b: int) -> int:
        """The last step two branches share: where their curves part."""
        chain = {}
        index, step = a, None
        while index is not None:  # a's ancestors, each with the step up to which a shares it
            chain[index] = step
            branch = self.branches[index]
            step = branch.fork_step if step is None else min(step, branch.fork_step)
            index = branch.parent
        index, step = b, None
        while index not in chain:
            branch = self.branches[index]
            step = branch.fork_step if step is None else min(step, branch.fork_step)
            index = branch.parent
        shared = [s for s in (chain[index], step) if s is not None]
        return min(shared) if shared else self.branches[a].history.steps
