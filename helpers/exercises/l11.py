"""Lesson 11's exercises: the effective batch size and learning rate, a rank's share of the data, set_epoch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from torch.utils.data import DistributedSampler

from ._cases import as_float

MESSAGES: dict[str, dict[str, str]] = {
    # 11.scale
    "ex.11.scale.why": {
        "en": "Every step averages the gradients of world_size × batch_size samples, so that is the effective batch "
        "size; the linear scaling rule (line E) multiplies the learning rate by the same factor as the batch.",
        "bn": "প্রতিটি স্টেপ world_size × batch_size টি স্যাম্পলের গ্রেডিয়েন্টের গড় নেয়, তাই এটাই কার্যকর ব্যাচ সাইজ; "
        "লিনিয়ার স্কেলিং নিয়ম (লাইন E) লার্নিং রেটকেও সেই একই গুণক দিয়ে গুণ করে, যে গুণক দিয়ে ব্যাচ বেড়েছে।",
    },
    "ex.11.scale.pair": {
        "en": "Return two numbers, (effective batch size, learning rate); got {got}.",
        "bn": "দুটি সংখ্যা ফেরত দাও, (কার্যকর ব্যাচ সাইজ, লার্নিং রেট); এসেছে {got}।",
    },
    "ex.11.scale.batch_per_process": {
        "en": "{got} is the batch of one process. Every step averages the gradients of all {world} processes: "
        "the effective batch is {world} × {batch}.",
        "bn": "{got} তো একটি প্রসেসের ব্যাচ। প্রতিটি স্টেপ {world}টি প্রসেসেরই গ্রেডিয়েন্টের গড় নেয়: কার্যকর "
        "ব্যাচ হলো {world} × {batch}।",
    },
    "ex.11.scale.batch": {
        "en": "With {world} processes of batch {batch} each, the effective batch size should be {expected}, got {got}.",
        "bn": "{world}টি প্রসেসের প্রতিটিতে ব্যাচ {batch} হলে কার্যকর ব্যাচ সাইজ হওয়ার কথা {expected}, এসেছে {got}।",
    },
    "ex.11.scale.lr_unscaled": {
        "en": "The learning rate is still the one-process rate. The batch became {world} times larger, and the rule "
        "of line E scales the rate with it.",
        "bn": "লার্নিং রেট এখনো এক-প্রসেসের রেটই রয়ে গেছে। ব্যাচ {world} গুণ বড় হয়েছে, আর লাইন E-র নিয়ম রেটকেও "
        "সেই অনুপাতে বাড়ায়।",
    },
    "ex.11.scale.lr_divided": {
        "en": "The learning rate went down. A larger batch gives a less noisy gradient, which can take a larger "
        "step: multiply by the world size, do not divide.",
        "bn": "লার্নিং রেট কমে গেছে। বড় ব্যাচে গ্রেডিয়েন্টে নয়েজ কম, তাই বড় স্টেপ নেওয়া যায়: world size দিয়ে গুণ "
        "করো, ভাগ নয়।",
    },
    "ex.11.scale.lr_sqrt": {
        "en": "That is the square-root rule, which some use for Adam. This lesson's line E uses the linear rule: "
        "lr × world_size.",
        "bn": "এটা বর্গমূলের নিয়ম, Adam-এর বেলায় কেউ কেউ এটা ব্যবহার করে। এই পাঠের লাইন E লিনিয়ার নিয়ম মানে: "
        "lr × world_size।",
    },
    "ex.11.scale.lr": {
        "en": "For batch {batch}, learning rate {lr:g} and {world} processes the learning rate should be "
        "{expected:g}, got {got}.",
        "bn": "ব্যাচ {batch}, লার্নিং রেট {lr:g} আর {world}টি প্রসেসের জন্য লার্নিং রেট হওয়ার কথা {expected:g}, "
        "এসেছে {got}।",
    },
    # 11.share
    "ex.11.share.why": {
        "en": "DistributedSampler deals the indices out like cards: rank r takes r, r + world_size, ...; when the "
        "data does not divide evenly it repeats the first indices, so every rank runs the same number of steps.",
        "bn": "DistributedSampler ইনডেক্সগুলো তাসের মতো বেঁটে দেয়: rank r পায় r, r + world_size, ...; ডেটা সমান "
        "ভাগে না মিললে শুরুর কয়েকটি ইনডেক্স আবার দেয়, যাতে প্রতিটি rank সমান সংখ্যক স্টেপ চালায়।",
    },
    "ex.11.share.blocks": {
        "en": "You gave each rank one block of neighbouring indices. DistributedSampler deals them out in turn: "
        "rank r takes r, r + world_size, r + 2 × world_size, ...",
        "bn": "তুমি প্রতিটি rank-কে পাশাপাশি ইনডেক্সের একটি টুকরো দিয়েছ। DistributedSampler পালা করে বেঁটে দেয়: "
        "rank r পায় r, r + world_size, r + 2 × world_size, ...",
    },
    "ex.11.share.padding": {
        "en": "With {n} samples and {world} ranks your shares have {lengths} indices: the ranks would run a different "
        "number of steps, and one would wait forever at an all_reduce the others never join. Repeat the first "
        "indices until every share has {expected}.",
        "bn": "{n}টি স্যাম্পল আর {world}টি rank-এ তোমার ভাগগুলোতে ইনডেক্স আছে {lengths}টি করে: rank-গুলো আলাদা "
        "সংখ্যক স্টেপ চালাত, আর একটি rank এমন একটি all_reduce-এ চিরকাল অপেক্ষা করত, যেখানে বাকিরা আর আসে না। "
        "শুরুর ইনডেক্সগুলো আবার নাও, যতক্ষণ না প্রতিটি ভাগে {expected}টি হয়।",
    },
    "ex.11.share.wrong": {
        "en": "For {n} samples, rank {rank} of {world} should get {expected}, got {got}.",
        "bn": "{n}টি স্যাম্পলের বেলায় {world}টির মধ্যে rank {rank}-এর পাওয়ার কথা {expected}, এসেছে {got}।",
    },
    # 11.set_epoch
    "ex.11.set_epoch.why": {
        "en": "The sampler shuffles with seed + epoch: set_epoch(epoch) before each epoch, counting from 0 as "
        "PyTorch's own recipe does, gives every epoch a new order, the same one on every rank.",
        "bn": "স্যাম্পলার seed + epoch দিয়ে শাফল করে: প্রতিটি ইপকের আগে set_epoch(epoch), PyTorch-এর নিজের রেসিপির "
        "মতো 0 থেকে গুনে, প্রতিটি ইপককে নতুন একটি ক্রম দেয়, যা প্রতিটি rank-এ একই।",
    },
    "ex.11.set_epoch.lists": {
        "en": "Return a list with one list of indices per epoch ({epochs} lists); got {got}.",
        "bn": "প্রতিটি ইপকের জন্য ইনডেক্সের একটি করে list, এমন একটি list ফেরত দাও ({epochs}টি list); এসেছে {got}।",
    },
    "ex.11.set_epoch.forgot": {
        "en": "Every epoch has the same order: the sampler was never told that a new epoch began. "
        "Call sampler.set_epoch(epoch) before reading each epoch's order.",
        "bn": "প্রতিটি ইপকে একই ক্রম: স্যাম্পলারকে কখনো জানানো হয়নি যে নতুন ইপক শুরু হয়েছে। প্রতিটি ইপকের ক্রম "
        "পড়ার আগে sampler.set_epoch(epoch) কল করো।",
    },
    "ex.11.set_epoch.from_one": {
        "en": "Your epochs are numbered from 1. PyTorch's recipe counts from 0: for epoch in range(epochs): "
        "sampler.set_epoch(epoch).",
        "bn": "তোমার ইপকগুলোর নম্বর শুরু হয়েছে 1 থেকে। PyTorch-এর রেসিপি গোনে 0 থেকে: for epoch in range(epochs): "
        "sampler.set_epoch(epoch)।",
    },
    "ex.11.set_epoch.after": {
        "en": "The first two epochs share one order: set_epoch comes after the order was read. Call it before.",
        "bn": "প্রথম দুটি ইপকের ক্রম একই: ক্রমটি পড়া হয়ে যাওয়ার পরে set_epoch কল হচ্ছে। এটা আগে কল করো।",
    },
    "ex.11.set_epoch.wrong": {
        "en": "Epoch {epoch}'s order should be {expected}, got {got}.",
        "bn": "ইপক {epoch}-এর ক্রম হওয়ার কথা {expected}, এসেছে {got}।",
    },
}

SCALE_CASES = ((32, 1e-3, 2), (16, 0.1, 8), (64, 3e-4, 1), (128, 2e-3, 4))


def _close(a: float, b: float) -> bool:
    """Equal up to float rounding, relative to the size of the numbers."""
    return math.isclose(a, b, rel_tol=1e-6)


def check_scale(scale: Callable) -> str | tuple[str, dict] | None:
    """11.scale: scale(batch_size, lr, world_size) returns (world_size × batch_size, lr × world_size)."""
    for batch, lr, world in SCALE_CASES:
        got = scale(batch, lr, world)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "ex.11.scale.pair", {"got": repr(got)}
        effective, new_lr = as_float(got[0]), as_float(got[1])
        if effective != batch * world:
            if world > 1 and effective == batch:
                return "ex.11.scale.batch_per_process", {"got": batch, "world": world, "batch": batch}
            return "ex.11.scale.batch", {"world": world, "batch": batch, "expected": batch * world, "got": got[0]}
        if _close(new_lr, lr * world):
            continue
        if world > 1 and _close(new_lr, lr):
            return "ex.11.scale.lr_unscaled", {"world": world}
        if world > 1 and new_lr < lr:
            return "ex.11.scale.lr_divided"
        if _close(new_lr, lr * math.sqrt(world)):
            return "ex.11.scale.lr_sqrt"
        return "ex.11.scale.lr", {"batch": batch, "lr": lr, "world": world, "expected": lr * world, "got": got[1]}
    return None


SHARE_CASES = ((10, 2), (10, 3), (7, 4), (12, 4), (5, 1))


def _sampler_share(n: int, rank: int, world: int) -> list[int]:
    """What DistributedSampler itself hands `rank`, unshuffled: the truth the learner's answer is checked against."""
    return list(DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=False))


