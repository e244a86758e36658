"""`gantune check-family MODULE`: whether the families a module registers keep gantune's
promises (`trainables.family_checks`), said in plain words."""

from __future__ import annotations

import argparse
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-family",
        epilog="example:\n  gantune check-family my_dcgan.py -s root=~/my-clothes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="check that your own family keeps gantune's promises",
        description="Runs the family contract on the families MODULE registers: a few tiny "
        "iterations report the metric; a restore in a new process continues bit for bit; a "
        "bad value is refused by name; a PBT restore takes the mutated value; schedules are "
        "set in images. Example: gantune check-family my_dcgan.py",
    )
    parser.add_argument("module", help="a .py file or a dotted module name")
    parser.add_argument("--family", help="check only this one of its families")
    parser.add_argument(
        "--set",
        "-s",
        action="append",
        metavar="KEY=VALUE",
        help="a config value for the checks' tiny trials (root=~/my-clothes, say)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from gantune.search.commands import parse_options
    from gantune.trainables.families import FAMILIES, import_plugin, load_families
    from gantune.trainables.family_checks import check_family

    load_families()
    before = set(FAMILIES.names())
    sys.path.insert(0, os.getcwd())  # a dotted module beside the user, as Python would
    import_plugin(args.module)
    names = [args.family] if args.family else sorted(set(FAMILIES.names()) - before)
    if not names:
        raise ValueError(f"{args.module} registers no family (nothing new in: {', '.join(before)})")
    broken = 0
    for name in names:
        FAMILIES.get(name)
        print(f"family {name}:", flush=True)
        for check in check_family(name, parse_options(args.set)):
            mark = "kept  " if check.kept else "BROKEN"
            print(f"  {mark} {check.promise}", flush=True)
            if not check.kept:
                broken += 1
                print("         " + check.detail.replace("\n", "\n         "), flush=True)
    print("every promise kept" if not broken else f"{broken} promise(s) broken")
    return 0 if not broken else 1
