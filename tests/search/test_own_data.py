"""A user's own data, end to end, on messy folders generated here: each flow the README
documents runs to its end, and every problem in the folder is named in the output.

- a product folder (`images/` + `styles.csv`, report 003's layout) with a long-tailed
  articleType, empty cells, a row whose image is missing and an unreadable image:
  train-features, a tiny conditional VAE and an attribute classifier, `generate --attr`;
- a small class folder (three classes of 15 images): train-features, a tiny cGAN,
  `generate --label`;
- a CycleGAN folder with mixed formats and sizes: train-features, a tiny CycleGAN,
  `translate`.
"""

import csv
import json
import re

import numpy as np
import pytest
from PIL import Image

from gantune.search.cli import main

COLOURS = {"Blue": (30, 60, 200), "Red": (200, 30, 40), "Black": (20, 20, 20)}


def shape_image(path, colour, kind: int, size=(24, 20), mode="RGB", seed=0):
    """An item drawn on white: its shape tells the kind, its colour the colour."""
    rng = np.random.default_rng(seed)
    canvas = np.full((size[1], size[0], 3), 245, np.uint8)
    h, w = size[1], size[0]
    if kind % 3 == 0:
        canvas[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = colour
    elif kind % 3 == 1:
        canvas[h // 6 : 5 * h // 6, w // 2 - 2 : w // 2 + 3] = colour
    else:
        canvas[h // 2 - 2 : h // 2 + 3, w // 6 : 5 * w // 6] = colour
    canvas = np.clip(canvas.astype(int) + rng.integers(-8, 9, canvas.shape), 0, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(canvas.astype(np.uint8)).convert(mode).save(path)


def run(capsys, *args) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 0, output[-3000:]
    return output


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    """60 items: a long tail of article types (30, 15, 8, 4, 2, 1), some colours missing,
    one row without an image, one unreadable image, one image without a row."""
    root = tmp_path_factory.mktemp("products")
    kinds = ["Tshirts"] * 30 + ["Shirts"] * 15 + ["Jeans"] * 8 + ["Watches"] * 4
    kinds += ["Ties"] * 2 + ["Cufflinks"]
    rows = []
    for number, kind in enumerate(kinds):
        colour = list(COLOURS)[number % 3]
        cell = "" if number % 11 == 5 else colour
        rows.append({"id": 1000 + number, "masterCategory": "Apparel", "subCategory": "Topwear",
                     "articleType": kind, "baseColour": cell})  # fmt: skip
        shape_image(root / "images" / f"{1000 + number}.png", COLOURS[colour],
                    sorted(set(kinds)).index(kind), seed=number)  # fmt: skip
    rows.append(
        {
            "id": 5000,
            "masterCategory": "Apparel",
            "subCategory": "Topwear",
            "articleType": "Shirts",
            "baseColour": "Red",
        }
    )  # fmt: skip  (no image)
    (root / "images" / "1003.png").write_bytes(b"not a png")  # unreadable
    shape_image(root / "images" / "9999.png", COLOURS["Red"], 0)  # no row
    with open(root / "styles.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_a_product_folder_with_a_long_tail_and_empty_cells(products, capsys, tmp_path):
    options = ["-O", f"root={products}", "-O", "size=16", "-O", "on_bad=skip",
               "-O", "top_values=3"]  # fmt: skip
    output = run(capsys, "metrics", "train-features", "--dataset", "image-folder", *options)
    assert "skipped 2 bad entr" in output  # the missing image and the unreadable one
    assert "1003.png: cannot read the image" in output and "row id 5000: no image" in output
    # counted in the training split (the held-out share is encoded with its vocabulary)
    assert re.search(r"baseColour: \d+ rows have no value \(missing=unknown", output)
    assert re.search(r"articleType: kept the 3 most frequent of 6 values; 3 values", output)
    dataset = {"root": str(products), "size": 16, "on_bad": "skip", "top_values": 3}
    config = {"family": "vae", "dataset": "image-folder", "dataset_options": dataset,
              "conditioning": "attributes", "net": "conv", "width": 0.25, "batch_size": 8,
              "images_per_iter": 32, "max_iterations": 1, "eval_samples": 16,
              "latent_dim": 4}  # fmt: skip
    trial = tmp_path / "vae"
    settings = [
        arg for key, value in config.items() for arg in ("-s", f"{key}={json.dumps(value)}")
    ]
    output = run(capsys, "train", *settings, "-o", str(trial))
    assert "cond_articleType" in output or "cond_artic" in output
    drawn = tmp_path / "drawn.png"
    output = run(capsys, "generate", str(trial), "--attr", "articleType=Tshirts",
                 "--attr", "baseColour=Blue", "-n", "3", "-o", str(drawn))  # fmt: skip
    assert drawn.is_file() and "articleType=Tshirts" in output
    assert main(["generate", str(trial), "--attr", "articleType=Ties", "--attr",
                 "baseColour=Blue", "-o", str(drawn)]) == 2  # fmt: skip
    assert "grouped as 'other'" in capsys.readouterr().err  # a rare value: ask for other
    classifier = {"family": "classifier", "net": "dense", "dataset": "image-folder",
                  "dataset_options": dataset, "targets": "attributes", "images_per_iter": 64,
                  "max_iterations": 1, "batch_size": 16}  # fmt: skip
    settings = [a for k, v in classifier.items() for a in ("-s", f"{k}={json.dumps(v)}")]
    output = run(capsys, "train", *settings, "-o", str(tmp_path / "classifier"))
    assert "accuracy_art" in output


def test_a_small_class_folder_holds_out_every_class(tmp_path, capsys):
    root = tmp_path / "classes"
    for index, name in enumerate(("boots", "hats", "scarves")):
        for number in range(15):
            shape_image(root / name / f"{name}{number}.png", list(COLOURS.values())[index],
                        index, seed=number)  # fmt: skip
    options = ["-O", f"root={root}", "-O", "size=28"]
    output = run(capsys, "metrics", "train-features", "--dataset", "image-folder", *options)
    assert "real-vs-real floor" in output
    from gantune.trainables import data

    _, held = data.load("image-folder", "test", root=str(root), size=28)
    assert sorted(set(held.tolist())) == [0, 1, 2]  # every class is held out at least once
    config = {"family": "gan", "net": "mlp", "width": 0.125, "batch_size": 8, "latent_dim": 8,
              "conditioning": "cgan", "dataset": "image-folder",
              "dataset_options": {"root": str(root), "size": 28}, "images_per_iter": 32,
              "max_iterations": 1, "eval_samples": 16}  # fmt: skip
    settings = [a for k, v in config.items() for a in ("-s", f"{k}={json.dumps(v)}")]
    trial = tmp_path / "gan"
    run(capsys, "train", *settings, "-o", str(trial))
    drawn = tmp_path / "hats.png"
    output = run(capsys, "generate", str(trial), "--label", "hats", "-n", "2", "-o", str(drawn))
    assert drawn.is_file() and "hats" in output


def test_a_folder_too_small_to_hold_out_says_so(tmp_path, capsys):
    for name in ("a", "b"):
        shape_image(tmp_path / "tiny" / name / "only.png", (10, 10, 10), 0)
    assert main(["data", "show", "image-folder", "-O", f"root={tmp_path / 'tiny'}",
                 "--split", "test", "-o", str(tmp_path / "x.png")]) == 2  # fmt: skip
    error = capsys.readouterr().err
    assert "it has 2 image(s), and with test_share 0.05 none could be held out" in error


def test_a_cyclegan_folder_of_mixed_formats(tmp_path, capsys):
    root = tmp_path / "domains"
    for split, count in (("train", 12), ("test", 4)):
        for domain, colour in (("A", (150, 90, 40)), ("B", (40, 60, 160))):
            for number in range(count):
                suffix = (".png", ".jpg", ".bmp")[number % 3]
                mode = ("RGB", "L", "RGBA")[number % 3] if suffix != ".jpg" else "RGB"
                size = ((24, 20), (30, 30), (18, 26))[number % 3]
                shape_image(root / f"{split}{domain}" / f"{number}{suffix}", colour, number,
                            size=size, mode=mode, seed=number)  # fmt: skip
    (root / "trainA" / "notes.txt").write_text("not an image")
    options = ["-O", f"root={root}", "-O", "size=32"]
    output = run(capsys, "metrics", "train-features", "--dataset", "image-folder", *options)
    assert "real-vs-real floor" in output
    config = {"family": "cyclegan", "dataset": "image-folder",
              "dataset_options": {"root": str(root), "size": 32}, "ngf": 4, "ndf": 4,
              "n_blocks": 1, "batch_size": 2, "pool_size": 2, "images_per_iter": 8,
              "max_iterations": 1, "eval_samples": 8}  # fmt: skip
    settings = [a for k, v in config.items() for a in ("-s", f"{k}={json.dumps(v)}")]
    trial = tmp_path / "cyclegan"
    run(capsys, "train", *settings, "-o", str(trial))
    out = tmp_path / "translated"
    output = run(capsys, "translate", str(trial), str(root / "testA"), "-o", str(out))
    assert "translated 4 image(s)" in output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (root / "testA").iterdir()
    )
