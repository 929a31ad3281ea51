"""What a playground records and where it is (lesson 10): its State, its Message and its history."""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..engine import History


class State(str, enum.Enum):
    """Where a playground is: exactly one of these at any time (lesson 10)."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    ERROR = "error"


class Message(NamedTuple):
    """The line under the status: a neutral confirmation ('info') or a refusal or warning ('warning')."""

    text: str
    kind: str = "info"


@dataclass
class PlaygroundHistory:
    """Everything a playground recorded since it was made (or Reset): per step, per epoch, every change (lesson 10)."""

    loss: list[float] = field(default_factory=list)  # one entry per step (batch)
    lr: list[float] = field(default_factory=list)  # the learning rate that step used
    batch_size: list[int] = field(default_factory=list)  # the size of that step's batch
    logged: list[int] = field(default_factory=list)  # the steps that wrote a log line
    events: list[dict[str, Any]] = field(default_factory=list)  # {"step", "epoch", "run", "control", "value"}
    epochs: History = field(default_factory=History)  # per-epoch numbers, as `fit` returns them
    epoch_end_steps: list[int] = field(default_factory=list)  # the step count at the end of each epoch
    epoch_runs: list[int] = field(default_factory=list)  # which run (1, 2, ...) each epoch belongs to
    run_starts: list[int] = field(default_factory=list)  # the step at which each run began
    log: list[str] = field(default_factory=list)  # every log line, also the ones a view no longer shows

    @property
    def steps(self) -> int:
        return len(self.loss)

    def changes(self, control: str) -> list[dict[str, Any]]:
        """The change events of one control, in order."""
        return [event for event in self.events if event["control"] == control]

    def copy(self) -> PlaygroundHistory:
        """A copy that later steps of the run cannot change (a fork keeps one, lesson 10)."""
        return copy.deepcopy(self)