def check_share(share: Callable) -> str | tuple[str, dict] | None:
    """11.share: share(n, rank, world_size) lists the indices DistributedSampler(shuffle=False) gives `rank`."""
    for n, world in SHARE_CASES:
        shares = [[int(i) for i in share(n, rank, world)] for rank in range(world)]
        expected = [_sampler_share(n, rank, world) for rank in range(world)]
        if shares == expected:
            continue
        if sorted(i for part in shares for i in part) == list(range(n)) and all(
            part == list(range(part[0], part[0] + len(part))) for part in shares if part
        ) and any(len(part) > 1 for part in shares):
            return "ex.11.share.blocks"
        if [part for part in shares] == [list(range(rank, n, world)) for rank in range(world)]:
            lengths = " / ".join(str(len(part)) for part in shares)
            return "ex.11.share.padding", {"n": n, "world": world, "lengths": lengths,
                                           "expected": len(expected[0])}
        rank = next(r for r in range(world) if shares[r] != expected[r])
        return "ex.11.share.wrong", {"n": n, "rank": rank, "world": world, "expected": expected[rank],
                                     "got": shares[rank]}
    return None


def _fresh_sampler() -> DistributedSampler:
    """Rank 1 of 2 over 10 samples, shuffled with seed 3: a new one for every look, at its initial epoch 0."""
    return DistributedSampler(range(10), num_replicas=2, rank=1, shuffle=True, seed=3)


