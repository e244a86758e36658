"""A user's own class folder, made from Fashion-MNIST: a few classes of grey 28 px PNGs,
one folder per class (the layout `image-folder` reads), for the worked example's tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from gantune.trainables.data import fashion_mnist


def class_folder(root: Path, classes: tuple[int, ...] = (0, 1, 7), per_class: int = 60) -> Path:
    images, labels = fashion_mnist.load("train")
    for label in classes:
        folder = root / fashion_mnist.CLASSES[label].replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        chosen = (labels == label).nonzero().flatten()[:per_class]
        for number, index in enumerate(chosen.tolist()):
            Image.fromarray(images[index, 0].numpy()).save(folder / f"{number:04d}.png")
    return root
