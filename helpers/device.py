"""Where the work runs, and how to make it repeatable (lesson 01; reproducibility in lesson 08)."""

from __future__ import annotations

import os
import random

import torch

from .i18n import register, t


def available_devices() -> list[str]:
    """The device types this machine offers, fastest first (lesson 01)."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def get_device(prefer: str | None = None, *, lang: str | None = None) -> torch.device:
    """The best device here: cuda, then mps (Apple), then cpu; or `prefer` if it exists (lesson 01)."""
    found = available_devices()
    if prefer is None:
        return torch.device(found[0])
    wanted = torch.device(prefer)
    if wanted.type not in found:
        raise ValueError(t("device.unknown", lang, device=prefer, available=", ".join(found)))
    return wanted


def seed_everything(seed: int = 42, *, deterministic: bool = False) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so a run can be repeated (lessons 01 and 08)."""
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import numpy as np
    except ImportError:  # numpy is optional for the loop itself
        pass
    else:
        np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if deterministic:
        # Slower but repeatable kernels; cuBLAS needs this variable for deterministic matmuls.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    # Set both ways, so seed_everything(deterministic=False) also undoes an earlier True.
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = False
    if deterministic or torch.are_deterministic_algorithms_enabled():
        torch.use_deterministic_algorithms(deterministic, warn_only=True)


MESSAGES: dict[str, dict[str, str]] = {
    "device.unknown": {
        "en": "Device {device!r} is not available here; available: {available}.",
        "bn": "ডিভাইস {device!r} এখানে নেই; যা আছে: {available}।",
    },
}
register(MESSAGES)
