"""helpers.health (lesson 12): every signal against a hand computation, the sampling, the hooks on and off, the picture."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import helpers
from helpers.health import Health, activation_stats, plot_health, weight_layers


def small_net(act: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8), act(), nn.Linear(8, 3))


def batch(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(16, 6, generator=g), torch.randint(0, 3, (16,), generator=g)


def step(model, optimizer, x, y) -> None:
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()


@pytest.mark.parametrize("make", [lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
                                  lambda p: torch.optim.Adam(p, lr=1e-2)], ids=["sgd_momentum", "adam"])
def test_gradient_norm_and_update_ratio_match_a_hand_computation(make):
    model = small_net()
    optimizer = make(model.parameters())
    x, y = batch()
    step(model, optimizer, x, y)  # a step before: Adam's and momentum's state is not empty
    with Health(model, optimizer, every=1) as health:
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        expected_norms = {name: torch.cat([p.grad.flatten() for p in layer]).norm().item()
                          for name, layer in (("0", model[0].parameters()), ("2", model[2].parameters()))}
        before = {"0": model[0].weight.detach().clone(), "2": model[2].weight.detach().clone()}
        optimizer.step()
    latest = health.latest()
    assert health.layers == ["0", "2"]
    for name, module in (("0", model[0]), ("2", model[2])):
        expected_ratio = ((module.weight - before[name]).std() / before[name].std()).item()
        assert latest[name]["grad_norm"] == pytest.approx(expected_norms[name], rel=1e-5)
        assert latest[name]["update_ratio"] == pytest.approx(expected_ratio, rel=1e-5)
        assert latest[name]["step"] == 0


def test_relu_statistics_match_a_hand_computation():
    out = torch.tensor([[0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 4.0, 0.0]])  # unit 0 is 0 for every sample
    mean, std, zero, dead, saturated = activation_stats(nn.ReLU(), out).tolist()
    assert mean == pytest.approx(out.mean().item()) and std == pytest.approx(out.std().item())
    assert zero == pytest.approx(6 / 9) and dead == pytest.approx(1 / 3) and math.isnan(saturated)


def test_a_channel_is_dead_only_if_zero_at_every_sample_and_position():
    out = torch.zeros(2, 3, 4, 4)
    out[1, 0, 3, 3] = 1.0  # channel 0 fires once; channels 1 and 2 never
    out[0, 2] = 0.5
    assert activation_stats(nn.ReLU(), out)[3].item() == pytest.approx(1 / 3)


@pytest.mark.parametrize("module, values, share", [
    (nn.Tanh(), torch.tensor([0.0, 0.5, 0.98, -0.99]), 0.5),
    (nn.Sigmoid(), torch.tensor([0.5, 0.02, 0.014, 0.99]), 0.5),  # 0.014 and 0.99 lie beyond 0.015 / 0.985
])
def test_saturated_share_of_tanh_and_sigmoid(module, values, share):
    stats = activation_stats(module, values.reshape(2, 2)).tolist()
    assert stats[4] == pytest.approx(share)
    assert math.isnan(stats[2]) and math.isnan(stats[3])  # zero and dead mean nothing for them


def test_only_sampled_steps_are_recorded_and_hooks_are_on_only_for_them():
    model, x_y = small_net(), batch()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    hooked = []
    with Health(model, optimizer, every=4) as health:
        for _ in range(10):
            hooked.append(bool(optimizer._optimizer_step_pre_hooks) and bool(model[1]._forward_hooks))
            step(model, optimizer, *x_y)
    assert sorted({row["step"] for row in health.rows}) == [0, 4, 8]
    assert hooked == [i % 4 == 0 for i in range(10)]
    # detached: nothing is hooked any more, and what was recorded stays
    assert not optimizer._optimizer_step_pre_hooks and not optimizer._optimizer_step_post_hooks
    assert not model[1]._forward_hooks
    assert len(health.rows) == 3 * 3  # two layers and one activation per sampled step


def test_validation_passes_do_not_count_as_activations():
    model, (x, y) = small_net(), batch()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with Health(model, optimizer, every=1) as health:
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            model(torch.full((4, 6), -100.0))  # a validation batch whose ReLU outputs would all be 0
        optimizer.step()
    expected = (model[0](x) > 0).float().mean()  # the training batch's share before the step's change is tiny
    assert health.activations()["1"]["zero"] == pytest.approx(1 - expected.item(), abs=0.1)
    assert health.activations()["1"]["zero"] < 0.9


def test_rows_history_and_the_playground_read_are_plain_numbers():
    model, x_y = small_net(nn.Tanh), batch()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    with Health(model, optimizer, every=2, keep=3) as health:
        for _ in range(10):
            step(model, optimizer, *x_y)
    steps, ratios = health.history("update_ratio", "0")
    assert steps == [4, 6, 8]  # keep=3: the oldest samples went
    assert all(isinstance(r, float) and 0 < r < 1 for r in ratios)
    assert set(health.latest()) == {"0", "2"} and health.latest()["2"]["step"] == 8
    assert health.activations()["1"]["kind"] == "Tanh"
    assert {row["kind"] for row in health.rows} == {"weights", "Tanh"}


def test_frozen_layers_and_layers_without_a_weight_are_handled():
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    model[0].requires_grad_(False)
    model.register_parameter("scale", nn.Parameter(torch.ones(3)))
    assert list(weight_layers(model)) == ["Sequential", "2"]  # the model itself holds `scale`


def test_a_health_not_attached_hooks_nothing_and_records_nothing():
    model = small_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    health = Health(model, optimizer, every=1)  # not attached
    step(model, optimizer, *batch())
    assert health.rows == [] and health.latest() == {} and health.activations() == {}
    assert not optimizer._optimizer_step_pre_hooks and not optimizer._optimizer_step_post_hooks


@pytest.mark.parametrize("every", [0, -1, 1.5, True])
def test_a_bad_sampling_interval_is_refused_in_the_chosen_language(every):
    helpers.set_language("bn")
    try:
        with pytest.raises(ValueError, match="পূর্ণসংখ্যা"):
            Health(small_net(), torch.optim.SGD(small_net().parameters(), lr=0.1), every=every)
    finally:
        helpers.set_language("en")


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_plot_health_draws_three_panels_with_labels_in_the_language(lang):
    import matplotlib

    matplotlib.use("Agg")
    model, x_y = small_net(), batch()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    with Health(model, optimizer, every=1) as health:
        for _ in range(4):
            step(model, optimizer, *x_y)
    fig = plot_health(health, lang=lang)
    titles = [ax.get_title() for ax in fig.axes]
    from helpers.plots import plot_language

    shown = plot_language(lang)
    assert titles == [helpers.t(k, shown) for k in ("health.update_title", "health.grad_title", "health.act_title")]
    assert [len(ax.lines) for ax in fig.axes] == [3, 2, 1]  # two layers + the 1e-3 guide; two layers; one ReLU
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_health_without_a_recorded_step_says_so():
    model = small_net()
    health = Health(model, torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="No step recorded"):
        plot_health(health, lang="en")


def test_a_health_around_fit_with_the_doctor_watching_records_its_steps(small_digits, digits, capsys):
    """Two readers at once: the Health's own hooks and the doctor's dynamics on the same optimizer."""
    from torch.utils.data import TensorDataset

    from helpers.data import TensorLoader
    from helpers.models import DigitClassifier

    torch.manual_seed(0)
    images, labels = small_digits
    train = TensorLoader(TensorDataset(images, labels), batch_size=32, shuffle=True, seed=0)
    val_images, val_labels = digits["val"].tensors
    val = TensorLoader(TensorDataset(val_images[:64], val_labels[:64]), batch_size=64)
    model = DigitClassifier(width=4)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    with Health(model, optimizer, every=5) as health:
        helpers.fit(model, train, val, epochs=2, optimizer=optimizer, criterion=nn.CrossEntropyLoss(),
                    device="cpu", progress=False, log_interval=None)
    assert sorted({row["step"] for row in health.rows}) == [0, 5, 10, 15]  # 16 steps: 8 batches, 2 epochs
    assert "⚠" not in capsys.readouterr().out
    assert not optimizer._optimizer_step_pre_hooks and not optimizer._optimizer_step_post_hooks


def test_the_update_ratio_of_a_large_weight_is_estimated_on_evenly_spaced_entries():
    from helpers.health import RATIO_ENTRIES, ratio_entries

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(300, 100))  # 30,000 entries: every 7th is used
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.randn(32, 300), torch.randn(32, 100)
    before = model[0].weight.detach().clone()
    with Health(model, optimizer, every=1) as health:
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    picked = slice(None, None, 30_000 // RATIO_ENTRIES)
    change, start = (model[0].weight.detach() - before).reshape(-1)[picked], before.reshape(-1)[picked]
    assert ratio_entries(before).numel() == len(range(30_000)[picked]) <= 2 * RATIO_ENTRIES
    assert health.latest()["0"]["update_ratio"] == pytest.approx((change.std() / start.std()).item(), rel=1e-5)
    exact = ((model[0].weight - before).std() / before.std()).item()
    assert health.latest()["0"]["update_ratio"] == pytest.approx(exact, rel=0.05)  # the estimate is close
