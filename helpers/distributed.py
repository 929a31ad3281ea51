"""Several processes, one training run: the few pieces data-parallel training needs (lesson 11).

`torchrun` starts one process per GPU (or several on a CPU); each trains a copy of the model on its own
share of every epoch, and DistributedDataParallel averages the gradients so every copy takes the same step.
`helpers.fit`, `train_one_epoch` and `validate` work unchanged in such a script; what they need from
here is a handful of small functions that do nothing at all when no process group is running:

    device = setup()                      # process group from torchrun's environment; gloo on a CPU, nccl on GPUs
    model = wrap(DigitClassifier(), device)   # DDP, with device_ids only on a GPU
    train = loader(dataset, batch_size=32, shuffle=True)   # a DataLoader with a DistributedSampler
    ...
    cleanup()
"""

from __future__ import annotations

import atexit
import os
import time
from collections.abc import Iterable
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from .i18n import register, t

MESSAGES: dict[str, dict[str, str]] = {
    "ddp.not_launched": {
        "en": "setup() found no RANK and WORLD_SIZE in the environment: start the script with torchrun, "
        "e.g. torchrun --standalone --nproc_per_node=2 train.py",
        "bn": "setup() এনভায়রনমেন্ট ভেরিয়েবলে RANK আর WORLD_SIZE খুঁজে পায়নি: স্ক্রিপ্টটি torchrun দিয়ে চালাও, "
        "যেমন torchrun --standalone --nproc_per_node=2 train.py",
    },
    "ddp.bad_backend": {
        "en": "backend must be None (gloo on a CPU, nccl on GPUs), 'gloo' or 'nccl', got {value!r}.",
        "bn": "backend হতে হবে None (CPU-তে gloo, GPU-তে nccl), 'gloo' অথবা 'nccl'; পাওয়া গেল {value!r}।",
    },
    "ddp.sampler_epoch": {
        "en": "The DistributedSampler's epoch is still {epoch} after {steps} steps: every epoch repeats the "
        "same order of samples, so the shuffle is not a shuffle.",
        "bn": "{steps} স্টেপ পরেও DistributedSampler-এর ইপক এখনো {epoch}: প্রতিটি ইপকে স্যাম্পলগুলো একই ক্রমে "
        "আসছে, অর্থাৎ শাফলটা আসলে শাফলই হচ্ছে না।",
    },
    "ddp.sampler_epoch.fix": {
        "en": "call train_loader.sampler.set_epoch(epoch) at the start of every epoch (helpers.fit does it for you).",
        "bn": "প্রতিটি ইপকের শুরুতে train_loader.sampler.set_epoch(epoch) কল করো (helpers.fit নিজেই এটা করে)।",
    },
    "ddp.unwrapped": {
        "en": "A process group of {world} processes is running, but the model is not wrapped in "
        "DistributedDataParallel: nothing averages the gradients, so each process trains its own model "
        "and the copies drift apart.",
        "bn": "{world}টি প্রসেসের একটি প্রসেস গ্রুপ চলছে, কিন্তু মডেলটি DistributedDataParallel-এ মোড়ানো নয়: "
        "কেউ গ্রেডিয়েন্টের গড় নিচ্ছে না, তাই প্রতিটি প্রসেস নিজের আলাদা মডেল ট্রেন করছে, আর কপিগুলো ক্রমে আলাদা হয়ে যাচ্ছে।",
    },
    "ddp.unwrapped.fix": {
        "en": "model = DistributedDataParallel(model) after model.to(device), then build the optimizer.",
        "bn": "model.to(device)-এর পরে model = DistributedDataParallel(model) লেখো, তারপর অপটিমাইজার বানাও।",
    },
    "ddp.device_ids.fix": {
        "en": "on a CPU pass no device_ids: DistributedDataParallel(model); on GPUs device_ids=[local_rank].",
        "bn": "CPU-তে device_ids দিয়ো না: DistributedDataParallel(model); GPU-তে device_ids=[local_rank]।",
    },
}
register(MESSAGES)


def _gloo_thread_states() -> list[str]:
    """The scheduler state ("R" running or ready, "S" sleeping, ...) of each gloo worker thread (Linux's /proc)."""
    states = []
    for task in Path("/proc/self/task").iterdir():
        try:
            if (task / "comm").read_text().startswith("pt_gloo"):
                states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
        except (OSError, IndexError):  # the thread ended meanwhile
            continue
    return states


