"""The colorization family's space and presets.

Stratified by the objective pix2pix compares (Isola et al. 2017, Sec. 4.2): L1 + cGAN,
the cGAN alone and L1 alone (no adversarial term). Sources: pix2pix's defaults (U-Net,
70x70 PatchGAN, lambda 100, Adam 2e-4 (0.5, 0.999), batch 1 for colorization); report
000's colorization (a DCGAN-style GAN on grey Fashion-MNIST coloured per class, 50
epochs, Keras's Adam defaults for DCGANs: 2e-4, 0.5; no L1 term).
"""

from __future__ import annotations

from typing import Any

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Fixed, Float, Param, Suggests
from gantune.spaces.presets import Preset

SHARED = ("space", "loss", "lr", "beta1", "depth", "ngf", "d_patch")


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    """The objective first; lambda_l1 only where L1 joins the adversarial term; the
    discriminator's settings only where there is one."""
    objective = preset.params["objective"].draw(trial, "objective")
    names = [name for name in SHARED if objective != "l1" or name not in ("loss", "d_patch")]
    if objective == "l1+gan":
        names.append("lambda_l1")
    return preset.draw(trial, tuple(names)) | {"objective": objective}


RANGES: dict[str, Param] = {
    "objective": Choice(("l1+gan", "gan", "l1")),
    "space": Fixed("lab"),  # pix2pix's: ab from L; `ranges.space: {choices: [lab, rgb]}`
    "loss": Choice(("ns", "lsgan", "hinge")),
    "lambda_l1": Float(1.0, 300.0, log=True),
    "lr": Float(5e-5, 2e-3, log=True),
    "beta1": Float(0.0, 0.9),
    "depth": Choice((2, 3, 4)),
    "ngf": Choice((16, 32, 64)),
    "d_patch": Choice((1, 16, 34, 70)),
}
PIX2PIX = {"loss": "ns", "lambda_l1": 100.0, "lr": 2e-4, "beta1": 0.5, "d_patch": 70}

PRESETS = {
    "cpu-mini": Preset(
        "cpu-mini",
        RANGES | {"ngf": Choice((16, 32)), "depth": Choice((2, 3)), "d_patch": Choice((1, 16, 34))},
        {"batch_size": 32, "ndf": 16},
        summary="28 px Fashion-MNIST in colour, narrow nets: minutes on a CPU",
    ),
    "pix2pix": Preset(
        "pix2pix",
        RANGES,
        {"batch_size": 1, "ndf": 64, "ngf": 64},
        (
            PIX2PIX | {"objective": "l1+gan"},
            {k: v for k, v in PIX2PIX.items() if k != "lambda_l1"} | {"objective": "gan"},
        ),
        summary="pix2pix's colorization settings first, then the full ranges",
    ),
    "report-000": Preset(
        "report-000",
        RANGES
        | {
            "objective": Fixed("gan"),
            "space": Fixed("rgb"),  # the report's GAN drew RGB
            "loss": Fixed("ns"),
            "lr": Fixed(2e-4),
            "beta1": Fixed(0.5),
        },
        {"batch_size": 64},
        summary="report 000's colorization: a GAN without L1, Adam 2e-4 (0.5)",
    ),
}

DESCRIPTOR = register(
    FamilySpace(
        name="colorization",
        summary="colorization: grey items in, colour items out (pix2pix; report 000)",
        space=space,
        presets=PRESETS,
        default_preset="cpu-mini",
        stratify_by="objective",
        metric="fid",  # of the colourised test items, on a colour-aware feature net
        mode="min",
        pbt_mutable=("lr", "lambda_l1"),
        shown=("objective", "space", "loss", "lambda_l1", "lr", "depth"),
        tiny={
            "ngf": 4,
            "ndf": 4,
            "depth": 2,
            "batch_size": 4,
            "images_per_iter": 16,
            "eval_samples": 32,
            "fid_backend": "fmnist-cnn",  # the contract tests train no feature net
        },
    )
)
