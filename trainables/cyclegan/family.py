"""The CycleGAN family: its config, trainer and driver-side preparation; it translates
(`gantune translate`) rather than generating."""

from __future__ import annotations

from trainables.cyclegan.config import CycleGanConfig
from trainables.cyclegan.trainer import CycleGanTrainer
from trainables.cyclegan.translate import refuse_generate, translate_folder
from trainables.families import FAMILIES, Family
from trainables.metrics import prepare_fid, reference_features, resolve_backend


def prepare(config: CycleGanConfig) -> None:
    """The dataset is readable and both domains' test features and statistics are cached."""
    prepare_fid(config.dataset, config.dataset_options, config.fid_backend, domains=(0, 1))
    backend = resolve_backend(config.dataset, config.fid_backend, config.dataset_options)
    for domain in (0, 1):
        reference_features((config.dataset, "test"), backend, config.dataset_options, None, domain)


FAMILIES.register(
    "cyclegan",
    Family(
        CycleGanConfig,
        CycleGanTrainer,
        prepare=prepare,
        generate=refuse_generate,
        translate=translate_folder,
        hint="gantune translate {checkpoint} INPUT_DIR --direction a2b -o OUTPUT_DIR",
    ),
)
