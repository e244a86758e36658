"""The VAE family: its config, trainer, driver-side preparation and generation."""

from __future__ import annotations

from gantune.trainables.families import FAMILIES, Family
from gantune.trainables.metrics import prepare_config_fid
from gantune.trainables.vae.config import VaeConfig
from gantune.trainables.vae.generate import generate, options
from gantune.trainables.vae.trainer import VaeTrainer

FAMILIES.register(
    "vae",
    Family(
        VaeConfig,
        VaeTrainer,
        prepare=prepare_config_fid,
        generate=generate,
        generate_options=options,
        hint="gantune generate {checkpoint} -o best.png  (--label / --attr for conditional VAEs)",
        inference_state=("decoder",),
    ),
)
