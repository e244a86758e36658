"""`gantune dashboard DIR`: optuna-dashboard on 127.0.0.1 for an experiment's study."""

from __future__ import annotations

import argparse
from pathlib import Path

from search.optuna_store import default_store, open_storage
from search.spec import spec_of_experiment


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="open an experiment's study in optuna-dashboard"
    )
    parser.add_argument("experiment", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.set_defaults(run=run)


def store_of(directory: Path) -> str:
    spec = spec_of_experiment(directory)
    return spec.study_store or default_store(directory.resolve())


def run(args: argparse.Namespace) -> int:
    import optuna_dashboard

    url = store_of(args.experiment)
    print(
        f"optuna-dashboard for {url} at http://{args.host}:{args.port}/ (Ctrl-C to stop)",
        flush=True,
    )
    optuna_dashboard.run_server(open_storage(url), host=args.host, port=args.port)
    return 0
