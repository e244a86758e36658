"""`leather-denim`: two clothing domains rendered from Fashion-MNIST shapes.

Leather: brown/black hide with pebbled grain, shading and glossy highlights.
Denim: indigo twill (diagonal weave), faded high points and contrast stitching.
Train: the items of Fashion-MNIST train are split into two disjoint halves, one rendered
as leather (domain 0), one as denim (domain 1): unpaired, as CycleGAN expects.
Test: every Fashion-MNIST test item is rendered in both domains, so a translation can be
scored against its ground truth. Everything is deterministic from `seed`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from gantune.trainables.data import fashion_mnist
from gantune.trainables.data.cache import cache_dir, save_npz_atomic

DOMAINS = ("leather", "denim")
SIZES = (32, 64)
BACKGROUND = 242.0 / 255.0
RENDER_VERSION = 1  # bump when the rendering changes, so caches are rebuilt
CHUNK = 4096

LEATHER = torch.tensor(
    [(62, 36, 22), (104, 58, 30), (146, 80, 38), (28, 24, 22), (86, 24, 26)], dtype=torch.float32
)
DENIM = torch.tensor(
    [(28, 44, 92), (42, 66, 124), (70, 102, 152), (22, 30, 62)], dtype=torch.float32
)
THREAD = torch.tensor((214, 150, 58), dtype=torch.float32) / 255.0


def gaussian_blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, math.ceil(2.5 * sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-(offsets**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    channels = images.shape[1]
    horizontal = kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1)
    vertical = kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1)
    out = F.conv2d(
        F.pad(images, (radius, radius, 0, 0), mode="replicate"), horizontal, groups=channels
    )
    return F.conv2d(F.pad(out, (0, 0, radius, radius), mode="replicate"), vertical, groups=channels)


def dilate(mask: torch.Tensor, radius: int = 1) -> torch.Tensor:
    return F.max_pool2d(mask, 2 * radius + 1, stride=1, padding=radius)


def erode(mask: torch.Tensor, radius: int = 1) -> torch.Tensor:
    return -F.max_pool2d(-mask, 2 * radius + 1, stride=1, padding=radius)


def shapes(gray: torch.Tensor, size: int) -> torch.Tensor:
    """Fashion-MNIST ink in [0, 1], scaled by size // 32 and centred on a size x size canvas."""
    scale = size // 32
    ink = gray.float() / 255.0
    if scale > 1:
        ink = F.interpolate(ink, scale_factor=scale, mode="bilinear", align_corners=False)
    pad = (size - ink.shape[-1]) // 2
    return F.pad(ink, (pad, pad, pad, pad))


def silhouette(ink: torch.Tensor, scale: int) -> torch.Tensor:
    """A filled, slightly softened mask of the item (dark prints inside are no holes)."""
    mask = (ink > 0.04).float()
    mask = erode(dilate(mask, scale), scale)  # closing fills small holes
    return gaussian_blur(mask, 0.5).clamp_(0.0, 1.0)


def pick(palette: torch.Tensor, count: int, generator: torch.Generator) -> torch.Tensor:
    index = torch.randint(len(palette), (count,), generator=generator)
    jitter = 1.0 + 0.12 * torch.randn(count, 1, generator=generator)
    return (palette[index] / 255.0 * jitter).clamp_(0.0, 1.0)[:, :, None, None]


