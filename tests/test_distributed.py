"""helpers.distributed and fit under torchrun (lesson 11), checked against one plain PyTorch process.

Two gloo processes on the CPU: tests/ddp/check_fit.py runs once under `torchrun --standalone` and once as two
"nodes" on localhost (c10d rendezvous); each rank saves what it saw and these tests compare. Every launch has
a timeout, so a hang fails the test instead of stalling CI.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from helpers import distributed
from helpers.data import TensorLoader
from helpers.doctor import DDP_LESSONS, Finding, Watch, explain_error
from helpers.i18n import t
from helpers.loop import train_one_epoch, validate
from tools import course

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCRIPT = TESTS / "ddp" / "check_fit.py"
sys.path.insert(0, str(SCRIPT.parent))
import check_fit  # noqa: E402  (the script's own data and model: the reference uses exactly the same)

BENGALI = re.compile("[\u0980-\u09ff]")
LAUNCH_TIMEOUT_S = 300  # torchrun starts in about 6 s here; a hang must fail, not stall CI
NOT_SAME_ON_RANKS = {"seconds"}  # each rank times its own epoch


def launch(*commands: list[str], timeout: float = LAUNCH_TIMEOUT_S) -> list[str]:
    """Start every command at once, wait for all, return their stdout; kill them all on a timeout or a failure."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "error::DeprecationWarning:helpers"}
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True) for cmd in commands]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, f"exit {proc.returncode}\n{out[-2000:]}\n{err[-4000:]}"
            outputs.append(out)
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # torchrun and the workers it started
                proc.wait()
    return outputs


def torchrun(*options: str) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", *options]


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    """One launch of 2 processes; (stdout, [rank 0's results, rank 1's], folder)."""
    out = tmp_path_factory.mktemp("ddp")
    (stdout,) = launch(torchrun("--standalone", "--nproc_per_node=2", str(SCRIPT), "--out", str(out)))
    return stdout, [torch.load(out / f"main_rank{r}.pt", weights_only=True) for r in (0, 1)], out


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory):
    """Two "machines" on localhost, one process each, meeting at a c10d rendezvous on 127.0.0.1."""
    out = tmp_path_factory.mktemp("nodes")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    node = torchrun("--nnodes=2", "--nproc_per_node=1", "--rdzv_backend=c10d", f"--rdzv_endpoint=127.0.0.1:{port}",
                    "--rdzv_id=lesson11", str(SCRIPT), "--out", str(out), "--mode", "nodes")
    launch(node, node)
    return [torch.load(out / f"nodes_rank{r}.pt", weights_only=True) for r in (0, 1)]


