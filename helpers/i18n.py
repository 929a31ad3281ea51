"""Every message `helpers` prints, in English and Bengali (lesson 01 explains `lang`)."""

from __future__ import annotations

LANGUAGES = ("en", "bn")

# One table for the whole package: a key, then its text in each language.
# A test fails when a key lacks a language, so the two never drift apart.
MESSAGES: dict[str, dict[str, str]] = {
    "lang.unknown": {
        "en": "Unknown language {lang!r}: use 'en' or 'bn'.",
        "bn": "অজানা ভাষা {lang!r}: 'en' অথবা 'bn' দাও।",
    },
    "loop.batch": {
        "en": "Batch {batch:5d}/{total:5d} | Loss: {loss:.4f}",
        "bn": "ব্যাচ {batch:5d}/{total:5d} | লস: {loss:.4f}",
    },
    "demo.epoch": {
        "en": "Epoch {epoch}/{epochs} | train loss {train_loss:.4f}, acc {train_acc:.1%} | "
        "val loss {val_loss:.4f}, acc {val_acc:.1%}",
        "bn": "ইপক {epoch}/{epochs} | ট্রেন লস {train_loss:.4f}, সঠিকতা {train_acc:.1%} | "
        "ভ্যালিডেশন লস {val_loss:.4f}, সঠিকতা {val_acc:.1%}",
    },
    "demo.start": {
        "en": "Training DigitClassifier on {dataset} ({n_train} train / {n_val} val / {n_test} test) on {device}",
        "bn": "{device}-এ DigitClassifier ট্রেন হচ্ছে, ডেটা {dataset} ({n_train} ট্রেন / {n_val} ভ্যালিডেশন / {n_test} টেস্ট)",
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
        "bn": "এখানে MNIST পাওয়া গেল না ({reason}); তার বদলে বিল্ট-ইন ডিজিট ডেটা ব্যবহার করছি।",
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
    "plot.epoch": {"en": "epoch", "bn": "ইপক"},
    "plot.step": {"en": "step (batch)", "bn": "স্টেপ (ব্যাচ)"},
    "plot.loss": {"en": "loss", "bn": "লস"},
    "plot.accuracy": {"en": "accuracy", "bn": "সঠিকতা"},
    "plot.train": {"en": "train", "bn": "ট্রেন"},
    "plot.val": {"en": "validation", "bn": "ভ্যালিডেশন"},
    "plot.label": {"en": "label {label}", "bn": "লেবেল {label}"},
    "plot.prediction": {"en": "predicted {label}", "bn": "অনুমান {label}"},
    "plot.loss_title": {"en": "Loss per epoch", "bn": "প্রতি ইপকে লস"},
    "plot.acc_title": {"en": "Accuracy per epoch", "bn": "প্রতি ইপকে সঠিকতা"},
}

_current = {"lang": "en"}


def check_language(lang: str) -> str:
    """Return `lang` if it is 'en' or 'bn', else raise a two-language ValueError (lesson 01)."""
    if lang not in LANGUAGES:
        both = " / ".join(MESSAGES["lang.unknown"][code].format(lang=lang) for code in LANGUAGES)
        raise ValueError(both)
    return lang


def set_language(lang: str) -> None:
    """Choose the language `helpers` prints in when a call names none (lesson 01)."""
    _current["lang"] = check_language(lang)


def get_language() -> str:
    """The language `helpers` prints in when a call names none (lesson 01)."""
    return _current["lang"]


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the chosen language), filled with `values`."""
    lang = check_language(lang or get_language())
    return MESSAGES[key][lang].format(**values)