def leather(ink: torch.Tensor, mask: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    count, _, height, width = ink.shape
    scale = height // 32
    base = pick(LEATHER, count, generator)
    noise = torch.randn(count, 1, height, width, generator=generator)
    pebbles = gaussian_blur(noise, 0.7 * scale)
    pebbles = pebbles / pebbles.std(dim=(2, 3), keepdim=True).clamp_min(1e-6)
    grain = 1.0 + 0.13 * torch.tanh(pebbles) - 0.08 * (pebbles < -1.0).float()
    smooth = gaussian_blur(ink, 1.2 * scale)
    shade = 0.3 + 0.6 * smooth
    # Gloss: light from the top left catches the folds encoded in the ink's intensity.
    gy = smooth[:, :, 1:, :] - smooth[:, :, :-1, :]
    gx = smooth[:, :, :, 1:] - smooth[:, :, :, :-1]
    gy = F.pad(gy, (0, 0, 0, 1))
    gx = F.pad(gx, (0, 1, 0, 0))
    facing = (-(gx + gy) * 6.0 / scale).clamp(0.0, 1.0)
    ridge = (smooth - gaussian_blur(ink, 3.0 * scale)).clamp_min(0.0) * 4.0
    gloss = (0.3 * facing**2 + 0.8 * ridge**1.5).clamp(0.0, 0.4) * grain
    warm_white = torch.tensor((1.0, 0.93, 0.85)).view(1, 3, 1, 1)
    return (base * shade * grain + gloss * warm_white).clamp(0.0, 1.0)


def denim(ink: torch.Tensor, mask: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    count, _, height, width = ink.shape
    scale = height // 32
    base = pick(DENIM, count, generator)
    rows = torch.arange(height, dtype=torch.float32).view(1, 1, -1, 1)
    cols = torch.arange(width, dtype=torch.float32).view(1, 1, 1, -1)
    phase = 2 * math.pi * torch.rand(count, 1, 1, 1, generator=generator)
    twill = torch.sin(2 * math.pi * (cols + rows) / (3.0 * scale) + phase)
    slub = gaussian_blur(torch.randn(count, 1, height, width, generator=generator), 0.5)
    weave = 1.0 + 0.16 * twill + 0.05 * slub
    smooth = gaussian_blur(ink, 1.0 * scale)
    shade = 0.55 + 0.6 * smooth
    fade = (smooth - 0.55).clamp_min(0.0) * 1.2  # worn, lighter high points
    cloth = base * shade * weave + fade * torch.tensor((0.55, 0.62, 0.72)).view(1, 3, 1, 1)
    # Contrast stitching: a dashed thread a little inside the outline.
    solid = (mask > 0.5).float()
    ring = erode(solid, scale) - erode(solid, 2 * scale)
    dashes = (((cols + rows) // (2 * scale)) % 2 == 0).float()
    stitch = ring * dashes
    cloth = cloth * (1 - stitch) + THREAD.view(1, 3, 1, 1) * stitch
    return cloth.clamp(0.0, 1.0)


RENDERERS = {"leather": leather, "denim": denim}


def render(gray: torch.Tensor, domain: str, size: int, generator: torch.Generator) -> torch.Tensor:
    """Items (uint8 N x 1 x 28 x 28) rendered in one domain: uint8 N x 3 x size x size."""
    out = []
    for start in range(0, len(gray), CHUNK):
        ink = shapes(gray[start : start + CHUNK], size)
        mask = silhouette(ink, size // 32)
        cloth = RENDERERS[domain](ink, mask, generator)
        image = cloth * mask + BACKGROUND * (1 - mask)
        out.append((image * 255.0).round_().to(torch.uint8))
    return torch.cat(out)


def build(split: str, size: int, seed: int, count: int) -> dict[str, np.ndarray]:
    gray, classes = fashion_mnist.load(split)
    if count:  # the split's first `count` items (a smaller rendering, for tests)
        gray, classes = gray[:count], classes[:count]
    items = torch.arange(len(gray))
    generator = torch.Generator().manual_seed(seed * 1009 + (0 if split == "train" else 1))
    if split == "train":
        order = torch.randperm(len(gray), generator=generator)
        halves = (order[: len(order) // 2].sort().values, order[len(order) // 2 :].sort().values)
    else:
        halves = (items, items)
    images, labels = [], []
    for domain, chosen in enumerate(halves):
        images.append(render(gray[chosen], DOMAINS[domain], size, generator))
        domain_column = torch.full((len(chosen),), domain)
        labels.append(torch.stack([classes[chosen], domain_column, items[chosen]], dim=1))
    return {"images": torch.cat(images).numpy(), "labels": torch.cat(labels).numpy()}


def cached_path(split: str, size: int, seed: int, items: int = 0) -> Path:
    part = f"-items{items}" if items else ""
    name = f"v{RENDER_VERSION}-{split}-{size}px-seed{seed}{part}.npz"
    return cache_dir() / "leather-denim" / name


def fetch(size: int = 32, seed: int = 0, items: int = 0) -> str:
    """Render both splits into the cache; return where they are."""
    for split in fashion_mnist.SPLITS:
        load(split, size, seed, items)
    return f"rendered into {cached_path('train', size, seed, items).parent}"


def load(
    split: str = "train", size: int = 32, seed: int = 0, items: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB uint8 N x 3 x size x size (light background) and labels N x 3 int64:
    (Fashion-MNIST class, domain 0 leather / 1 denim, item index in the Fashion-MNIST split).
    Train: 30,000 items per domain, disjoint. Test: 10,000 items, each in both domains.
    `items` > 0 renders only each split's first `items` items (tests use a few thousand;
    a rendering of its own in the cache)."""
    if size not in SIZES:
        raise ValueError(f"unsupported size {size} for leather-denim; valid choices: 32, 64")
    if split not in fashion_mnist.SPLITS:
        raise ValueError(f"unknown split {split!r} for leather-denim; valid choices: train, test")
    if items < 0:
        raise ValueError(f"items must be 0 (all) or more, not {items}")
    path = cached_path(split, size, seed, items)
    if not path.is_file():
        save_npz_atomic(path, build(split, size, seed, items))
    with np.load(path) as archive:
        return torch.from_numpy(archive["images"]), torch.from_numpy(archive["labels"]).long()
