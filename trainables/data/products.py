"""`fashion-attributes`: Fashion-MNIST shapes with two independent attributes, in the
layout of the fashion-product-images data set (report 003): an attributes table with
`id, masterCategory, subCategory, articleType, baseColour`.

`articleType` is the item's Fashion-MNIST class; `baseColour` is drawn per item, uniformly
from a named palette and independently of the class, and the item is rendered in it on a
white background (as product photos are). Deterministic from `seed` (train and test use
different streams). `export` writes the images/ + styles.csv folder that the
`image-folder` dataset reads, so both layouts are the same data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image

from gantune.trainables.data import fashion_mnist

PALETTE: dict[str, tuple[int, int, int]] = {
    "Black": (30, 30, 32),
    "Navy Blue": (32, 48, 120),
    "Red": (205, 32, 40),
    "Green": (40, 140, 62),
    "Yellow": (232, 200, 40),
    "Pink": (238, 128, 172),
    "Brown": (122, 74, 38),
    "Grey": (140, 140, 146),
}
CATEGORIES = {  # Fashion-MNIST class -> (masterCategory, subCategory), as the public set has
    "T-shirt/top": ("Apparel", "Topwear"),
    "Trouser": ("Apparel", "Bottomwear"),
    "Pullover": ("Apparel", "Topwear"),
    "Dress": ("Apparel", "Dress"),
    "Coat": ("Apparel", "Topwear"),
    "Sandal": ("Footwear", "Sandal"),
    "Shirt": ("Apparel", "Topwear"),
    "Sneaker": ("Footwear", "Shoes"),
    "Bag": ("Accessories", "Bags"),
    "Ankle boot": ("Footwear", "Shoes"),
}
COLUMNS = ("id", "masterCategory", "subCategory", "articleType", "baseColour")
ATTRIBUTES = ("articleType", "baseColour")  # the two independent ones
SPLIT_SEEDS = {"train": 0, "test": 1}


def render(gray: torch.Tensor, colours: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Items in their colours on white: ink is the item's opacity and shading."""
    ink = gray.float() / 255.0
    brightness = 0.9 + 0.2 * torch.rand(len(gray), 1, 1, 1, generator=generator)
    tint = (colours[:, :, None, None] / 255.0 * brightness).clamp(0.0, 1.0)
    shaded = tint * (0.7 + 0.3 * ink)
    return ((1.0 - ink) + ink * shaded).mul(255.0).round().clamp(0, 255).to(torch.uint8)


def load(split: str = "train", seed: int = 0, path: str | None = None):
    """RGB uint8 N x 3 x 28 x 28 and the attributes table (a DataFrame, one row per image)."""
    if split not in SPLIT_SEEDS:
        raise ValueError(f"unknown split {split!r} for fashion-attributes; valid: train, test")
    gray, classes = fashion_mnist.load(split, path=path)
    generator = torch.Generator().manual_seed(seed * 2 + SPLIT_SEEDS[split])
    names = list(PALETTE)
    colour_ids = torch.randint(len(names), (len(gray),), generator=generator)
    table_colours = torch.tensor(list(PALETTE.values()), dtype=torch.float32)
    images = render(gray, table_colours[colour_ids], generator)
    article = [fashion_mnist.CLASSES[i] for i in classes.tolist()]
    offset = 0 if split == "train" else 100000  # ids unique across the two splits
    table = pd.DataFrame(
        {
            "id": np.arange(len(gray)) + offset,
            "masterCategory": [CATEGORIES[a][0] for a in article],
            "subCategory": [CATEGORIES[a][1] for a in article],
            "articleType": article,
            "baseColour": [names[i] for i in colour_ids.tolist()],
        }
    )
    return images, table


def export(directory: str | Path, split: str = "train", seed: int = 0, limit: int | None = None):
    """Write the images/ + styles.csv layout of the fashion-product-images set."""
    images, table = load(split, seed)
    if limit is not None:
        images, table = images[:limit], table.iloc[:limit]
    root = Path(directory).expanduser()
    (root / "images").mkdir(parents=True, exist_ok=True)
    for key, image in zip(table["id"], images, strict=True):
        Image.fromarray(image.permute(1, 2, 0).numpy()).save(root / "images" / f"{key}.png")
    table.to_csv(root / "styles.csv", index=False)
    return root
