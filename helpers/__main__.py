"""`python -m helpers`: train DigitClassifier headless and print each epoch (lesson 02 in one command).

Every wrong argument gets one short line in the chosen language (argparse's own messages too) and
exit status 2, never a traceback; a run whose loss becomes nan or inf ends with the loop's message
and exit status 1.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import TYPE_CHECKING

from .i18n import LANGUAGES, register, set_language, t

if TYPE_CHECKING:
    from .engine import History

PROG = "python -m helpers"
DEFAULTS = {"lang": "en", "epochs": 5, "batch_size": 64, "lr": 1e-3, "log_interval": 10, "dataset": "digits",
            "device": None, "seed": 0, "amp": "auto"}
AMP = {"auto": "auto", "on": True, "off": False}  # --amp's values, as fit's `amp` argument takes them
DEVICE_NAME = re.compile(r"(cpu|cuda|mps|xpu)(:\d+)?$")


class Refused(Exception):
    """A wrong argument: its one-line message is already in the chosen language."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line in the chosen language and exit status 2."""

    def __init__(self, lang: str, **options):
        super().__init__(**options)
        self.lang = lang

    def error(self, message: str):
        raise Refused(_translate(message, self.lang))


def _translate(message: str, lang: str) -> str:
    """argparse's own messages in the chosen language; the options' own checks already are."""
    if found := re.match(r"argument (\S+?)(?:/\S+)?: (.*)$", message):
        option, rest = found.groups()
        if rest == "expected one argument":
            return t("cli.needs_value", lang, option=option)
        return rest  # one of ours (ArgumentTypeError), already in `lang`
    if found := re.match(r"unrecognized arguments: (.*)$", message):
        return t("cli.unknown", lang, args=found.group(1))
    if found := re.match(r"ambiguous option: (\S+)", message):
        return t("cli.unknown", lang, args=found.group(1))
    return t("cli.other", lang, message=message)


