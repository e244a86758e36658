"""A user's product folder, end to end, at the shape of report 003's data: a few thousand
items with a long-tailed articleType (a few common types, many rare ones), some empty
baseColour cells, in the images/ + styles.csv layout.

The items are `fashion-attributes` renders (Fashion-MNIST shapes in named colours); the
class counts follow a Zipf law, and a rare tail of article types is made by renaming a few
items of some classes (so their shapes are shared with a common type, as rare product
types often look like common ones). Then, as the README's recipe: a feature net with
`top_values`, a conditional VAE trained on the folder, its `cond_*` scores beside each
head's accuracy on real images (`cond_ceiling_*`), and a grid of requested attributes.

    python bench/product_folder.py [--items 3000] [--iterations 6] [-o /tmp/products]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gantune.trainables.data import products

TAIL = ("Cufflinks", "Ties", "Scarves", "Belts", "Wallets", "Caps", "Socks", "Gloves",
        "Mufflers", "Stoles", "Bracelets", "Clutches", "Tunics", "Capris", "Shrugs")  # fmt: skip


def build(root: Path, items: int, seed: int = 0) -> dict:
    """Write the folder; return what it holds (type counts, empty cells)."""
    rng = np.random.default_rng(seed)
    products.export(root, "train", limit=min(60000, items * 4))
    import pandas as pd

    table = pd.read_csv(root / "styles.csv", dtype=str)
    weights = 1.0 / np.arange(1, 11) ** 1.2  # Zipf over the ten classes
    classes = sorted(table["articleType"].unique(), key=lambda c: -table["articleType"].eq(c).sum())
    order = rng.permutation(classes)
    wanted = {c: int(items * w / weights.sum()) for c, w in zip(order, weights, strict=True)}
    kept = pd.concat(
        [table[table["articleType"] == c].head(n) for c, n in wanted.items()], ignore_index=True
    )
    for name in TAIL:  # a handful of items of some class, renamed: the rare tail
        rows = rng.choice(len(kept), size=int(rng.integers(1, 9)), replace=False)
        kept.loc[rows, "articleType"] = name
    empty = rng.random(len(kept)) < 0.03
    kept.loc[empty, "baseColour"] = ""
    removed = set(table["id"]) - set(kept["id"])
    for key in removed:
        (root / "images" / f"{key}.png").unlink()
    kept.to_csv(root / "styles.csv", index=False)
    counts = kept["articleType"].value_counts()
    return {"items": len(kept), "types": len(counts), "empty_colour": int(empty.sum()),
            "counts": counts.to_dict()}  # fmt: skip


def gantune(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "gantune.search.cli", *args], capture_output=True,
                          text=True)  # fmt: skip
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(output[-3000:])
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--iterations", type=int, default=6)
    parser.add_argument("--top-values", type=int, default=10)
    parser.add_argument("-o", "--output", type=Path, default=None)
    args = parser.parse_args()
    root = args.output or Path(tempfile.mkdtemp(prefix="gantune-products-"))
    started = time.perf_counter()
    held = build(root / "products", args.items)
    largest = dict(list(held["counts"].items())[:10])
    print(f"{held['items']} items, {held['types']} article types, {held['empty_colour']} "
          f"empty baseColour cells; the ten largest: {largest}")  # fmt: skip
    options = {"root": str(root / "products"), "size": 28, "top_values": args.top_values}
    flags = [f for key, value in options.items() for f in ("-O", f"{key}={value}")]
    print(gantune("metrics", "train-features", "--dataset", "image-folder", *flags))
    config = {"family": "vae", "dataset": "image-folder", "dataset_options": options,
              "conditioning": "attributes", "net": "conv", "latent_dim": 16,
              "images_per_iter": 6000, "max_iterations": args.iterations,
              "eval_samples": 2000}  # fmt: skip
    settings = [a for k, v in config.items() for a in ("-s", f"{k}={json.dumps(v)}")]
    trial = root / "vae"
    output = gantune("train", *settings, "--cpus", "1", "-o", str(trial))
    print(output[-2500:])
    last = json.loads((trial / "result.jsonl").read_text().splitlines()[-1])
    for name in sorted(k for k in last if k.startswith("cond_") and "ceiling" not in k):
        ceiling = last.get(name.replace("cond_", "cond_ceiling_", 1))
        print(f"{name}: {last[name]:.3f} (ceiling, the head on real test images: {ceiling:.3f})")
    grid = root / "requested.png"
    print(gantune("generate", str(trial), "--attr", "articleType=other", "--attr",
                  "baseColour=Red", "-n", "8", "-o", str(grid)))  # fmt: skip
    print(
        f"samples per iteration: {trial / 'samples'}; requested: {grid}; "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
