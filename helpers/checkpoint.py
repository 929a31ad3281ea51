"""Checkpoints that survive a crash: one dict, written atomically, read back safely (lesson 08)."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path
from typing import Any

import torch

from .i18n import first_line, register, t


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write `state` to `path` so that a crash mid-write leaves the previous file intact (lesson 08).

    The bytes go to a temporary file in the same folder, are flushed to disk, and only
    then replace the old checkpoint with `os.replace`, which is atomic on one file system.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def load_checkpoint(path: str | os.PathLike, *, map_location: str | torch.device = "cpu",
                    lang: str | None = None) -> dict[str, Any]:
    """Read a checkpoint with `weights_only=True`: tensors and plain values only, no code runs (lesson 08)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(t("ckpt.missing", lang, path=path))
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # unsafe, truncated or foreign: say which, keep the cause
        if zipfile.is_zipfile(path) and "weights only" in str(error).lower():
            # readable, but it holds objects that could run code when loaded
            raise ValueError(t("ckpt.unsafe", lang, path=path, reason=first_line(error))) from error
        raise ValueError(t("ckpt.unreadable", lang, path=path, reason=first_line(error))) from error


def rng_state(*loaders: object) -> dict[str, Any]:
    """Every random number generator a run depends on, in a form `weights_only` loading accepts."""
    state: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    try:
        import numpy as np
    except ImportError:
        pass
    else:
        name, keys, pos, has_gauss, cached = np.random.get_state()
        state["numpy"] = (name, torch.from_numpy(keys.astype("int64")), pos, has_gauss, cached)
    state["loaders"] = [lo.generator.get_state() for lo in loaders if isinstance(getattr(lo, "generator", None), torch.Generator)]
    return state


def set_rng_state(state: dict[str, Any], *loaders: object) -> None:
    """Put back what `rng_state` saved, so a resumed run draws the same numbers (lesson 08)."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if "numpy" in state:
        import numpy as np

        name, keys, pos, has_gauss, cached = state["numpy"]
        np.random.set_state((name, keys.numpy().astype("uint32"), pos, has_gauss, cached))
    with_generators = [lo for lo in loaders if isinstance(getattr(lo, "generator", None), torch.Generator)]
    for loader, generator_state in zip(with_generators, state.get("loaders", [])):
        loader.generator.set_state(generator_state)


MESSAGES: dict[str, dict[str, str]] = {
    "ckpt.missing": {
        "en": "No checkpoint at {path}.",
        "bn": "{path}-এ কোনো চেকপয়েন্ট নেই।",
    },
    "ckpt.unreadable": {
        "en": "Cannot read the checkpoint {path}: it is damaged or not a checkpoint ({reason}).",
        "bn": "চেকপয়েন্ট {path} পড়া গেল না: ফাইলটি নষ্ট, অথবা এটা চেকপয়েন্টই নয় ({reason})।",
    },
    "ckpt.unsafe": {
        "en": "The checkpoint {path} holds Python objects that weights_only loading refuses ({reason}). "
        "Save state_dicts and plain values (numbers, strings, lists, dicts) instead.",
        "bn": "চেকপয়েন্ট {path}-এ এমন Python অবজেক্ট আছে, যা weights_only লোড নিতে রাজি নয় ({reason})। "
        "তার বদলে state_dict আর সাধারণ মান (সংখ্যা, স্ট্রিং, লিস্ট, ডিকশনারি) সংরক্ষণ করো।",
    },
    "ckpt.mismatch": {
        "en": "The checkpoint {path} does not fit this model or optimizer ({reason}). Nothing was changed.",
        "bn": "চেকপয়েন্ট {path} এই মডেল বা অপটিমাইজারের সঙ্গে মেলে না ({reason})। কিছুই বদলানো হয়নি।",
    },
}
register(MESSAGES)
