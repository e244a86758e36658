"""`gantune generate CHECKPOINT [-n 6] [-o out.png] [the family's options]`: images drawn
from a trained checkpoint by its family; options the command does not know (a GAN's
`--label Sandal`, a VAE's `--attr baseColour=Red`) go to the family, which refuses what
it does not take."""

from __future__ import annotations

import argparse

from gantune.trainables.generate import GenerateRequest, generate
from gantune.trainables.images import grid, save_png


def family_help() -> str:
    """Each family's generate options, collected from the families, under its name."""
    from gantune.trainables.families import FAMILIES, load_families

    load_families()
    parts = []
    for name, family in FAMILIES.items():
        if family.generate_options is None:
            continue
        options = argparse.ArgumentParser(prog=name, add_help=False)
        family.generate_options(options)
        lines = [f"{name} checkpoints:"]
        for action in options._actions:
            flag = ", ".join(action.option_strings)
            metavar = action.metavar or action.dest.upper()
            lines.append(f"  {flag} {metavar:<14} {action.help or ''}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="draw images from a trained checkpoint (family options such as --label, --attr)",
        epilog=f"options of each family:\n{family_help()}\n\nexample:\n"
        "  gantune generate TRIAL_DIR --label Sandal -n 8 -o sandals.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "checkpoint", help="a checkpoint dir (or a trial dir: its latest checkpoint)"
    )
    parser.add_argument("-n", "--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--columns", type=int, default=None, help="grid columns (default: all in one row)"
    )
    parser.add_argument("-o", "--output", default="generated.png")
    parser.set_defaults(run=run, family_options=True)


def run(args: argparse.Namespace) -> int:
    request = GenerateRequest(args.count, args.seed, tuple(args.extra))
    images, caption = generate(args.checkpoint, request)
    path = save_png(grid(images, args.columns or len(images)), args.output)
    print(f"{caption} -> {path}")
    return 0
