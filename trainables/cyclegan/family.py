"""The CycleGAN family: its config, trainer and driver-side preparation; it translates
(`gantune translate`) rather than generating."""

from __future__ import annotations

from gantune.trainables import data
from gantune.trainables.cyclegan.config import CycleGanConfig
from gantune.trainables.cyclegan.trainer import CycleGanTrainer
from gantune.trainables.cyclegan.translate import refuse_generate, translate_folder
from gantune.trainables.families import FAMILIES, Family
from gantune.trainables.metrics import prepare_fid, reference_features, resolve_backend
from gantune.trainables.translation.commands import FOLDER_TRANSLATORS
from gantune.trainables.translation.pairs import again_options


def prepare(config: CycleGanConfig) -> None:
    """The dataset is readable, both domains' test features and statistics are cached, and
    the test items rendered again for the oracle (where the dataset can)."""
    prepare_fid(config.dataset, config.dataset_options, config.fid_backend, domains=(0, 1))
    backend = resolve_backend(config.dataset, config.fid_backend, config.dataset_options)
    for domain in (0, 1):
        reference_features((config.dataset, "test"), backend, config.dataset_options, None, domain)
    other = again_options(config.dataset, config.dataset_options)
    if other is not None:
        data.load(config.dataset, "test", **other)


FOLDER_TRANSLATORS.register("cyclegan", translate_folder)
FAMILIES.register(
    "cyclegan",
    Family(
        CycleGanConfig,
        CycleGanTrainer,
        prepare=prepare,
        generate=refuse_generate,
        hint="gantune translate {checkpoint} INPUT_DIR --direction a2b -o OUTPUT_DIR",
        inference_state=("g_ab", "g_ba"),
    ),
)
