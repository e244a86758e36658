"""Search-efficiency pools that no gantune run recorded: learning curves from LCDB.

LCDB 1.0, the Learning Curve Database (Mohr, Viering, Loog, van Rijn: "LCDB 1.0: An
Extensive Learning Curves Database for Classification Tasks", ECML PKDD 2022; MIT
licence), holds the curves of 20 scikit-learn classifiers on OpenML data sets: the
validation accuracy after training on 16, 23, 32, ... rows (anchors growing by sqrt(2) up
to the whole training set), for several data splits (seeds), with the training time at
each anchor. Its PyPI release `lcdb==0.1.0` carries them as CSV files.

A pool here is one data set: a setting is a learner (`config.learner`), an iteration is an
anchor, its cost is the learner's training time at that anchor (LCDB trains each anchor
from scratch, so reaching anchor k costs what LCDB measured there), and the metric is the
validation accuracy (mode max). The split seeds are the pool's seeds (`config.seed`); the
pool's noise (delta) is the spread of the final accuracy over them, pooled over learners.

Nothing is edited by hand; the conversion rule, applied to every pool:
- seeds: the five (outer, inner) split seeds whose curves are complete (every anchor) for
  the most learners;
- learners: those with a complete curve on all five seeds; the others are named in the
  pool's record with the reason, and left out.

    python bench/public_pools.py [--sdist lcdb-0.1.0.tar.gz]

downloads the sdist with pip (from PyPI, or any index pip is set up for) unless given one,
checks its sha256, and writes bench/data/lcdb-<name>.parquet and .json for each pool.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).with_name("data")
RELEASE = "lcdb==0.1.0"
SDIST = "lcdb-0.1.0.tar.gz"
SHA256 = "450ea69b249866298653f718d66a825e3d19a4024dd4ff140b89f2e04d4777ae"
MEMBER = "lcdb-0.1.0/lcdb/database-accuracy.csv"
SEEDS = 5
# OpenML id -> pool name. Fashion-MNIST itself; a chess endgame table (all 20 learners
# complete); IMDB.drama, whose best learner at the full set ranks 19th at the first anchor.
POOLS = {40996: "lcdb-fashion-mnist", 41027: "lcdb-jungle-chess", 273: "lcdb-imdb-drama"}


def fetch(sdist: Path | None, folder: Path) -> Path:
    if sdist is None:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                   ":all:", "-d", str(folder), RELEASE]  # fmt: skip
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        sdist = folder / SDIST
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{sdist}: sha256 {digest}, expected {SHA256} ({RELEASE})")
    return sdist


def read_curves(sdist: Path, ids: list[int]) -> pd.DataFrame:
    with tarfile.open(sdist) as archive:
        stream = archive.extractfile(MEMBER)
        if stream is None:
            raise SystemExit(f"{sdist} has no {MEMBER}")
        frame = pd.read_csv(stream)
    return frame[frame["openmlid"].isin(ids)]


def complete_seeds(frame: pd.DataFrame, anchors: int) -> pd.DataFrame:
    """Per learner and seed, whether its curve has every anchor."""
    counts = frame.groupby(["learner", "outer_seed", "inner_seed"])["size_train"].nunique()
    return (counts == anchors).rename("complete").reset_index()


def choose(frame: pd.DataFrame) -> tuple[list[tuple[int, int]], list[str], dict[str, str]]:
    """The rule in the module's docstring: five seeds, and the learners complete on all."""
    anchors = frame["size_train"].nunique()
    complete = complete_seeds(frame, anchors)
    complete = complete[complete["complete"]]
    by_seed = complete.groupby(["outer_seed", "inner_seed"])["learner"].nunique()
    ranked = by_seed.reset_index().sort_values(
        ["learner", "outer_seed", "inner_seed"], ascending=[False, True, True]
    )
    seeds = [(int(o), int(i)) for o, i in ranked[["outer_seed", "inner_seed"]].head(SEEDS).values]
    kept, dropped = [], {}
    for learner in sorted(frame["learner"].unique()):
        mine = complete[complete["learner"] == learner]
        have = {(int(o), int(i)) for o, i in mine[["outer_seed", "inner_seed"]].values}
        missing = [s for s in seeds if s not in have]
        if missing:
            dropped[learner] = f"no complete curve on {len(missing)} of the {SEEDS} seeds"
        else:
            kept.append(learner)
    return seeds, kept, dropped


def pool_frame(frame: pd.DataFrame, seeds, learners) -> pd.DataFrame:
    anchors = sorted(frame["size_train"].unique())
    rows = []
    for number, (outer, inner) in enumerate(seeds):
        for learner in learners:
            curve = frame[
                (frame["learner"] == learner)
                & (frame["outer_seed"] == outer)
                & (frame["inner_seed"] == inner)
            ].sort_values("size_train")
            for iteration, row in enumerate(curve.itertuples(), start=1):
                rows.append(
                    {
                        "trial_id": f"{learner.rsplit('.', 1)[-1]}-s{number}",
                        "training_iteration": iteration,
                        "accuracy": float(row.score_valid),
                        "train_seconds": float(row.traintime),
                        "eval_seconds": 0.0,
                        "images_seen": int(row.size_train),  # rows trained on
                        "variant": learner.split(".")[1] if "." in learner else "svm",
                        "config.learner": learner,
                        "config.seed": number,
                    }
                )
    pool = pd.DataFrame(rows)
    assert len(pool) == len(seeds) * len(learners) * len(anchors), "incomplete curves"
    return pool.assign(metric="accuracy", mode="max", max_t=len(anchors), family="lcdb")


def pooled_noise(pool: pd.DataFrame) -> float:
    """The final accuracy's spread over seeds: the root mean within-learner variance."""
    final = pool[pool["training_iteration"] == pool["max_t"]]
    return float(np.sqrt(final.groupby("config.learner")["accuracy"].var(ddof=1).mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help=f"a downloaded {SDIST} (default: pip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sdist = fetch(args.sdist, Path(folder))
        curves = read_curves(sdist, list(POOLS))
    DATA.mkdir(exist_ok=True)
    for openml_id, name in POOLS.items():
        frame = curves[curves["openmlid"] == openml_id]
        seeds, learners, dropped = choose(frame)
        pool = pool_frame(frame, seeds, learners)
        pool.to_parquet(DATA / f"{name}.parquet", index=False)
        record = {
            "name": name,
            "source": "LCDB 1.0 (Mohr et al., ECML PKDD 2022), validation accuracy per anchor",
            "release": RELEASE,
            "sha256": SHA256,
            "licence": "MIT (LCDB's LICENSE.txt, Copyright (c) 2021 Felix Mohr)",
            "openml_id": openml_id,
            "metric": "accuracy",
            "mode": "max",
            "max_t": int(pool["max_t"].iloc[0]),
            "trials": int(pool["trial_id"].nunique()),
            "settings": len(learners),
            "seeds": [list(s) for s in seeds],
            "dropped": dropped,
            "noise": {
                "std": pooled_noise(pool),
                "source": f"spread of the final accuracy over the {SEEDS} split seeds, "
                "pooled over learners",
            },
            "command": "python bench/public_pools.py",
        }
        (DATA / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
        print(f"{name}: {len(learners)} learners x {len(seeds)} seeds, max_t "
              f"{record['max_t']}, noise {record['noise']['std']:.4f}; dropped: "
              f"{', '.join(dropped) or 'none'}")  # fmt: skip


if __name__ == "__main__":
    main()
