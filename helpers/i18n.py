"""Every message `helpers` prints, in English and Bengali (lesson 01 explains `lang`)."""

from __future__ import annotations

import importlib
import os
import re

LANGUAGES = ("en", "bn")

# The core's own messages (loop, fit, data, device, checkpoints, plots); other modules keep theirs
# beside their code and register them below. tests/test_i18n.py checks every key of every table.
MESSAGES: dict[str, dict[str, str]] = {
    "lang.unknown": {
        "en": "Unknown language {lang!r}: use 'en' or 'bn'.",
        "bn": "অজানা ভাষা {lang!r}: 'en' অথবা 'bn' দাও।",
    },
    "loop.batch": {
        "en": "Batch {batch:5d}/{total:5d} | Loss: {loss:.4f}",
        "bn": "ব্যাচ {batch:5d}/{total:5d} | লস: {loss:.4f}",
    },
    "demo.start": {
        "en": "Training DigitClassifier on {dataset} ({n_train} train / {n_val} val / {n_test} test) on {device}",
        "bn": "ডিভাইস {device}-তে DigitClassifier ট্রেন হচ্ছে, ডেটা {dataset} ({n_train} ট্রেন / {n_val} ভ্যালিডেশন / {n_test} টেস্ট)",
    },
    "demo.test": {
        "en": "Test loss {loss:.4f}, test accuracy {acc:.1%}",
        "bn": "টেস্ট লস {loss:.4f}, টেস্ট সঠিকতা {acc:.1%}",
    },
    "demo.progress": {
        "en": "epochs",
        "bn": "ইপক",
    },
    "data.mnist_fallback": {
        "en": "MNIST is not available here ({reason}); using the built-in digits instead.",
        "bn": "এখানে MNIST পাওয়া গেল না ({reason}); তার বদলে বিল্ট-ইন অঙ্কের ডেটা (digits) ব্যবহার করছি।",
    },
    "data.unknown": {
        "en": "Unknown dataset {name!r}: use 'digits' or 'mnist'.",
        "bn": "অজানা ডেটাসেট {name!r}: 'digits' অথবা 'mnist' দাও।",
    },
    "data.bad_batch_size": {
        "en": "batch_size must be a positive whole number, got {value!r}.",
        "bn": "batch_size একটি ধনাত্মক পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "device.unknown": {
        "en": "Device {device!r} is not available here; available: {available}.",
        "bn": "ডিভাইস {device!r} এখানে নেই; যা আছে: {available}।",
    },
    "fit.epoch": {
        "en": "Epoch {epoch}/{epochs} | train loss {train_loss:.4f}, acc {train_acc:.1%} | "
        "val loss {val_loss:.4f}, acc {val_acc:.1%} | lr {lr:.2e}",
        "bn": "ইপক {epoch}/{epochs} | ট্রেন লস {train_loss:.4f}, সঠিকতা {train_acc:.1%} | "
        "ভ্যালিডেশন লস {val_loss:.4f}, সঠিকতা {val_acc:.1%} | lr {lr:.2e}",
    },
    "fit.nonfinite": {
        "en": "Stopped: the loss became {loss} at epoch {epoch}, batch {batch}. The weights are the last good "
        "ones and the history is kept. Try a smaller learning rate (e.g. 10x lower) or gradient clipping "
        "(max_grad_norm=1.0), and check the data for nan values.",
        "bn": "থামানো হলো: ইপক {epoch}, ব্যাচ {batch}-এ লস {loss} হয়ে গেছে। ওজনগুলো শেষ ভালো অবস্থায় আছে, "
        "হিস্ট্রিও রাখা আছে। লার্নিং রেট কমিয়ে দেখো (যেমন 10 গুণ কম), অথবা গ্রেডিয়েন্ট ক্লিপিং দাও "
        "(max_grad_norm=1.0), আর ডেটায় nan আছে কি না দেখো।",
    },
    "fit.interrupted": {
        "en": "Stopped by you during epoch {epoch}. The model and the history of the {done} finished epochs are kept.",
        "bn": "তুমি ইপক {epoch}-এর মাঝখানে থামিয়েছ। মডেল আর শেষ হওয়া {done}টি ইপকের হিস্ট্রি রাখা আছে।",
    },
    "fit.early_stop": {
        "en": "Early stopping at epoch {epoch}: no improvement for {patience} epochs (best {best:.4f} at epoch {best_epoch}).",
        "bn": "ইপক {epoch}-এ আর্লি স্টপিং: {patience}টি ইপক ধরে উন্নতি নেই (সেরা {best:.4f}, ইপক {best_epoch}-এ)।",
    },
    "fit.restored_best": {
        "en": "Restored the best weights, from epoch {best_epoch} ({best:.4f}).",
        "bn": "সেরা ওজনগুলো ফিরিয়ে আনা হলো, ইপক {best_epoch} থেকে ({best:.4f})।",
    },
    "fit.resumed": {
        "en": "Resumed from {path} after epoch {epoch}.",
        "bn": "{path} থেকে আবার শুরু হলো, ইপক {epoch}-এর পর থেকে।",
    },
    "fit.early_stopping_changed": {
        "en": "Early stopping continues with this call's settings, not the checkpoint's: {changes}.",
        "bn": "আর্লি স্টপিং চলবে এই কলের সেটিং দিয়ে, চেকপয়েন্টেরটা দিয়ে নয়: {changes}।",
    },
    "fit.fresh_start": {
        "en": "No checkpoint to resume from yet: starting from epoch 1.",
        "bn": "আবার শুরু করার মতো কোনো চেকপয়েন্ট এখনো নেই: ইপক 1 থেকে শুরু হচ্ছে।",
    },
    "fit.bad_epochs": {
        "en": "epochs must be a whole number of at least 1, got {value!r}.",
        "bn": "epochs-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_optimizer": {
        "en": "optimizer must be a torch.optim optimizer, got {value}.",
        "bn": "optimizer একটি torch.optim অপটিমাইজার হতে হবে, পাওয়া গেল {value}।",
    },
    "fit.bad_lr": {
        "en": "The learning rate must be a finite number of at least 0, got {value!r}.",
        "bn": "লার্নিং রেট 0 বা তার বেশি একটি সসীম সংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_accumulation": {
        "en": "accumulation_steps must be a whole number of at least 1 (1 means no accumulation), got {value!r}.",
        "bn": "accumulation_steps-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে (1 মানে গ্রেডিয়েন্ট জমানো নেই), পাওয়া গেল {value!r}।",
    },
    "fit.bad_clip": {
        "en": "max_grad_norm must be None or a positive number, got {value!r}.",
        "bn": "max_grad_norm হয় None, নয়তো একটি ধনাত্মক সংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_log_interval": {
        "en": "log_interval must be a whole number of at least 1, got {value!r}.",
        "bn": "log_interval-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_amp": {
        "en": "amp must be 'auto', True or False, got {value!r}.",
        "bn": "amp হতে হবে 'auto', True অথবা False; পাওয়া গেল {value!r}।",
    },
    "fit.bad_loader": {
        "en": "{name} must yield (inputs, targets) pairs of tensors, but it gave {got}.",
        "bn": "{name} থেকে tensor-এর (inputs, targets) জোড়া আসার কথা, কিন্তু এলো {got}।",
    },
    "fit.empty_loader": {
        "en": "{name} gave no batches at all: is the dataset empty?",
        "bn": "{name} থেকে একটিও ব্যাচ এলো না: ডেটাসেট কি খালি?",
    },
    "fit.bad_mode": {
        "en": "mode must be 'min' (for a loss) or 'max' (for an accuracy), got {value!r}.",
        "bn": "mode হতে হবে 'min' (লসের জন্য) অথবা 'max' (সঠিকতার জন্য), পাওয়া গেল {value!r}।",
    },
    "fit.bad_patience": {
        "en": "patience must be a whole number of at least 1, got {value!r}.",
        "bn": "patience-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "fit.bad_monitor": {
        "en": "Cannot monitor {value!r}; choose one of: {keys}.",
        "bn": "{value!r} নজরে রাখা যায় না; এগুলোর একটি বেছে নাও: {keys}।",
    },
    "fit.bad_scheduler_interval": {
        "en": "scheduler_step must be 'auto', 'batch', 'epoch' or 'metric', got {value!r}.",
        "bn": "scheduler_step হতে হবে 'auto', 'batch', 'epoch' অথবা 'metric'; পাওয়া গেল {value!r}।",
    },
    "amp.auto_off": {
        "en": "Mixed precision is off on {device}: it speeds up CUDA GPUs, while on most CPUs bfloat16 is not faster "
        "than float32 and often several times slower. Pass amp=True to try it anyway.",
        "bn": "ডিভাইস {device}-তে মিক্সড প্রিসিশন বন্ধ রাখা হলো: এটা CUDA GPU-তে গতি বাড়ায়, কিন্তু বেশিরভাগ CPU-তে bfloat16 "
        "float32-এর চেয়ে দ্রুত নয়, প্রায়ই কয়েক গুণ ধীর। তবু চালাতে চাইলে amp=True দাও।",
    },
    "amp.cpu_slow": {
        "en": "Mixed precision on the CPU uses bfloat16; on most CPUs this is slower than float32, not faster.",
        "bn": "CPU-তে মিক্সড প্রিসিশন bfloat16 ব্যবহার করে; বেশিরভাগ CPU-তে এটা float32-এর চেয়ে দ্রুত নয়, বরং ধীর।",
    },
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
    "plot.epoch": {"en": "epoch", "bn": "ইপক"},
    "plot.step": {"en": "step (batch)", "bn": "স্টেপ (ব্যাচ)"},
    "plot.loss": {"en": "loss", "bn": "লস"},
    "plot.accuracy": {"en": "accuracy", "bn": "সঠিকতা"},
    "plot.train": {"en": "train", "bn": "ট্রেন"},
    "plot.val": {"en": "validation", "bn": "ভ্যালিডেশন"},
    "plot.label": {"en": "label {label}", "bn": "লেবেল {label}"},
    "plot.prediction": {"en": "predicted {label}", "bn": "প্রেডিকশন {label}"},
    "plot.loss_title": {"en": "Loss per epoch", "bn": "প্রতি ইপকে লস"},
    "plot.acc_title": {"en": "Accuracy per epoch", "bn": "প্রতি ইপকে সঠিকতা"},
}

# A script that a notebook launches (lesson 11's torchrun workers) cannot see the notebook's choice, so
# set_language also writes it to the environment, which child processes inherit and read here.
LANGUAGE_VARIABLE = "HELPERS_LANG"
_current = {"lang": os.environ.get(LANGUAGE_VARIABLE) if os.environ.get(LANGUAGE_VARIABLE) in LANGUAGES else "en"}


def check_language(lang: str) -> str:
    """Return `lang` if it is 'en' or 'bn', else raise a two-language ValueError (lesson 01)."""
    if lang not in LANGUAGES:
        both = " / ".join(MESSAGES["lang.unknown"][code].format(lang=lang) for code in LANGUAGES)
        raise ValueError(both)
    return lang


def set_language(lang: str) -> None:
    """Choose the language `helpers` prints in when a call names none, here and in the processes this
    one starts (lesson 01; lesson 11's torchrun scripts inherit it through HELPERS_LANG)."""
    _current["lang"] = os.environ[LANGUAGE_VARIABLE] = check_language(lang)


def get_language() -> str:
    """The language `helpers` prints in when a call names none (lesson 01)."""
    return _current["lang"]


# Each module owns its messages and registers them here when it is imported; `t` finds every key in this
# one dict. A key's prefix names its owner, so a lookup can import the module that owns it on first use.
_messages: dict[str, dict[str, str]] = {}
OWNERS = {"doc": "helpers.doctor", "ex": "helpers.exercises", "pg": "helpers.playground",
          "step": "helpers.stepper_messages", "ddp": "helpers.distributed", "cli": "helpers.__main__"}
_LESSON_KEY = re.compile(r"l\d\d$")  # l03.*: a lesson's labels, in helpers/exercises/l03.py


def register(table: dict[str, dict[str, str]]) -> None:
    """Add a module's messages to the one registry; a key defined by two tables is refused (README: messages)."""
    for key, texts in table.items():
        if _messages.get(key, texts) is not texts:
            raise ValueError(f"message key {key!r} is defined twice")
    _messages.update(table)


def owner(key: str) -> str:
    """The module that defines the message `key`, from its prefix."""
    prefix = key.split(".", 1)[0]
    if _LESSON_KEY.match(prefix):
        return "helpers.exercises"
    return OWNERS.get(prefix, __name__)


def _lookup(key: str) -> dict[str, str]:
    if key not in _messages:
        importlib.import_module(owner(key))  # registers its table; an unknown key then fails below
    return _messages[key]


def known(key: str) -> bool:
    """Whether `key` names a message (used to tell message keys from plain labels)."""
    try:
        _lookup(key)
    except (KeyError, ModuleNotFoundError):
        return False
    return True


def all_messages() -> dict[str, dict[str, str]]:
    """Every registered message of the package, each owner imported: what the tests check key by key."""
    for module in OWNERS.values():
        importlib.import_module(module)
    return dict(_messages)


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the chosen language), filled with `values`."""
    lang = check_language(lang or get_language())
    return _lookup(key)[lang].format(**values)


def first_line(error: BaseException) -> str:
    """A short reason for a message: the error's first line, or its type when it has no text."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # some errors carry terminal colour codes
    line = (text or type(error).__name__).splitlines()[0][:200].rstrip(" :")  # "Error downloading x.gz:" ends here
    return line or type(error).__name__


register(MESSAGES)
