"""`gantune dashboard DIR`: optuna-dashboard on 127.0.0.1 for an experiment's study."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gantune.search.spec import spec_of_experiment
from gantune.trainables.experiment.files import store_url
from gantune.trainables.experiment.study_store import open_storage

LOOPBACK = "127.0.0.1"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        epilog="example:\n  gantune dashboard ~/gantune-results/fashion-gan-quick-20261204-104238",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="open an experiment's study in optuna-dashboard",
    )
    parser.add_argument("experiment", type=Path)
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        help="address to bind (default 127.0.0.1: this machine only; the dashboard has no "
        "login, so another address lets anyone who reaches it read and edit the study)",
    )
    parser.add_argument("--port", type=int, default=8080)
    parser.set_defaults(run=run)


def store_of(directory: Path) -> str:
    return store_url(directory, spec_of_experiment(directory).to_dict())


def run(args: argparse.Namespace) -> int:
    import optuna_dashboard

    url = store_of(args.experiment)
    if args.host != LOOPBACK:
        print(
            f"warning: binding {args.host}: optuna-dashboard has no authentication; anyone who "
            "can reach this address can read and change the study",
            file=sys.stderr,
        )
    print(
        f"optuna-dashboard for {url} at http://{args.host}:{args.port}/ (Ctrl-C to stop)",
        flush=True,
    )
    optuna_dashboard.run_server(open_storage(url), host=args.host, port=args.port)
    return 0
