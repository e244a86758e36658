import json
import math
import subprocess
import sys

import pytest
import torch

from gantune.trainables.config import ConfigError
from gantune.trainables.experiment.files import read_state
from gantune.trainables.gan import losses
from gantune.trainables.trial import resolve, run_local
from tests.conftest import ROOT

# Dropout (dcgan D), BEGAN's k, class labels: all must survive a restore.
CHECKPOINT_CONFIGS = {
    "dcgan-began-acgan": {"net": "dcgan", "loss": "began", "conditioning": "acgan"},
    "mlp-wgan-gp-infogan": {
        "net": "mlp",
        "loss": "wgan-gp",
        "conditioning": "infogan",
        "n_disc": 2,
    },
}
SMALL = {
    "family": "gan",
    "width": 0.125,
    "batch_size": 16,
    "latent_dim": 8,
    "images_per_iter": 64,
    "eval_samples": 64,
    "seed": 7,
}


def run_in_new_process(config: dict, directory) -> None:
    script = (
        "import json, sys\n"
        "from trainables.trial import run_local\n"
        "run_local(json.loads(sys.argv[1]), sys.argv[2], cpus=1)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, json.dumps(config), str(directory)], cwd=ROOT, check=True
    )


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if index else name
        for index, name in enumerate(CHECKPOINT_CONFIGS)
    ],
)
@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_restore_in_a_new_process_is_bit_exact(name, tmp_path):
    config = CHECKPOINT_CONFIGS[name] | SMALL
    interrupted, straight = tmp_path / "interrupted", tmp_path / "straight"
    run_in_new_process(config | {"max_iterations": 2}, interrupted)
    run_in_new_process(config | {"max_iterations": 3}, interrupted)  # resumes at iteration 2
    run_in_new_process(config | {"max_iterations": 3}, straight)
    resumed, uninterrupted = (
        read_state(d / "checkpoint_000003")["trainer"] for d in (interrupted, straight)
    )
    for part in ("generator", "discriminator"):
        for key, tensor in uninterrupted[part].items():
            assert torch.equal(resumed[part][key], tensor), f"{part}.{key}"
    assert resumed["loss_state"] == uninterrupted["loss_state"]
    lines = [json.loads(line) for line in (interrupted / "result.jsonl").read_text().splitlines()]
    again = [json.loads(line) for line in (straight / "result.jsonl").read_text().splitlines()]
    assert [r["training_iteration"] for r in lines] == [1, 2, 3]
    for key in ("fid", "loss_d", "loss_g", "images_seen"):
        assert lines[-1][key] == again[-1][key]


def test_a_nan_ends_the_trial_with_infinite_fid(tmp_path, monkeypatch):
    calls = {"count": 0}
    original = losses.LOSSES.get("ns")

    def poisoned(real, fake, context):
        calls["count"] += 1
        loss, logs = original.d_loss(real, fake, context)
        return (loss * float("nan") if calls["count"] > 4 else loss), logs

    monkeypatch.setitem(losses.LOSSES._entries, "ns", original.__class__(poisoned, original.g_loss))
    config = SMALL | {"net": "mlp", "loss": "ns", "max_iterations": 5}
    reported = run_local(config, tmp_path, cpus=1)
    assert [r["training_iteration"] for r in reported] == [1, 2]  # 4 D steps per iteration
    assert reported[-1]["fid"] == math.inf and reported[-1]["diverged"] is True
    assert reported[0]["diverged"] is False and math.isfinite(reported[0]["fid"])
    text = (tmp_path / "result.jsonl").read_text()
    assert "NaN" not in text and "Infinity" in text
    assert [p.name for p in tmp_path.glob("checkpoint_*")] == ["checkpoint_000001"]


def test_unknown_keys_and_bad_values_fail_before_training():
    with pytest.raises(ConfigError, match=r"unknown config key.*learning_rate.*valid keys: family"):
        resolve({"family": "gan", "learning_rate": 0.1})
    with pytest.raises(ConfigError, match="lr_g must be float, not 'fast'"):
        resolve({"family": "gan", "lr_g": "fast"})
    with pytest.raises(ConfigError, match=r"names no family .*valid choices: classifier, "):
        resolve({"lr_g": 0.1})  # no family is the default
    with pytest.raises(ValueError, match="unknown family 'nope'; valid choices: classifier, "):
        resolve({"family": "nope"})


def test_classifier_family_runs_through_the_same_loop(tmp_path):
    config = {"family": "classifier", "net": "dense", "images_per_iter": 2048, "max_iterations": 2}
    reported = run_local(config, tmp_path, cpus=1)
    assert reported[-1]["accuracy"] > 0.6 and reported[-1]["images_seen"] == 2048 * 2


@pytest.mark.parametrize("family", ["gan", "vae", "cyclegan"])
def test_bf16_mixed_precision_trains_finite_and_close_to_fp32(family, tmp_path):
    from gantune.spaces.family import get_family

    config = {"family": family, "max_iterations": 1, "seed": 3} | get_family(family).tiny
    fp32 = run_local(config, tmp_path / "fp32", cpus=1)[0]
    bf16 = run_local(config | {"precision": "bf16"}, tmp_path / "bf16", cpus=1)[0]
    metric = get_family(family).metric
    assert math.isfinite(bf16[metric]) and bf16["diverged"] is False
    losses = [k for k in fp32 if k.startswith(("loss", "recon", "kl"))]
    assert losses
    for key in losses:  # the same training, at lower precision: near, not equal
        assert bf16[key] == pytest.approx(fp32[key], rel=0.25, abs=0.05), key
    assert any(bf16[key] != fp32[key] for key in losses)  # autocast did engage