def reference(epochs: int = check_fit.EPOCHS):
    """One plain PyTorch process: each step trains on rank 0's batch and rank 1's batch together, in order."""
    train, val = check_fit.data()
    model = check_fit.mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=check_fit.LR)
    samplers = [DistributedSampler(train, num_replicas=2, rank=r, shuffle=True, seed=0) for r in (0, 1)]
    history = {key: [] for key in ("train_loss", "train_acc", "val_loss", "val_acc")}
    for epoch in range(epochs):  # PyTorch's numbering: the sampler's first epoch is 0
        for sampler in samplers:
            sampler.set_epoch(epoch)
        shares = [list(sampler) for sampler in samplers]
        model.train()
        losses, correct = [], 0
        for start in range(0, len(shares[0]), check_fit.BATCH):
            index = shares[0][start:start + check_fit.BATCH] + shares[1][start:start + check_fit.BATCH]
            data, targets = train[index]
            optimizer.zero_grad()
            outputs = model(data)
            loss = F.cross_entropy(outputs, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            correct += (outputs.argmax(1) == targets).sum().item()
        model.eval()
        with torch.no_grad():
            outputs = model(val.tensors[0])
        history["train_loss"].append(sum(losses) / len(losses))
        history["train_acc"].append(correct / len(train))
        history["val_loss"].append(F.cross_entropy(outputs, val.tensors[1]).item())
        history["val_acc"].append((outputs.argmax(1) == val.tensors[1]).float().mean().item())
    return model, history


@pytest.fixture(scope="module")
def one_process():
    return reference()


def same_on_ranks(histories: list[dict]) -> dict:
    first, second = ({k: v for k, v in h.items() if k not in NOT_SAME_ON_RANKS} for h in histories)
    assert first == second  # exactly: every rank holds the same all-reduced numbers
    return first


def assert_weights_close(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-4, atol=1e-5, msg=key)


# ---------------------------------------------------------------------------------------------------------------
# fit under torchrun, 2 gloo processes
# ---------------------------------------------------------------------------------------------------------------

def test_both_ranks_end_with_the_weights_of_one_process_on_the_union_of_their_batches(standalone, one_process):
    _, results, _ = standalone
    assert [r["world_size"] for r in results] == [2, 2]
    for key in results[0]["weights"]:
        assert torch.equal(results[0]["weights"][key], results[1]["weights"][key]), key
    model, _ = one_process
    assert_weights_close(results[0]["weights"], model.state_dict())


def test_fit_ends_exactly_where_pytorchs_own_ddp_recipe_written_by_hand_ends(standalone):
    """tests/ddp/plain_ddp.py: DistributedSampler + DDP + set_epoch(epoch) for epoch in range(n), no helpers."""
    _, results, _ = standalone
    for result in results:
        for key, value in result["plain"].items():
            assert torch.equal(result["weights"][key], value), key
        assert result["history"]["val_loss"] == result["plain_history"]["val_loss"]
        assert result["history"]["val_acc"] == result["plain_history"]["val_acc"]


def test_histories_are_identical_on_both_ranks_and_equal_one_process_on_the_whole_data(standalone, one_process):
    _, results, _ = standalone
    history = same_on_ranks([r["history"] for r in results])
    _, expected = one_process
    assert history["epoch"] == [1, 2, 3]
    for key, values in expected.items():
        torch.testing.assert_close(history[key], values, rtol=1e-5, atol=1e-6, msg=key)


def test_validate_by_hand_reports_the_whole_validation_set(standalone):
    _, results, _ = standalone
    model = check_fit.mlp()
    model.load_state_dict(results[0]["weights"])
    _, val = check_fit.data()
    whole = validate(model, DataLoader(val, batch_size=check_fit.VAL_BATCH), nn.CrossEntropyLoss(), "cpu")
    assert results[0]["validate"] == results[1]["validate"]
    torch.testing.assert_close(results[0]["validate"], whole, rtol=1e-5, atol=1e-6)


def test_every_line_is_printed_once_by_rank_0(standalone):
    stdout, _, _ = standalone
    # One process would print 3 + 2 + 1 + 3 + 2 epoch lines (plain, interrupted, resumed, uninterrupted,
    # early-stopped) and none for the run that meets a nan in its first epoch.
    assert len(re.findall(r"^Epoch \d/\d \|", stdout, flags=re.M)) == 11, stdout
    for once in ("Mixed precision is off", "Resumed from", "Early stopping at epoch 2", "Stopped: the loss became nan",
                 "Restored the best weights"):
        assert stdout.count(once) == 1, (once, stdout)
    # Per-batch lines: rank 0's share has 8 batches; one line for each epoch above, and one more for the nan run,
    # whose nan sample comes in batch 7 of rank 0's first epoch (after batch 0 was printed).
    assert stdout.count("Batch     0/    8") == 12


def test_the_checkpoint_is_written_by_rank_0_only_and_loads_with_weights_only(standalone):
    _, results, folder = standalone
    assert [r["saves"] for r in results] == [check_fit.EPOCHS, 0]
    state = torch.load(folder / "a.pt", weights_only=True)
    assert state["epoch"] == check_fit.EPOCHS and "rng_ranks" in state and len(state["rng_ranks"]) == 2
    plain = check_fit.mlp()
    plain.load_state_dict(state["model"])  # no "module." prefix: it loads into the model without DDP
    for key, value in plain.state_dict().items():
        assert torch.equal(value, results[0]["weights"][key]), key


def test_a_resumed_run_equals_an_uninterrupted_one_on_every_rank(standalone):
    _, results, _ = standalone
    for result in results:  # with dropout, whose random numbers differ by rank and are saved per rank
        for key in result["straight"]:
            assert torch.equal(result["resumed"][key], result["straight"][key]), key
    assert same_on_ranks([r["resumed_history"] for r in results]) == same_on_ranks(
        [r["straight_history"] for r in results])


def test_early_stopping_stops_every_rank_at_the_same_epoch(standalone):
    _, results, _ = standalone
    history = same_on_ranks([r["early_history"] for r in results])
    assert history["epoch"] == [1, 2]


def test_a_nan_on_one_rank_stops_both_cleanly(standalone):
    _, results, _ = standalone
    train, _ = check_fit.data()
    samplers = [DistributedSampler(train, num_replicas=2, rank=r, shuffle=True, seed=0) for r in (0, 1)]
    for sampler in samplers:
        sampler.set_epoch(0)  # fit's first epoch, as in PyTorch's recipe
    assert [37 in list(sampler) for sampler in samplers].count(True) == 1  # only one rank meets the nan
    assert list(samplers[0]).index(37) // check_fit.BATCH == 7  # in rank 0's last batch: batch 0 was printed
    assert [r["nan_history"]["epoch"] for r in results] == [[], []]
    for key in results[0]["nan_weights"]:
        assert torch.equal(results[0]["nan_weights"][key], results[1]["nan_weights"][key]), key
        assert torch.isfinite(results[0]["nan_weights"][key]).all(), key


def test_two_nodes_on_localhost_train_to_the_same_result(two_nodes, standalone, one_process):
    _, results, _ = standalone
    assert [r["world_size"] for r in two_nodes] == [2, 2]
    for key in two_nodes[0]["weights"]:
        assert torch.equal(two_nodes[0]["weights"][key], two_nodes[1]["weights"][key]), key
    assert_weights_close(two_nodes[0]["weights"], results[0]["weights"])
    assert_weights_close(two_nodes[0]["weights"], one_process[0].state_dict())
    assert same_on_ranks([r["history"] for r in two_nodes])["epoch"] == [1, 2, 3]


# ---------------------------------------------------------------------------------------------------------------
# The mistake doctor under torchrun, and in one process
# ---------------------------------------------------------------------------------------------------------------

def test_each_ddp_mistake_is_diagnosed_and_the_correct_setup_gives_no_finding(standalone):
    _, results, _ = standalone
    for result in results:
        found = result["doctor"]
        assert found["no_set_epoch"] == ["ddp.sampler_epoch"]
        assert found["unwrapped"] == ["ddp.unwrapped"]
        assert found["set_epoch"] == [] and found["wrapped"] == []
        english, bengali = found["device_ids"]
        assert "no device_ids" in english and "device_ids" in bengali and BENGALI.search(bengali)
        assert "11_beyond_one_machine" in english and "11_beyond_one_machine" in bengali


@pytest.mark.parametrize("calls_set_epoch", [False, True])
def test_a_watch_sees_a_sampler_whose_epoch_never_changes(calls_set_epoch):
    data = TensorDataset(torch.randn(64, 4), torch.randint(0, 3, (64,)))
    loader = DataLoader(data, batch_size=16, sampler=DistributedSampler(data, num_replicas=1, rank=0, shuffle=True))
    model = nn.Linear(4, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    said: list[str] = []
    with Watch(model, optimizer, nn.CrossEntropyLoss(), loaders=(loader,), say=said.append) as watch:
        for epoch in range(3):
            if calls_set_epoch:
                loader.sampler.set_epoch(epoch)
            train_one_epoch(model, "cpu", loader, optimizer, nn.CrossEntropyLoss(), log=None)
    assert [f.code for f in watch.findings] == ([] if calls_set_epoch else ["ddp.sampler_epoch"])
    assert len(said) == len(watch.findings)  # once, though every later epoch repeats the mistake


@pytest.mark.parametrize("code", sorted(DDP_LESSONS))
def test_ddp_findings_speak_both_languages_and_name_lesson_11(code):
    finding = Finding(code, {"epoch": 0, "steps": 5, "world": 2})
    if code == "ddp.device_ids":  # an error PyTorch raises: explained, not found by a check
        error = ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                           "single-device/multiple-device GPU modules or CPU modules, but got device_ids [0]")
        english, bengali = explain_error(error, lang="en"), explain_error(error, lang="bn")
    else:
        english, bengali = finding.message("en"), finding.message("bn")
    assert english != bengali and BENGALI.search(bengali) and not BENGALI.search(english)
    for lang, text in (("en", english), ("bn", bengali)):
        assert DDP_LESSONS[code] in text
        assert (ROOT / f"lessons_{lang}" / f"{DDP_LESSONS[code]}.md").exists()
        assert course.notebook_path(ROOT, lang, DDP_LESSONS[code]).exists()


# ---------------------------------------------------------------------------------------------------------------
# helpers.distributed without a process group: one process, nothing changes
# ---------------------------------------------------------------------------------------------------------------

def test_without_a_process_group_everything_is_one_process():
    assert not distributed.active()
    assert (distributed.rank(), distributed.world_size(), distributed.is_main()) == (0, 1, True)
    assert distributed.sum_over_ranks(1.5, torch.tensor(2), 7, device="cpu") == [1.5, 2.0, 7.0]
    assert distributed.gather({"a": 1}) == [{"a": 1}]
    model = nn.Linear(2, 2)
    assert distributed.wrap(model, torch.device("cpu")) is model and distributed.unwrap(model) is model
    distributed.barrier()
    distributed.cleanup()


def test_cleanup_waits_for_every_process_before_it_leaves_the_group(monkeypatch):
    # Leaving at once, a process can exit while gloo's threads still let go of the last collective's tensors
    # (abort, exit code -6, seen in CI about once in ten runs under load): the barrier comes first.
    calls = []
    monkeypatch.setattr(distributed, "active", lambda: True)
    monkeypatch.setattr(distributed.dist, "barrier", lambda: calls.append("barrier"))
    monkeypatch.setattr(distributed.dist, "destroy_process_group", lambda: calls.append("destroy"))
    distributed.cleanup()
    assert calls == ["barrier", "destroy"]


def test_at_exit_the_wait_for_gloo_threads_ends_when_none_runs(monkeypatch):
    # no gloo thread: returns at once; gloo threads that keep running: waits, but never past its timeout
    monkeypatch.setattr(distributed, "_gloo_thread_states", lambda: [])
    started = distributed.time.monotonic()
    distributed._let_gloo_threads_finish()
    assert distributed.time.monotonic() - started < 0.01
    monkeypatch.setattr(distributed, "_gloo_thread_states", lambda: ["R"])
    started = distributed.time.monotonic()
    distributed._let_gloo_threads_finish(timeout_s=0.05)
    assert 0.05 <= distributed.time.monotonic() - started < 1.0
    looks = iter([["S"], ["R"], ["S"], ["S"], ["S"]])
    monkeypatch.setattr(distributed, "_gloo_thread_states", lambda: next(looks))
    distributed._let_gloo_threads_finish()  # two quiet looks in a row after the one that ran
    assert next(looks) == ["S"]


def test_the_loader_gives_one_process_the_whole_dataset_and_set_epoch_reshuffles():
    data = TensorDataset(torch.arange(20.0), torch.arange(20))
    loader = distributed.loader(data, batch_size=8, shuffle=True)
    assert isinstance(distributed.sampler_of(loader), DistributedSampler)
    first = torch.cat([targets for _, targets in loader])
    assert sorted(first.tolist()) == list(range(20))
    distributed.set_epoch([loader, TensorLoader(data)], 1)  # a TensorLoader has no sampler: left alone
    assert loader.sampler.epoch == 1
    assert not torch.equal(torch.cat([targets for _, targets in loader]), first)


def test_the_single_process_loop_makes_no_collective_call(monkeypatch, small_digits):
    def refuse(*args, **kwargs):
        raise AssertionError("a collective call without a process group")

    monkeypatch.setattr("helpers.loop.sum_over_ranks", refuse)
    monkeypatch.setattr(torch.distributed, "all_reduce", refuse)
    model = check_fit.mlp()
    loader = TensorLoader(TensorDataset(*small_digits), batch_size=64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train_one_epoch(model, "cpu", loader, optimizer, nn.CrossEntropyLoss(), log=None)
    validate(model, loader, nn.CrossEntropyLoss(), "cpu")


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_setup_outside_torchrun_and_a_bad_backend_are_explained(monkeypatch, lang):
    monkeypatch.delenv("RANK", raising=False)
    with pytest.raises(RuntimeError, match="torchrun") as error:
        distributed.setup(lang=lang)
    assert str(error.value) == t("ddp.not_launched", lang)
    with pytest.raises(ValueError, match="'mpi'") as error:
        distributed.setup(backend="mpi", lang=lang)
    assert bool(BENGALI.search(str(error.value))) == (lang == "bn")
