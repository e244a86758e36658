"""`gantune translate CHECKPOINT --direction a2b INPUT_DIR -o OUTPUT_DIR`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translate", help="apply a trained CycleGAN generator to a folder of images"
    )
    parser.add_argument(
        "checkpoint", help="a checkpoint dir (or a trial dir: its latest checkpoint)"
    )
    parser.add_argument("input", help="a folder of images")
    parser.add_argument("--direction", default="a2b", help="a2b or b2a (default a2b)")
    parser.add_argument("-o", "--output", required=True, help="folder for the translations")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from trainables.generate import translate

    written = translate(args.checkpoint, args.direction, args.input, args.output)
    print(f"translated {len(written)} image(s) {args.direction} -> {args.output}")
    return 0
