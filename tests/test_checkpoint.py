"""helpers.checkpoint: atomic saves that survive a kill, safe loads, and the random state a resume needs."""

from __future__ import annotations

import os
import pickle
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from helpers.checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state
from helpers.data import TensorLoader
from helpers.engine import fit

REPO = Path(__file__).resolve().parents[1]
BENGALI = re.compile(r"[\u0980-\u09FF]")



def tiny_mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 16), nn.ReLU(), nn.Linear(16, 10))


class Lines:
    """The stdout of a child process, line by line, with a timeout (a reader thread feeds a queue)."""

    def __init__(self, process: subprocess.Popen):
        self.queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.queue.put(line.strip())
        self.queue.put("<eof>")

    def next(self, timeout: float = 60) -> str:
        return self.queue.get(timeout=timeout)


def start_child(script: str, *args: str) -> tuple[subprocess.Popen, Lines]:
    process = subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    return process, Lines(process)


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


# --- round trip ---------------------------------------------------------------------------------


def test_a_checkpoint_round_trips_tensors_and_plain_values(tmp_path):
    state = {"epoch": 3, "model": {"w": torch.arange(6.0).reshape(2, 3)}, "history": {"loss": [1.0, 0.5]},
             "note": "ok", "nothing": None}
    path = save_checkpoint(tmp_path / "ck.pt", state)
    loaded = load_checkpoint(path)
    assert torch.equal(loaded["model"]["w"], state["model"]["w"])
    assert {k: v for k, v in loaded.items() if k != "model"} == {k: v for k, v in state.items() if k != "model"}


def test_saving_creates_the_folder_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "runs" / "a" / "ck.pt"
    save_checkpoint(path, {"x": torch.ones(2)})
    save_checkpoint(path, {"x": torch.zeros(2)})  # overwriting goes through the same temporary file
    assert os.listdir(path.parent) == ["ck.pt"]
    assert torch.equal(load_checkpoint(path)["x"], torch.zeros(2))


def test_a_failed_save_keeps_the_previous_file_and_cleans_up(tmp_path):
    """torch.save raising half-way (a lambda cannot be pickled) must not touch the good checkpoint."""
    path = save_checkpoint(tmp_path / "ck.pt", {"version": 1})
    with pytest.raises((pickle.PicklingError, AttributeError)):
        save_checkpoint(path, {"version": 2, "bad": lambda: None})
    assert load_checkpoint(path) == {"version": 1}
    assert os.listdir(tmp_path) == ["ck.pt"]


# --- atomicity under SIGKILL --------------------------------------------------------------------

SLOW_WRITER = """
import io, sys, time
import torch
from helpers.checkpoint import save_checkpoint

real_save = torch.save

def slow_save(obj, f, *args, **kwargs):
    # Write the first half of the real bytes, flush them to the temporary file, then hang.
    buffer = io.BytesIO()
    real_save(obj, buffer, *args, **kwargs)
    data = buffer.getvalue()
    f.write(data[: len(data) // 2])
    f.flush()
    print("writing", flush=True)
    time.sleep(120)
    f.write(data[len(data) // 2 :])

torch.save = slow_save
print("started", flush=True)
save_checkpoint(sys.argv[1], {"version": 2, "weights": torch.ones(100_000)})
print("finished", flush=True)
"""


def test_a_kill_in_the_middle_of_a_save_keeps_the_previous_checkpoint(tmp_path):
    """SIGKILL after the temporary file is half written, before os.replace: the old file is untouched."""
    path = save_checkpoint(tmp_path / "ck.pt", {"version": 1, "weights": torch.zeros(100_000)})
    process, lines = start_child(SLOW_WRITER, str(path))
    try:
        assert lines.next() == "started"
        assert lines.next() == "writing"
        temporary = [p for p in tmp_path.iterdir() if p.name != "ck.pt"]
        assert len(temporary) == 1 and temporary[0].stat().st_size > 0  # the kill lands mid-write
    finally:
        kill(process)
    assert process.returncode == -signal.SIGKILL

    loaded = load_checkpoint(path)
    assert loaded["version"] == 1 and torch.equal(loaded["weights"], torch.zeros(100_000))
    with pytest.raises(ValueError, match="damaged"):  # the stale half file is refused, not half-read
        load_checkpoint(temporary[0])
    save_checkpoint(path, {"version": 3})  # and it does not get in the way of the next save
    assert load_checkpoint(path) == {"version": 3}


BUSY_WRITER = """
import sys
import torch
from helpers.checkpoint import save_checkpoint

big = torch.ones(8_000_000)  # 32 MB: each save takes a while
print("started", flush=True)
while True:
    save_checkpoint(sys.argv[1], {"version": 2, "weights": big})
"""


