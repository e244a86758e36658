"""Contract: every registered loss x conditioning x net trains and reports the same way."""

import itertools
import math

import pytest
import torch

from gantune.trainables.contract import TrialContext
from gantune.trainables.gan.conditioning import CONDITIONINGS
from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.losses import LOSSES
from gantune.trainables.gan.trainer import GanTrainer
from gantune.trainables.nets.gan import GAN_NETS
from gantune.trainables.trial import run_local

COMBINATIONS = list(itertools.product(LOSSES.names(), CONDITIONINGS.names(), GAN_NETS.names()))
TINY = {"width": 0.0625, "batch_size": 8, "latent_dim": 4, "ae_code_dim": 4}
TRIAL = {"family": "gan"}  # the trial loop's configs name their family


def parameters(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def changed(before: list[torch.Tensor], module: torch.nn.Module) -> bool:
    return any(not torch.equal(a, b) for a, b in zip(before, module.parameters(), strict=True))


CONTEXT = TrialContext(torch.device("cpu"), seed=0, budget_images=1000)


@pytest.mark.parametrize(("loss", "conditioning", "net"), COMBINATIONS)
def test_every_combination_trains(loss, conditioning, net):
    torch.manual_seed(0)
    config = GanConfig(net=net, loss=loss, conditioning=conditioning, **TINY)
    trainer = GanTrainer(config, CONTEXT)
    generated = trainer.generate(trainer.balanced_labels(3), 3, seed=0)
    assert generated.shape == (3, 1, 28, 28) and generated.dtype == torch.uint8
    before_g, before_d = parameters(trainer.generator), parameters(trainer.discriminator)
    losses = trainer.train(2 * config.batch_size)
    assert {"loss_d", "loss_g"} <= set(losses)
    assert all(math.isfinite(value) for value in losses.values()), losses
    assert changed(before_g, trainer.generator) and changed(before_d, trainer.discriminator)
    assert trainer.images_seen == 2 * config.batch_size
    metrics = trainer.evaluate(samples=20)  # what the trial loop reports
    assert math.isfinite(metrics["fid"])


@pytest.mark.parametrize("loss", LOSSES.names())
def test_every_loss_reports_fid_through_the_trial_loop(loss, tmp_path):
    config = {
        **TRIAL,
        "net": "mlp",
        "loss": loss,
        "images_per_iter": 16,
        "max_iterations": 1,
        "eval_samples": 20,
        **TINY,
    }
    reported = run_local(config, tmp_path, cpus=1)
    assert (
        len(reported) == 1
        and math.isfinite(reported[0]["fid"])
        and reported[0]["diverged"] is False
    )
    assert (tmp_path / "samples" / "iteration_0001.png").is_file()
    assert (tmp_path / "checkpoint_000001" / "state.pt").is_file()


@pytest.mark.parametrize("conditioning", ["cgan", "acgan"])
def test_label_conditional_models_report_class_agreement(conditioning, tmp_path):
    config = {
        **TRIAL,
        "net": "mlp",
        "conditioning": conditioning,
        "images_per_iter": 16,
        "max_iterations": 1,
        "eval_samples": 20,
        **TINY,
    }
    reported = run_local(config, tmp_path, cpus=1)
    assert 0.0 <= reported[0]["class_agreement"] <= 1.0


@pytest.mark.parametrize("dataset", ["fashion-mnist-color", "leather-denim"])
def test_colour_datasets_give_rgb_generators(dataset, tmp_path):
    config = {
        **TRIAL,
        "net": "dcgan",
        "dataset": dataset,
        "dataset_options": {"items": 600} if dataset == "leather-denim" else {},
        "images_per_iter": 16,
        "max_iterations": 1,
        "eval_samples": 20,
        **TINY,
    }
    reported = run_local(config, tmp_path, cpus=1)
    assert math.isfinite(reported[0]["fid"])
    options = {"items": 600} if dataset == "leather-denim" else {}
    trainer = GanTrainer(
        GanConfig(net="dcgan", dataset=dataset, dataset_options=options, **TINY), CONTEXT
    )
    assert trainer.generate(None, 2, 0).shape[1] == 3
