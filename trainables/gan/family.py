"""The GAN family: its config, trainer, driver-side preparation and generation."""

from __future__ import annotations

from gantune.trainables.families import FAMILIES, Family
from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.generate import generate, options
from gantune.trainables.gan.trainer import GanTrainer
from gantune.trainables.metrics import prepare_config_fid

FAMILIES.register(
    "gan",
    Family(
        GanConfig,
        GanTrainer,
        prepare=prepare_config_fid,
        generate=generate,
        generate_options=options,
        inference_state=("generator",),
    ),
)