def test_killing_a_process_that_saves_in_a_loop_never_leaves_a_broken_checkpoint(tmp_path):
    """No monkeypatching: kill as soon as a temporary file appears; the checkpoint is old or new, never half."""
    path = save_checkpoint(tmp_path / "ck.pt", {"version": 1, "weights": torch.zeros(8_000_000)})
    process, lines = start_child(BUSY_WRITER, str(path))
    try:
        assert lines.next() == "started"
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.001)
    finally:
        kill(process)

    loaded = load_checkpoint(path)
    assert loaded["version"] in (1, 2)
    assert torch.equal(loaded["weights"], torch.full((8_000_000,), float(loaded["version"] - 1)))


# --- safe, clear loading ------------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("en", "damaged"), ("bn", "নষ্ট")])
@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all",
                                     "truncated"])
def test_a_damaged_file_is_refused_with_a_clear_message(tmp_path, content, lang, words):
    path = tmp_path / "ck.pt"
    if content == "truncated":
        save_checkpoint(path, {"weights": torch.ones(10_000)})
        content = path.read_bytes()[:5_000]
    path.write_bytes(content)
    with pytest.raises(ValueError) as raised:
        load_checkpoint(path, lang=lang)
    message = str(raised.value)
    assert words in message and str(path) in message
    assert bool(BENGALI.search(message)) == (lang == "bn")


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_a_missing_checkpoint_raises_file_not_found(tmp_path, lang):
    with pytest.raises(FileNotFoundError) as raised:
        load_checkpoint(tmp_path / "nowhere.pt", lang=lang)
    assert "nowhere.pt" in str(raised.value)
    assert bool(BENGALI.search(str(raised.value))) == (lang == "bn")


RAN = []


def _runs_on_unpickling():
    RAN.append("code from the checkpoint ran")
    return "payload"


class Payload:
    """An object whose unpickling calls a function: what a malicious checkpoint would do."""

    def __reduce__(self):
        return (_runs_on_unpickling, ())


def test_a_checkpoint_holding_arbitrary_objects_is_refused_without_running_them(tmp_path):
    """weights_only=True: only tensors and plain values load; a pickled callable is rejected unrun."""
    path = tmp_path / "evil.pt"
    torch.save({"model": {}, "extra": Payload()}, path)
    with pytest.raises(ValueError, match="weights_only loading refuses"):
        load_checkpoint(path)
    assert RAN == []
    assert torch.load(path, weights_only=False)["extra"] == "payload"  # it would have run: the test is real
    RAN.clear()


# --- random state -------------------------------------------------------------------------------


def draws(loader):
    return (random.random(), torch.rand(3), np.random.rand(3), next(iter(loader))[1])


def test_rng_state_survives_a_weights_only_round_trip_and_restores_every_generator(tmp_path):
    """Python, NumPy, torch and the loader's shuffling generator give the same numbers after set_rng_state."""
    loader = TensorLoader(TensorDataset(torch.arange(100.0), torch.arange(100)), batch_size=10, shuffle=True, seed=3)
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    np.random.randn()  # a cached Gaussian is part of NumPy's state too
    path = save_checkpoint(tmp_path / "rng.pt", {"rng": rng_state(loader)})
    expected = draws(loader)

    random.seed(9), np.random.seed(9), torch.manual_seed(9), loader.generator.manual_seed(9)
    set_rng_state(load_checkpoint(path)["rng"], loader)
    got = draws(loader)
    assert got[0] == expected[0]
    assert torch.equal(got[1], expected[1])
    assert np.array_equal(got[2], expected[2])
    assert torch.equal(got[3], expected[3])


# --- resuming through fit -----------------------------------------------------------------------


def small_run(small_digits):
    torch.manual_seed(0)
    model = tiny_mlp()
    train = TensorLoader(TensorDataset(*small_digits), batch_size=64, shuffle=True)
    val = TensorLoader(TensorDataset(*small_digits), batch_size=256)
    return model, train, val, torch.optim.Adam(model.parameters(), lr=1e-3)


def test_resume_without_a_checkpoint_starts_from_epoch_one(small_digits, tmp_path, capsys):
    model, train, val, optimizer = small_run(small_digits)
    history = fit(model, train, val, epochs=1, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
                  checkpoint=tmp_path / "ck.pt", resume=True, progress=False)
    assert history["epoch"] == [1]
    assert "No checkpoint to resume from yet" in capsys.readouterr().out
    assert load_checkpoint(tmp_path / "ck.pt")["epoch"] == 1


def test_resuming_from_a_checkpoint_of_another_model_changes_nothing(small_digits, tmp_path):
    """A checkpoint that does not fit is refused with a clear message, and the model stays as it was."""
    path = save_checkpoint(tmp_path / "other.pt", {"epoch": 1, "model": nn.Linear(3, 2).state_dict(),
                                                   "optimizer": {}, "history": {}, "rng": rng_state()})
    model, train, val, optimizer = small_run(small_digits)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match="does not fit this model"):
        fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(), device="cpu",
            checkpoint=path, resume=True, progress=False)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert not optimizer.state
