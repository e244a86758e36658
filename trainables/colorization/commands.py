"""`gantune colorize CHECKPOINT INPUT_DIR -o OUTPUT_DIR`: a trained colorizer applied to a
folder of grey (or colour, read as grey) images, each written under its own name."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "colorize",
        epilog="example:\n  gantune colorize TRIAL_DIR my-grey-photos -o coloured",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="colour a folder of grey images with a trained colorizer",
    )
    parser.add_argument("checkpoint", help="a checkpoint dir (or a trial dir)")
    parser.add_argument("input", help="a folder of grey or colour images")
    parser.add_argument("-o", "--output", required=True, help="folder for the coloured images")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from gantune.trainables.families import load_families
    from gantune.trainables.generate import load_checkpoint

    load_families()
    _, resolved = load_checkpoint(args.checkpoint)
    if resolved.settings.family != "colorization":
        raise ValueError(
            f"{args.checkpoint} holds a {resolved.settings.family} model; colorize needs a "
            "colorization checkpoint"
        )
    from gantune.trainables.colorization.family import colourise_folder

    written = colourise_folder(args.checkpoint, "", args.input, args.output)
    print(f"coloured {len(written)} image(s) -> {args.output}")
    return 0
