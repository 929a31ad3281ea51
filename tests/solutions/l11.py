"""Solutions and common wrong answers of lesson 11's exercises (kept out of the notebooks)."""

from __future__ import annotations

import math


def scale_right(batch_size, lr, world_size):
    return batch_size * world_size, lr * world_size


def scale_unchanged(batch_size, lr, world_size):
    return batch_size, lr


def scale_lr_only(batch_size, lr, world_size):
    return batch_size * world_size, lr


def scale_lr_divided(batch_size, lr, world_size):
    return batch_size * world_size, lr / world_size


def scale_sqrt(batch_size, lr, world_size):
    return batch_size * world_size, lr * math.sqrt(world_size)


def scale_one_number(batch_size, lr, world_size):
    return batch_size * world_size


def scale_batch_added(batch_size, lr, world_size):
    return batch_size + world_size, lr * world_size


def share_right(n, rank, world_size):
    per_rank = math.ceil(n / world_size)
    indices = list(range(n))
    indices += indices[: per_rank * world_size - n]  # repeat the first ones: equal shares
    return indices[rank::world_size]


def share_no_padding(n, rank, world_size):
    return list(range(rank, n, world_size))


def share_blocks(n, rank, world_size):
    per_rank = math.ceil(n / world_size)
    return list(range(rank * per_rank, min(n, (rank + 1) * per_rank)))


def share_drop_last(n, rank, world_size):
    per_rank = n // world_size
    return list(range(rank, per_rank * world_size, world_size))


def set_epoch_right(sampler, epochs):
    orders = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        orders.append(list(sampler))
    return orders


def set_epoch_forgot(sampler, epochs):
    return [list(sampler) for _ in range(epochs)]


def set_epoch_from_one(sampler, epochs):
    orders = []
    for epoch in range(1, epochs + 1):
        sampler.set_epoch(epoch)
        orders.append(list(sampler))
    return orders


def set_epoch_after(sampler, epochs):
    orders = []
    for epoch in range(epochs):
        orders.append(list(sampler))
        sampler.set_epoch(epoch)
    return orders


def set_epoch_one_list(sampler, epochs):
    return list(sampler)


def set_epoch_reshuffled_by_hand(sampler, epochs):
    import random

    orders = []
    for epoch in range(epochs):
        order = list(sampler)
        random.Random(epoch).shuffle(order)
        orders.append(order)
    return orders


# exercise id -> (a right answer, [(a common wrong answer, the hint it must get)])
CASES = {
    "11.scale": (scale_right, [
        (scale_unchanged, "ex.11.scale.batch_per_process"),
        (scale_lr_only, "ex.11.scale.lr_unscaled"),
        (scale_lr_divided, "ex.11.scale.lr_divided"),
        (scale_sqrt, "ex.11.scale.lr_sqrt"),
        (scale_one_number, "ex.11.scale.pair"),
        (scale_batch_added, "ex.11.scale.batch"),
    ]),
    "11.share": (share_right, [
        (share_no_padding, "ex.11.share.padding"),
        (share_blocks, "ex.11.share.blocks"),
        (share_drop_last, "ex.11.share.wrong"),
    ]),
    "11.set_epoch": (set_epoch_right, [
        (set_epoch_forgot, "ex.11.set_epoch.forgot"),
        (set_epoch_from_one, "ex.11.set_epoch.from_one"),
        (set_epoch_after, "ex.11.set_epoch.after"),
        (set_epoch_one_list, "ex.11.set_epoch.lists"),
        (set_epoch_reshuffled_by_hand, "ex.11.set_epoch.wrong"),
    ]),
}