def _whole(option: str, lang: str, low: int, high: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            key = "cli.bad_range" if high is not None else "cli.bad_whole"
            raise argparse.ArgumentTypeError(t(key, lang, option=option, low=low, high=high, value=text))
        return value
    return parse


def _rate(lang: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(t("cli.bad_lr", lang, value=text))
        return value
    return parse


def _one_of(option: str, choices: tuple[str, ...], lang: str):
    def parse(text: str) -> str:
        if text.lower() in choices:  # --lang BN means bn
            return text.lower()
        if text not in choices:
            raise argparse.ArgumentTypeError(t("cli.bad_choice", lang, option=option, value=text,
                                               choices=", ".join(choices)))
        return text
    return parse


def _device(lang: str):
    def parse(text: str) -> str:
        if not DEVICE_NAME.match(text):
            raise argparse.ArgumentTypeError(t("cli.bad_device", lang, value=text))
        return text
    return parse


def _chosen_language(argv: list[str]) -> str:
    """--lang, read before parsing, so that even an error in the first argument is in that language."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value and value.lower() in LANGUAGES:
            return value.lower()
    return "en"


def build_parser(lang: str) -> argparse.ArgumentParser:
    """The options, their help and their checks, in `lang`; every default is shown in --help."""

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, prefix=t("cli.usage", lang) + " ")

    parser = _Parser(lang, prog=PROG, description=t("cli.description", lang), add_help=False, allow_abbrev=False,
                     formatter_class=Formatter)
    parser._optionals.title = t("cli.options", lang)
    d = DEFAULTS
    parser.add_argument("-h", "--help", action="help", help=t("cli.help.help", lang))
    parser.add_argument("--lang", type=_one_of("--lang", LANGUAGES, lang), default=d["lang"], metavar="{en,bn}",
                        help=t("cli.help.lang", lang, default=d["lang"]))
    parser.add_argument("--epochs", type=_whole("--epochs", lang, 1), default=d["epochs"], metavar="N",
                        help=t("cli.help.epochs", lang, default=d["epochs"]))
    parser.add_argument("--batch-size", type=_whole("--batch-size", lang, 1), default=d["batch_size"], metavar="N",
                        help=t("cli.help.batch_size", lang, default=d["batch_size"]))
    parser.add_argument("--lr", type=_rate(lang), default=d["lr"], metavar="LR", help=t("cli.help.lr", lang, default=d["lr"]))
    parser.add_argument("--log-interval", type=_whole("--log-interval", lang, 1), default=d["log_interval"], metavar="N",
                        help=t("cli.help.log_interval", lang, default=d["log_interval"]))
    parser.add_argument("--dataset", type=_one_of("--dataset", ("digits", "mnist"), lang), default=d["dataset"],
                        metavar="{digits,mnist}", help=t("cli.help.dataset", lang, default=d["dataset"]))
    parser.add_argument("--device", type=_device(lang), default=d["device"], metavar="NAME",
                        help=t("cli.help.device", lang))
    parser.add_argument("--seed", type=_whole("--seed", lang, 0, 2**32 - 1), default=d["seed"], metavar="N",
                        help=t("cli.help.seed", lang, default=d["seed"]))
    parser.add_argument("--amp", type=_one_of("--amp", tuple(AMP), lang), default=d["amp"], metavar="{auto,on,off}",
                        help=t("cli.help.amp", lang, default=d["amp"]))
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options; a wrong one raises Refused with its one-line message in the chosen language."""
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = _chosen_language(argv)
    return build_parser(lang).parse_args(argv)


def demo(args: argparse.Namespace) -> History:
    """The demo: `fit` on the built-in digits (the course's one epoch driver), then the test set if it finished."""
    set_language(args.lang)

    import torch

    from .data import get_loaders
    from .device import get_device, seed_everything
    from .engine import fit
    from .loop import validate
    from .models import DigitClassifier

    try:
        device = get_device(args.device)
    except (ValueError, RuntimeError) as error:  # a device this machine does not have
        raise Refused(str(error).splitlines()[0]) from None
    seed_everything(args.seed)
    train_loader, val_loader, test_loader = get_loaders(
        args.dataset, batch_size=args.batch_size, seed=args.seed, device=device
    )
    print(t("demo.start", dataset=train_loader.name, device=device, n_train=len(train_loader.dataset),
            n_val=len(val_loader.dataset), n_test=len(test_loader.dataset)))

    model = DigitClassifier().to(device)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = fit(model, train_loader, val_loader, epochs=args.epochs, optimizer=optimizer, criterion=criterion,
                  device=device, log_interval=args.log_interval, amp=_amp(args.amp, device))
    if len(history["epoch"]) == args.epochs:  # fit ended early (nan/inf loss, Ctrl-C) and has said why
        test_loss, test_acc = validate(model, test_loader, criterion, device)
        print(t("demo.test", loss=test_loss, acc=test_acc))
    return history


def _amp(choice: str, device) -> str | bool:
    """fit's `amp` for --amp: 'auto' chooses here, so that its note names --amp rather than fit's amp=True."""
    if choice != "auto" or device.type == "cuda":
        return AMP[choice]
    print(t("cli.amp_off", device=device.type))
    return False


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers`: 0 when every epoch trained, 1 when the run stopped early, 2 for a wrong argument."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parse_args(argv)
        history = demo(args)
    except Refused as refusal:
        print(t("cli.error", _chosen_language(argv), prog=PROG, message=refusal), file=sys.stderr)
        return 2
    return 0 if len(history["epoch"]) == args.epochs else 1


MESSAGES: dict[str, dict[str, str]] = {
    "demo.start": {
        "en": "Training DigitClassifier on {dataset} ({n_train} train / {n_val} val / {n_test} test) on {device}",
        "bn": "ডিভাইস {device}-তে DigitClassifier ট্রেন হচ্ছে, ডেটা {dataset} ({n_train} ট্রেন / {n_val} ভ্যালিডেশন / {n_test} টেস্ট)",
    },
    "demo.test": {
        "en": "Test loss {loss:.4f}, test accuracy {acc:.1%}",
        "bn": "টেস্ট লস {loss:.4f}, টেস্ট সঠিকতা {acc:.1%}",
    },
    "cli.error": {"en": "{prog}: {message} (--help lists the options)",
                  "bn": "{prog}: {message} (--help দিলে সব অপশন দেখা যাবে)"},
    "cli.usage": {"en": "usage:", "bn": "ব্যবহার:"},
    "cli.options": {"en": "options", "bn": "অপশন"},
    "cli.description": {"en": "Train DigitClassifier on the built-in digits and print each epoch (lesson 02 in one command).",
                        "bn": "বিল্ট-ইন অঙ্কের ডেটায় DigitClassifier ট্রেন করে প্রতিটি ইপকের ফল ছাপে (এক কমান্ডে পাঠ ০২)।"},
    "cli.help.help": {"en": "show this help and exit", "bn": "এই সাহায্য দেখায় আর বেরিয়ে যায়"},
    "cli.help.lang": {"en": "language of the output: en or bn (default: {default})",
                      "bn": "আউটপুটের ভাষা: en অথবা bn (ডিফল্ট: {default})"},
    "cli.help.epochs": {"en": "how many epochs to train, at least 1 (default: {default})",
                        "bn": "কয়টি ইপক ট্রেন হবে, কমপক্ষে 1 (ডিফল্ট: {default})"},
    "cli.help.batch_size": {"en": "samples per batch, at least 1 (default: {default})",
                            "bn": "প্রতি ব্যাচে কয়টি স্যাম্পল, কমপক্ষে 1 (ডিফল্ট: {default})"},
    "cli.help.lr": {"en": "the learning rate of Adam, above 0 (default: {default:g})",
                    "bn": "Adam-এর লার্নিং রেট, 0-এর বেশি (ডিফল্ট: {default:g})"},
    "cli.help.log_interval": {"en": "print the loss every N batches (default: {default})",
                              "bn": "প্রতি N ব্যাচ পরপর লস ছাপা হবে (ডিফল্ট: {default})"},
    "cli.help.dataset": {"en": "digits (built in) or mnist (downloaded; falls back to digits offline) (default: {default})",
                         "bn": "digits (বিল্ট-ইন) অথবা mnist, যা ডাউনলোড করতে হয়; অফলাইনে তার বদলে digits নেওয়া হয় (ডিফল্ট: {default})"},
    "cli.help.device": {"en": "cpu, cuda, cuda:1, mps or xpu (default: the best one here)",
                        "bn": "cpu, cuda, cuda:1, mps অথবা xpu (ডিফল্ট: এখানে যেটা সবচেয়ে ভালো)"},
    "cli.help.amp": {"en": "mixed precision: auto (on with CUDA only), on or off (default: {default})",
                     "bn": "মিক্সড প্রিসিশন: auto (শুধু CUDA-তে চালু), on অথবা off (ডিফল্ট: {default})"},
    "cli.amp_off": {"en": "Mixed precision is off on {device}: it speeds up CUDA GPUs, while on most CPUs bfloat16 is not "
                          "faster than float32 and often several times slower. Add --amp on to try it anyway.",
                    "bn": "ডিভাইস {device}-তে মিক্সড প্রিসিশন বন্ধ রাখা হলো: এটা CUDA GPU-তে গতি বাড়ায়, কিন্তু বেশিরভাগ CPU-তে "
                          "bfloat16 float32-এর চেয়ে দ্রুত নয়, প্রায়ই কয়েক গুণ ধীর। তবু চালাতে চাইলে --amp on দাও।"},
    "cli.help.seed": {"en": "the random seed, 0 to 4294967295 (default: {default})",
                      "bn": "এলোমেলো সংখ্যার সিড, 0 থেকে 4294967295 (ডিফল্ট: {default})"},
    "cli.bad_whole": {"en": "{option} must be a whole number of at least {low}, got {value!r}.",
                      "bn": "{option}-কে {low} বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।"},
    "cli.bad_range": {"en": "{option} must be a whole number from {low} to {high}, got {value!r}.",
                      "bn": "{option}-কে {low} থেকে {high}-এর মধ্যে একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।"},
    "cli.bad_lr": {"en": "--lr must be a number above 0, such as 0.001, got {value!r}.",
                   "bn": "--lr-কে 0-এর চেয়ে বড় একটি সংখ্যা হতে হবে, যেমন 0.001; পাওয়া গেল {value!r}।"},
    "cli.bad_choice": {"en": "{option} must be one of {choices}, got {value!r}.",
                       "bn": "{option}-কে এগুলোর একটি হতে হবে: {choices}; পাওয়া গেল {value!r}।"},
    "cli.bad_device": {"en": "--device must be cpu, cuda, cuda:N, mps or xpu, got {value!r}.",
                       "bn": "--device-কে cpu, cuda, cuda:N, mps অথবা xpu হতে হবে; পাওয়া গেল {value!r}।"},
    "cli.needs_value": {"en": "{option} needs a value after it.", "bn": "{option}-এর পরে একটি মান দিতে হবে।"},
    "cli.unknown": {"en": "unknown argument: {args}.", "bn": "অজানা আর্গুমেন্ট: {args}।"},
    "cli.other": {"en": "{message}.", "bn": "আর্গুমেন্টে ভুল: {message}।"},
}

register(MESSAGES)

if __name__ == "__main__":
    sys.exit(main())
