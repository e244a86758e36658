"""`gantune translate CHECKPOINT INPUT_DIR [--direction a2b] -o OUTPUT_DIR`: a trained
translation model (a CycleGAN's generator, say) applied to a folder of images,
each written back under its own name. Translation families register how they apply a
checkpoint in `FOLDER_TRANSLATORS`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from gantune.spaces.registry import Registry

# (checkpoint, direction, input folder, output folder) -> the files written
FolderTranslator = Callable[[str | Path, str, str | Path, str | Path], list[Path]]
FOLDER_TRANSLATORS: Registry[FolderTranslator] = Registry("translating family")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translate",
        epilog="example:\n  gantune translate TRIAL_DIR --direction a2b my-leather-photos "
        "-o as-denim",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="apply a trained translation model to a folder of images",
    )
    parser.add_argument(
        "checkpoint", help="a checkpoint dir (or a trial dir: its latest checkpoint)"
    )
    parser.add_argument("input", help="a folder of images")
    parser.add_argument("--direction", default="a2b", help="a2b or b2a (default a2b)")
    parser.add_argument("-o", "--output", required=True, help="folder for the translations")
    parser.set_defaults(run=run)


def translate(
    checkpoint: str | Path, direction: str, source: str | Path, destination: str | Path
) -> list[Path]:
    from gantune.trainables.families import load_families
    from gantune.trainables.generate import load_checkpoint

    _, resolved = load_checkpoint(checkpoint)
    load_families()
    family = resolved.settings.family
    if family not in FOLDER_TRANSLATORS:
        raise ValueError(
            f"{checkpoint} holds a {family} model, which does not translate; families that "
            f"do: {', '.join(FOLDER_TRANSLATORS.names())} (`gantune generate` draws from "
            "generative models)"
        )
    return FOLDER_TRANSLATORS.get(family)(checkpoint, direction, source, destination)


def run(args: argparse.Namespace) -> int:
    written = translate(args.checkpoint, args.direction, args.input, args.output)
    print(f"translated {len(written)} image(s) {args.direction} -> {args.output}")
    return 0
