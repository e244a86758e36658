"""`fashion-mnist-color`: Fashion-MNIST coloured by a palette per class with per-item
variation (as in the colourisation experiments of report 000, where e.g. ankle boots
were brown and dresses red). Ink is tinted multiplicatively so shading is kept."""

from __future__ import annotations

import torch

from gantune.trainables.data import fashion_mnist

# RGB base colours per class; each item picks one and jitters it.
PALETTES: dict[int, tuple[tuple[int, int, int], ...]] = {
    0: ((210, 45, 45), (35, 60, 130), (235, 235, 230), (45, 130, 75)),  # T-shirt/top
    1: ((60, 90, 150), (190, 165, 120), (70, 70, 75), (95, 105, 55)),  # Trouser
    2: ((130, 30, 50), (150, 150, 155), (215, 170, 50), (30, 120, 125)),  # Pullover
    3: ((215, 35, 45), (235, 130, 170), (60, 60, 70), (50, 80, 190)),  # Dress
    4: ((190, 140, 90), (75, 75, 80), (100, 110, 60), (40, 50, 95)),  # Coat
    5: ((205, 160, 110), (140, 85, 45), (60, 50, 45), (220, 185, 80)),  # Sandal
    6: ((150, 190, 230), (240, 240, 235), (240, 170, 190), (200, 200, 120)),  # Shirt
    7: ((240, 240, 240), (210, 40, 40), (50, 90, 200), (140, 140, 145)),  # Sneaker
    8: ((135, 80, 40), (45, 40, 40), (200, 160, 110), (130, 30, 45)),  # Bag
    9: ((120, 70, 35), (50, 40, 35), (165, 95, 45)),  # Ankle boot
}
SPLIT_SEEDS = {"train": 0, "test": 1}


def item_colours(labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """An N x 3 float tensor in [0, 1]: each item's palette colour, jittered."""
    choice = torch.rand(len(labels), generator=generator)
    brightness = 0.8 + 0.35 * torch.rand(len(labels), 1, generator=generator)
    tint = 0.025 * torch.randn(len(labels), 3, generator=generator)
    colours = torch.empty(len(labels), 3)
    for label, palette in PALETTES.items():
        chosen = labels == label
        table = torch.tensor(palette, dtype=torch.float32) / 255.0
        index = (choice[chosen] * len(palette)).long().clamp_(max=len(palette) - 1)
        colours[chosen] = table[index]
    return (colours * brightness + tint).clamp_(0.0, 1.0)


def colourise(gray: torch.Tensor, labels: torch.Tensor, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    colours = item_colours(labels, generator)
    ink = gray.float() / 255.0
    return (ink * colours[:, :, None, None] * 255.0).round_().to(torch.uint8)


def load(
    split: str = "train", seed: int = 0, path: str | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB uint8 N x 3 x 28 x 28 on a black background, class ids 0..9; deterministic
    from `seed` (train and test use different streams of it)."""
    gray, labels = fashion_mnist.load(split, path=path)
    return colourise(gray, labels, seed * 2 + SPLIT_SEEDS[split]), labels
