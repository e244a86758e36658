"""The GAN family: its config, trainer, driver-side preparation and generation."""

from __future__ import annotations

from trainables.families import FAMILIES, Family
from trainables.gan.config import GanConfig
from trainables.gan.generate import generate
from trainables.gan.trainer import GanTrainer
from trainables.metrics import prepare_config_fid

FAMILIES.register(
    "gan",
    Family(
        GanConfig,
        GanTrainer,
        prepare=prepare_config_fid,
        generate=generate,
        inference_state=("generator",),
    ),
)
