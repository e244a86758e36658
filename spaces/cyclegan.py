"""The CycleGAN family's space and presets.

The generator depth (6 or 9 residual blocks) is the stratify key, so ResNet-6 and
ResNet-9 get the same number of trials; the cycle weight lambda is searched on a log
scale. Sources: Zhu et al. 2017 and their pytorch-CycleGAN-and-pix2pix defaults (lr 2e-4,
beta1 0.5, lambda 10, identity 0.5, pool 50, batch 1, PatchGAN, constant then linear
decay); the report on leather <-> denim (Ferrer Avila and Kim): lr 0.002 constant,
batch 10, the unnormalised five-conv D, LSGAN, lambda 10, ResNet-6 and ResNet-9 (its
code's "ResNet-9" built 8 blocks).
"""

from __future__ import annotations

from typing import Any

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Float, Param, Suggests
from gantune.spaces.presets import Preset

PARAMS = (
    "lambda_cycle", "lambda_identity", "lr", "beta1", "pool_size", "discriminator",
    "batch_size", "decay_images",
)  # fmt: skip


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    return preset.draw(trial, ("n_blocks", *PARAMS))


RANGES: dict[str, Param] = {
    "n_blocks": Choice((6, 9)),
    "lambda_cycle": Float(1.0, 30.0, log=True),
    "lambda_identity": Float(0.0, 1.0),
    "lr": Float(5e-5, 5e-3, log=True),
    "beta1": Float(0.0, 0.9),
    "pool_size": Choice((0, 50)),
    "discriminator": Choice(("patchgan", "five-conv")),
    "batch_size": Choice((1, 4, 10)),
}
# Zhu et al.: 100 epochs at a constant rate, then 100 falling to zero; an epoch of a
# leather-denim domain is 30,000 images. Set in images, so a trial's schedule does not
# depend on how long the scheduler lets it run.
EPOCH = 30_000
ZHU_DECAY = {"decay_start_images": 100 * EPOCH}
REFERENCE = {
    "lambda_cycle": 10.0, "lambda_identity": 0.5, "lr": 2e-4, "beta1": 0.5, "pool_size": 50,
    "discriminator": "patchgan", "batch_size": 1, "decay_images": 100 * EPOCH,
}  # fmt: skip
REPORT = REFERENCE | {
    "lr": 2e-3,
    "batch_size": 10,
    "discriminator": "five-conv",
    "decay_images": 0,  # the report kept its rate constant
}

PRESETS = {
    "cpu-mini": Preset(
        "cpu-mini",
        RANGES | {"batch_size": Choice((1, 4))},
        # constant for 4,000 images, then to zero over the next 4,000 (the mini study's
        # 4 iterations of 2,000)
        {"ngf": 8, "ndf": 16, "decay_start_images": 4000, "decay_images": 4000},
        summary="32 px, narrow nets: a study of minutes on a CPU",
    ),
    "wide": Preset(
        "wide",
        RANGES,
        {"ngf": 64, "ndf": 64, **ZHU_DECAY, "decay_images": 100 * EPOCH},
        summary="the full ranges, reference widths",
    ),
    "seed-defaults": Preset(
        "seed-defaults",
        RANGES | {"decay_images": Choice((100 * EPOCH, 0))},
        {"ngf": 64, "ndf": 64, **ZHU_DECAY},
        (
            REFERENCE | {"n_blocks": 6},
            REFERENCE | {"n_blocks": 9},
            REPORT | {"n_blocks": 6},
            REPORT | {"n_blocks": 9},
        ),
        summary="Zhu et al.'s reference settings and the report's first, then the full ranges",
    ),
}

DESCRIPTOR = register(
    FamilySpace(
        name="cyclegan",
        summary="CycleGAN: unpaired translation between two domains (leather <-> denim)",
        space=space,
        presets=PRESETS,
        default_preset="cpu-mini",
        stratify_by="n_blocks",
        metric="fid",  # the mean of both directions' FID on the test split
        mode="min",
        pbt_mutable=("lr", "lambda_cycle"),
        shown=("n_blocks", "lambda_cycle", "lr", "discriminator", "batch_size"),
        tiny={
            "dataset_options": {"items": 600},  # a test-sized rendering of leather-denim
            "ngf": 4,
            "ndf": 4,
            "batch_size": 2,
            "pool_size": 4,
            "decay_start_images": 16,
            "decay_images": 16,
            "images_per_iter": 16,
            "eval_samples": 64,
        },
    )
)