def _order(epoch: int) -> list[int]:
    """The order a fresh sampler gives in `epoch`."""
    sampler = _fresh_sampler()
    sampler.set_epoch(epoch)
    return list(sampler)


def check_set_epoch(epoch_orders: Callable) -> str | tuple[str, dict] | None:
    """11.set_epoch: epoch_orders(sampler, epochs) returns the order of each epoch 0 .. epochs - 1."""
    epochs = 4
    got = epoch_orders(_fresh_sampler(), epochs)
    if not isinstance(got, (list, tuple)) or len(got) != epochs or not all(isinstance(o, (list, tuple)) for o in got):
        return "ex.11.set_epoch.lists", {"epochs": epochs, "got": repr(got)[:80]}
    got = [[int(i) for i in order] for order in got]
    expected = [_order(epoch) for epoch in range(epochs)]
    if got == expected:
        return None
    if all(order == got[0] for order in got):
        return "ex.11.set_epoch.forgot"
    if got == [_order(epoch + 1) for epoch in range(epochs)]:
        return "ex.11.set_epoch.from_one"
    if got == [expected[0]] + expected[:-1]:
        return "ex.11.set_epoch.after"
    epoch = next(e for e in range(epochs) if got[e] != expected[e])
    return "ex.11.set_epoch.wrong", {"epoch": epoch, "expected": expected[epoch], "got": got[epoch]}


CHECKERS: dict[str, Callable[[Any], Any]] = {
    "11.scale": check_scale,
    "11.share": check_share,
    "11.set_epoch": check_set_epoch,
}
