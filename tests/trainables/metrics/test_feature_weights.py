"""The committed FID feature weights are what `gantune metrics train-features` produces
(slow: retrains both nets, about 3 minutes on 2 cores; run with `pytest -m slow`)."""

import json

import pytest

from trainables.metrics.backends import WEIGHTS_DIR
from trainables.metrics.feature_training import RECIPES, train_features


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES.names())
def test_retraining_reproduces_the_committed_weights(name, tmp_path):
    committed = json.loads((WEIGHTS_DIR / f"{name}.json").read_text())
    record = train_features(name, directory=tmp_path)
    assert record["digest"] == committed["digest"]
    assert record["test_accuracy"] == committed["test_accuracy"]
