"""`python -m helpers`: train DigitClassifier headless and print each epoch (lesson 02 in one command)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .i18n import LANGUAGES, set_language, t

if TYPE_CHECKING:
    from .engine import History


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the output")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--log-interval", type=int, default=10, help="print the loss every N batches")
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits")
    parser.add_argument("--device", default=None, help="cuda, mps or cpu (default: the best one here)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> History:
    """Run the demo: `fit` on the built-in digits (the course's one epoch driver), then the test set."""
    args = parse_args(argv)
    set_language(args.lang)

    import torch

    from .data import get_loaders
    from .device import get_device, seed_everything
    from .engine import fit
    from .loop import validate
    from .models import DigitClassifier

    seed_everything(args.seed)
    device = get_device(args.device)
    train_loader, val_loader, test_loader = get_loaders(
        args.dataset, batch_size=args.batch_size, seed=args.seed, device=device
    )
    print(t("demo.start", dataset=train_loader.name, device=device, n_train=len(train_loader.dataset),
            n_val=len(val_loader.dataset), n_test=len(test_loader.dataset)))

    model = DigitClassifier().to(device)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = fit(model, train_loader, val_loader, epochs=args.epochs, optimizer=optimizer, criterion=criterion,
                  device=device, log_interval=args.log_interval)

    test_loss, test_acc = validate(model, test_loader, criterion, device)
    print(t("demo.test", loss=test_loss, acc=test_acc))
    return history


if __name__ == "__main__":
    main()
