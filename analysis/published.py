"""Published numbers gantune reproduces, each with its source.

Lucic, Kurach, Michalski, Gelly, Bousquet (2018), "Are GANs Created Equal? A Large-Scale
Study", NeurIPS 2018, Table 2: FID (mean ± std over 50 seeds of the best setting from a
100-setting wide search; InfoGAN-style nets, batch 64; 10k samples vs the 10k test
images; Inception features). `*` in the paper marks results that are not stable
(LSGAN on MNIST and CelebA); the std of those rows is kept as printed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LUCIC_2018 = "Lucic et al. 2018, Are GANs Created Equal?, Table 2 (FID, Inception features)"
DATASETS = ("mnist", "fashion-mnist", "cifar10", "celeba")
# loss: ((mean, std) per dataset in DATASETS order)
LUCIC_TABLE_2 = {
    "mm": ((9.8, 0.9), (29.6, 1.6), (72.7, 3.6), (65.6, 4.2)),
    "ns": ((6.8, 0.5), (26.5, 1.6), (58.5, 1.9), (55.0, 3.3)),
    "lsgan": ((7.8, 0.6), (30.7, 2.2), (87.1, 47.5), (53.9, 2.8)),
    "wgan": ((6.7, 0.4), (21.5, 1.6), (55.2, 2.3), (41.3, 2.0)),
    "wgan-gp": ((20.3, 5.0), (24.5, 2.1), (55.8, 0.9), (30.0, 1.0)),
    "dragan": ((7.6, 0.4), (27.7, 1.2), (69.8, 2.0), (42.3, 3.0)),
    "began": ((13.1, 1.0), (22.9, 0.9), (71.4, 1.6), (38.9, 0.9)),
    "vae": ((23.8, 0.6), (58.7, 1.2), (155.7, 11.6), (85.7, 3.8)),
}


DAI_WIPF_2019 = (
    "Dai & Wipf 2019, Diagnosing and Enhancing VAE Models, ICLR 2019, Table 1 (FID on "
    "Fashion-MNIST, the Lucic et al. architecture, 10 runs)"
)
DAI_WIPF_FASHION = {"VAE": (43.6, 0.7), "2-Stage VAE": (29.3, 1.0)}


def lucic_table() -> pd.DataFrame:
    """Long form: one row per (model, dataset) with the FID mean, std and the source; the
    models are the GAN losses and the VAE."""
    rows = [
        {"model": model, "dataset": dataset, "mean": mean, "std": std, "source": LUCIC_2018}
        for model, values in LUCIC_TABLE_2.items()
        for dataset, (mean, std) in zip(DATASETS, values, strict=True)
    ]
    return pd.DataFrame(rows)


def lucic_column(dataset: str = "fashion-mnist") -> pd.DataFrame:
    """One dataset's column (mean, std), indexed by model."""
    table = lucic_table()
    return table[table["dataset"] == dataset].set_index("model")[["mean", "std"]]


@dataclass(frozen=True)
class ReportedResult:
    what: str
    value: float
    unit: str
    source: str


# The reports our users start from, cited so a reader can look them up.
BRAYTON = (
    'Brayton, Patel, Selvia, Zhang, "E_in-style: Clothing Item Generation using GANs" '
    "(San José State University)"
)
LIU = 'Liu Minghao, "Fashion Image Generation Using GAN Model"'
FERRER_KIM = (
    'Ferrer Avila, Kim, "Clothing Texture Synthesis using CycleGAN" '
    "(Stanford CS230; github.com/JihoonAndyKim/CS230-Final-Project)"
)
SHI = (
    'Jinchuan Shi, "Fashion products synthetic image generator (Generative Adversarial '
    'Network)" (Stanford)'
)
FLOWERS = (
    '"Generating Fashion and Flowers using Generative Adversarial Networks" (no authors given)'
)
REPORTED: tuple[ReportedResult, ...] = (
    ReportedResult(
        "dense classifier 784-128-10, test accuracy", 0.88, "fraction", f"{BRAYTON}, VI.A"
    ),
    ReportedResult(
        "two-conv CNN (5x5, 64 and 128 filters), test accuracy",
        0.90,
        "fraction",
        f"{BRAYTON}, VI.A",
    ),
    ReportedResult(
        "classifier under FGSM on item pixels, epsilon 0.05, accuracy",
        0.75,
        "fraction",
        f"{BRAYTON}, VI.A",
    ),
    ReportedResult(
        "CycleGAN leather<->denim, ResNet-9, mean total objective",
        2.86,
        "objective",
        f"{FERRER_KIM}, 5.2",
    ),
    ReportedResult(
        "CycleGAN leather<->denim, ResNet-6, mean total objective",
        3.22,
        "objective",
        f"{FERRER_KIM}, 5.2",
    ),
    ReportedResult(
        "CycleGAN, other architectures tried, total objective",
        3.5,
        "objective",
        f"{FERRER_KIM}, 4.3",
    ),
    ReportedResult(
        "Conditional VAE, best latent size of 10/20/50/100 (chosen by loss)",
        100,
        "latent size",
        f"{SHI}, 3.2",
    ),
    ReportedResult(
        "Conditional VAE, validation loss (mean BCE per pixel + KL / pixels)",
        0.2121,
        "objective",
        f"{SHI}, 4",
    ),
    ReportedResult("MLP GAN (noise 100), Adam learning rate", 0.002, "lr", f"{LIU}, 2.1"),
    ReportedResult("MLP GAN and cGAN, batch size", 256, "images", f"{LIU}, 2.2"),
    ReportedResult("WGAN weight clipping", 0.01, "clip", f"{LIU}, 4.1.1"),
    ReportedResult("WGAN-GP batch size", 64, "images", f"{LIU}, 4.2"),
    ReportedResult(
        "DCGAN (tf.keras tutorial layout) batch size", 256, "images", f"{FLOWERS}, 3.2.2"
    ),
)


def reported_table() -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in REPORTED])