@atexit.register
def _let_gloo_threads_finish(timeout_s: float = 1.0) -> None:
    """Before the interpreter shuts down, give gloo's worker threads the moment they still need (lesson 11).

    A worker thread lets go of a finished collective's tensors a moment after the collective returns, and it
    needs the interpreter for it. Once the interpreter shuts down, such a thread is ended inside a C++
    destructor and the process aborts ("terminate called without an active exception", exit code -6), seen
    about once in ten runs on a loaded 2-core machine even after a barrier. Sleeping releases the interpreter:
    wait until no gloo thread has run for two looks in a row, at most `timeout_s`. Costs nothing in a
    process without gloo (no such threads).
    """
    if not Path("/proc/self/task").is_dir() or not _gloo_thread_states():
        return
    deadline, quiet = time.monotonic() + timeout_s, 0
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
        quiet = 0 if "R" in _gloo_thread_states() else quiet + 1


def active() -> bool:
    """Whether a process group is running: False in a notebook or a plain `python train.py` (lesson 11)."""
    return dist.is_available() and dist.is_initialized()


def rank() -> int:
    """This process's number, 0 to world_size() - 1; 0 when there is only one process (lesson 11)."""
    return dist.get_rank() if active() else 0


def world_size() -> int:
    """How many processes train together; 1 when no process group is running (lesson 11)."""
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    """True in the one process that prints, shows progress and writes files: rank 0 (lesson 11)."""
    return rank() == 0


def setup(*, backend: str | None = None, lang: str | None = None) -> torch.device:
    """Join the process group torchrun describes in the environment; returns this process's device (lesson 11)."""
    if backend not in (None, "gloo", "nccl"):
        raise ValueError(t("ddp.bad_backend", lang, value=backend))
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        raise RuntimeError(t("ddp.not_launched", lang))
    gpus = torch.cuda.is_available() and backend != "gloo"
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if gpus else torch.device("cpu")
    if gpus:
        torch.cuda.set_device(device)  # one GPU per process: its collectives and its tensors go there
    if not active():
        dist.init_process_group(backend or ("nccl" if gpus else "gloo"))
    return device


def cleanup() -> None:
    """Wait for every process, then leave the process group, so the script ends cleanly (lesson 11).

    The barrier first: no process tears the group down while another still talks to it. (What gloo's threads
    still need after that, at the interpreter's exit, `_let_gloo_threads_finish` gives them.)
    """
    if active():
        dist.barrier()
        dist.destroy_process_group()


def wrap(model: nn.Module, device: torch.device) -> nn.Module:
    """`model` on `device`, in DistributedDataParallel when a process group runs (lesson 11).

    device_ids names the one GPU of this process; on a CPU it must stay None, or DDP refuses the model.
    """
    model = model.to(device)
    if not active():
        return model
    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside a DistributedDataParallel wrapper, or the model itself: what a checkpoint saves (lesson 11)."""
    return model.module if isinstance(model, DistributedDataParallel) else model


def loader(dataset: Dataset, *, batch_size: int = 64, shuffle: bool = False, seed: int = 0,
           drop_last: bool = False) -> DataLoader:
    """A DataLoader that gives this process its share of `dataset`, PyTorch's own recipe (lesson 11).

    Without a process group the sampler sees one process and hands it everything.
    """
    sampler = DistributedSampler(dataset, num_replicas=world_size(), rank=rank(), shuffle=shuffle, seed=seed,
                                 drop_last=drop_last)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


def sampler_of(data: Iterable) -> DistributedSampler | None:
    """The DistributedSampler inside a DataLoader (as its sampler or its batch sampler's), or None."""
    for candidate in (getattr(data, "sampler", None), getattr(getattr(data, "batch_sampler", None), "sampler", None)):
        if isinstance(candidate, DistributedSampler):
            return candidate
    return None


def set_epoch(loaders: Iterable[Iterable], epoch: int) -> None:
    """Tell every DistributedSampler which epoch starts: its shuffle is seeded by seed + epoch (lesson 11)."""
    for data in loaders:
        sampler = sampler_of(data)
        if sampler is not None:
            sampler.set_epoch(epoch)


def sum_over_ranks(*values: float | torch.Tensor, device: torch.device | str) -> list[float]:
    """Each value added up over all processes, one all_reduce for all of them (lesson 11).

    float64, so that counts of samples stay exact; on GPUs (nccl) the tensor must live on the GPU.
    """
    packed = torch.stack([torch.as_tensor(v, dtype=torch.float64).to(device) for v in values])
    if active():
        dist.all_reduce(packed, op=dist.ReduceOp.SUM)
    return packed.tolist()


def barrier() -> None:
    """Wait here until every process arrives, e.g. until rank 0 has written the checkpoint (lesson 11)."""
    if active():
        dist.barrier()


def gather(value: object) -> list[object]:
    """Every process's `value`, in rank order, on every process (lesson 11)."""
    if not active():
        return [value]
    values: list[object] = [None] * world_size()
    dist.all_gather_object(values, value)
    return values


__all__ = ["active", "barrier", "cleanup", "gather", "is_main", "loader", "rank", "sampler_of", "set_epoch",
           "setup", "sum_over_ranks", "unwrap", "world_size", "wrap"]
