"""The model the course trains (lesson 01)."""

from __future__ import annotations

import torch
from torch import nn


class DigitClassifier(nn.Module):
    """A small CNN for 1x28x28 digits that returns logits of shape [N, 10] (lesson 01).

    Dropout makes `model.train()` and `model.eval()` behave differently, which lesson 02 shows.
    """

    def __init__(self, num_classes: int = 10, *, width: int = 16, dropout: float = 0.25):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, width, kernel_size=3, padding=1),  # [N, 1, 28, 28] -> [N, w, 28, 28]
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> [N, w, 14, 14]
            nn.Conv2d(width, 2 * width, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> [N, 2w, 7, 7]
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 64),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(64, num_classes),  # raw scores (logits): no softmax here
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
