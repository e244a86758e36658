"""The classifier family's space and presets."""

from __future__ import annotations

from typing import Any

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Float, Suggests
from gantune.spaces.presets import Preset

PARAMS = ("net", "lr", "batch_size", "weight_decay", "shift")


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    return preset.draw(trial, PARAMS)


PRESETS = {
    "classifier-basic": Preset(
        "classifier-basic",
        {
            "net": Choice(("dense", "cnn2", "feature-cnn")),
            "lr": Float(1e-4, 1e-2, log=True),
            "batch_size": Choice((64, 128, 256)),
            "weight_decay": Float(1e-6, 1e-3, log=True),
            "shift": Choice((0, 1, 2)),
        },
        summary="the report 000 classifiers and our feature CNN",
    ),
}

DESCRIPTOR = register(
    FamilySpace(
        name="classifier",
        summary="classifiers (report 000) and FID feature nets",
        space=space,
        presets=PRESETS,
        default_preset="classifier-basic",
        stratify_by="net",
        metric="accuracy",
        mode="max",
        pbt_mutable=("lr",),
        shown=("net", "lr", "batch_size"),
        tiny={"net": "dense", "batch_size": 64, "images_per_iter": 512, "cosine_images": 1024},
    )
)
