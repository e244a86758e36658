"""The colorization family: its config, trainer, driver-side preparation (a colour-aware
FID feature net for its dataset, trained once if missing), and how a checkpoint colours
a folder (`gantune colorize`, or the shared `gantune translate`)."""

from __future__ import annotations

from pathlib import Path

from gantune.trainables.colorization.config import ColorizationConfig
from gantune.trainables.colorization.data import read_folder
from gantune.trainables.colorization.model import Colouriser
from gantune.trainables.colorization.nets import max_depth
from gantune.trainables.colorization.trainer import ColorizationTrainer
from gantune.trainables.families import FAMILIES, Family
from gantune.trainables.generate import load_checkpoint
from gantune.trainables.metrics import prepare_fid, resolve_backend
from gantune.trainables.translation.commands import FOLDER_TRANSLATORS


def colour_features(config: ColorizationConfig) -> None:
    """A colour-aware feature net for the dataset (its luma-only default cannot see a
    colourisation's colours): trained once, into the cache, when none is there."""
    if config.fid_backend is not None:
        return
    from gantune.trainables.metrics.backends import trained_dir
    from gantune.trainables.metrics.feature_training import derived_recipe, train_features
    from gantune.trainables.metrics.fid import derived_name

    name = derived_name(config.dataset, config.dataset_options)
    if resolve_backend(config.dataset, None, config.dataset_options) != name:
        print(f"training {name}, a colour-aware FID feature net for {config.dataset} ...")
        recipe = derived_recipe(config.dataset, config.dataset_options)
        train_features(name, trained_dir(), recipe=recipe)


def prepare(config: ColorizationConfig) -> None:
    colour_features(config)
    prepare_fid(config.dataset, config.dataset_options, config.fid_backend)


def colourise_folder(
    checkpoint: str | Path, direction: str, source: str | Path, destination: str | Path
) -> list[Path]:
    """Every image of `source` (colour or grey) coloured by the checkpoint's generator,
    written to `destination` under its own name, at the trained size."""
    state, resolved = load_checkpoint(checkpoint)
    config = resolved.model
    _, size, _ = state["meta"]["image_shape"]
    depth = min(config.depth, max_depth(size))
    generator = Colouriser(config.space, config.ngf, depth, config.norm, config.dropout)
    generator.load_state_dict(state["trainer"]["generator"])
    files, images = read_folder(Path(source).expanduser(), size)
    destination = Path(destination).expanduser()
    destination.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    written = []
    for path, image in zip(files, generator.colourise(images), strict=True):
        Image.fromarray(image.permute(1, 2, 0).numpy()).save(destination / path.name)
        written.append(destination / path.name)
    return written


def refuse_generate(state, config, request):
    raise ValueError(
        "a colorizer colours grey images rather than drawing new ones: use "
        "`gantune colorize CHECKPOINT INPUT_DIR -o OUTPUT_DIR`"
    )


FOLDER_TRANSLATORS.register("colorization", colourise_folder)
FAMILIES.register(
    "colorization",
    Family(
        ColorizationConfig,
        ColorizationTrainer,
        prepare=prepare,
        generate=refuse_generate,
        hint="gantune colorize {checkpoint} INPUT_DIR -o OUTPUT_DIR",
        inference_state=("generator",),
    ),
)
