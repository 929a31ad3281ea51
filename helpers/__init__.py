"""`helpers`: the course's real training loop, data, model, plots and messages in English and Bengali.

Names are imported lazily, so `import helpers` costs almost nothing until you use one.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "set_language": "i18n",
    "get_language": "i18n",
    "t": "i18n",
    "get_device": "device",
    "available_devices": "device",
    "seed_everything": "device",
    "TensorLoader": "data",
    "load_dataset": "data",
    "get_loaders": "data",
    "DigitClassifier": "models",
    "train_one_epoch": "loop",
    "validate": "loop",
    "Stepper": "stepper",
    "NonFiniteLossError": "loop",
    "StopTraining": "loop",
    "Run": "engine",
    "fit": "engine",
    "History": "engine",
    "EarlyStopping": "engine",
    "scheduler_interval": "engine",
    "save_checkpoint": "checkpoint",
    "load_checkpoint": "checkpoint",
    "Health": "health",
    "plot_health": "health",
    "lr_find": "lr_finder",
    "LRFinder": "lr_finder",
    "plot_curves": "plots",
    "plot_history": "plots",
    "plot_language": "plots",
    "plot_digits": "plots",
    "is_whole": "checks",
    "check": "exercises",
    "diagnose": "doctor",
    "Watch": "doctor",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
