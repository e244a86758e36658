import json

import pytest
import torch

from gantune.spaces.registry import UnknownNameError
from gantune.trainables.metrics.backends import (
    BACKENDS,
    WEIGHTS_DIR,
    CnnBackend,
    InceptionBackend,
    adapt,
    get_backend,
    state_digest,
)
from gantune.trainables.metrics.inception import FIDInception


@pytest.mark.parametrize("name", ["fmnist-cnn", "leather-denim-cnn"])
def test_committed_weights_are_small_and_match_their_record(name):
    weights = WEIGHTS_DIR / f"{name}.pt"
    record = json.loads((WEIGHTS_DIR / f"{name}.json").read_text())
    assert weights.stat().st_size < 2 * 1024 * 1024
    state = torch.load(weights, map_location="cpu", weights_only=True)
    assert state_digest(state) == record["digest"]


def test_fmnist_feature_net_accuracy_is_at_least_92_percent():
    record = json.loads((WEIGHTS_DIR / "fmnist-cnn.json").read_text())
    assert record["test_accuracy"] >= 0.92


def test_adapt_converts_channels_and_size():
    gray = torch.full((2, 1, 28, 28), 255, dtype=torch.uint8)
    rgb = adapt(gray, 3, 32, torch.device("cpu"))
    assert rgb.shape == (2, 3, 32, 32) and torch.allclose(rgb, torch.ones_like(rgb))
    colour = torch.zeros((1, 3, 8, 8), dtype=torch.uint8)
    colour[:, 1] = 255  # pure green
    assert adapt(colour, 1, 8, torch.device("cpu"))[0, 0, 0, 0].item() == pytest.approx(0.587)


def test_missing_cnn_weights_say_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `gantune metrics train-features fmnist-cnn`"):
        CnnBackend("fmnist-cnn", directory=tmp_path)


def test_missing_inception_weights_say_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("GANTUNE_INCEPTION_WEIGHTS", str(tmp_path / "nope.pth"))
    with pytest.raises(FileNotFoundError) as caught:
        InceptionBackend()
    assert str(tmp_path / "nope.pth") in str(caught.value)
    assert "pt_inception-2015-12-05-6726825d.pth" in str(caught.value)


def test_inception_backend_loads_a_state_dict_of_the_fid_layout(tmp_path):
    # Random weights in the layout of the FID file: the loader accepts exactly that layout.
    path = tmp_path / "pt_inception.pth"
    torch.save(FIDInception().net.state_dict(), path)
    backend = InceptionBackend(path)
    features = backend.embed(torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8))
    assert features.shape == (2, 2048)
    wrong = tmp_path / "wrong.pth"
    torch.save({"fc.weight": torch.zeros(3, 3)}, wrong)
    with pytest.raises(ValueError, match="is not the FID Inception state dict"):
        InceptionBackend(wrong).embed(torch.zeros((1, 1, 28, 28), dtype=torch.uint8))


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(
        UnknownNameError, match="valid choices: fashion-attributes-cnn, fmnist-cnn, inception"
    ):
        get_backend("vgg")
    assert "inception" in BACKENDS


def test_inception_identity_is_a_digest_of_the_weights(tmp_path, monkeypatch):
    import importlib
    import os

    fid_module = importlib.import_module("gantune.trainables.metrics.fid")

    path = tmp_path / "pt_inception-2015-12-05-6726825d.pth"
    path.write_bytes(b"a" * 1000)
    first = InceptionBackend(path).identity()
    path.write_bytes(b"b" * 1000)  # other weights, same name and size
    os.utime(path, ns=(1, 1))
    second = InceptionBackend(path).identity()
    assert first != second and len(second) == 64
    monkeypatch.setattr(fid_module, "get_backend", lambda name: InceptionBackend(path))
    key = fid_module.cache_key("fashion-mnist", "test", "inception", 299, {})
    assert second[:12] in key and first[:12] not in key
