"""The CycleGAN's learning-rate schedule (set in images, so a scheduler's rung sees every
trial at the same point of it) and its loss composition, checked with stub nets."""

from types import SimpleNamespace

import pytest
import torch
from torch import nn

from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.contract import TrialContext
from gantune.trainables.cyclegan.config import CycleGanConfig
from gantune.trainables.cyclegan.pool import ImagePool
from gantune.trainables.cyclegan.trainer import CycleGanTrainer
from gantune.trainables.sampler import BatchSampler


def rate(config: CycleGanConfig, seen: int) -> float:
    return CycleGanTrainer.learning_rate(SimpleNamespace(config=config, images_seen=seen))


def test_the_rate_is_constant_then_falls_linearly_to_zero_over_the_decay():
    config = CycleGanConfig(lr=1e-3, decay_start_images=1000, decay_images=400)
    at = {share: rate(config, int(1000 + share * 400)) for share in (0, 0.5, 0.75, 1, 2)}
    assert at[0] == pytest.approx(1e-3) and rate(config, 0) == pytest.approx(1e-3)
    assert at[0.5] == pytest.approx(5e-4) and at[0.75] == pytest.approx(2.5e-4)
    assert at[1] == 0 and at[2] == 0


def test_the_schedule_does_not_depend_on_the_trial_budget():
    config = CycleGanConfig(lr=1e-3, decay_start_images=100, decay_images=100)
    assert rate(config, 150) == pytest.approx(5e-4)  # whatever max_t the scheduler allows
    assert rate(CycleGanConfig(lr=1e-3), 10**9) == pytest.approx(1e-3)  # no decay set


class Scale(nn.Module):
    """A stub generator: x -> factor * x."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = nn.Parameter(torch.tensor(factor))

    def forward(self, x):
        return self.factor * x


class Constant(nn.Module):
    """A stub discriminator: the same score for every image."""

    def __init__(self, score: float) -> None:
        super().__init__()
        self.score = nn.Parameter(torch.tensor(score))

    def forward(self, x):
        return self.score.expand(len(x), 1)


def stub_trainer(config: CycleGanConfig, a: torch.Tensor, b: torch.Tensor) -> CycleGanTrainer:
    trainer = CycleGanTrainer.__new__(CycleGanTrainer)
    trainer.config, trainer.device = config, torch.device("cpu")
    trainer.context = TrialContext(torch.device("cpu"), 0, 10**6)
    trainer.data = SimpleNamespace(a=a, b=b)
    trainer.g_ab, trainer.g_ba = Scale(0.5), Scale(0.5)
    trainer.d_a, trainer.d_b = Constant(0.25), Constant(0.75)
    trainer.opt_g = torch.optim.SGD([*trainer.g_ab.parameters(), *trainer.g_ba.parameters()], 0)
    trainer.opt_d = torch.optim.SGD([*trainer.d_a.parameters(), *trainer.d_b.parameters()], 0)
    trainer.adversarial = ADVERSARIAL.get(config.loss)
    trainer.samplers = (
        BatchSampler(len(a), 0, trainer.device),
        BatchSampler(len(b), 1, trainer.device),
    )
    trainer.pools = (ImagePool(0, 2), ImagePool(0, 3))
    trainer.images_seen, trainer.objective = 0, {"sum": 0.0, "count": 0}
    return trainer


def test_the_generator_loss_is_adversarial_plus_weighted_cycle_and_identity_terms():
    config = CycleGanConfig(loss="lsgan", lambda_cycle=10.0, lambda_identity=0.5, batch_size=4)
    a = torch.full((4, 3, 8, 8), 200, dtype=torch.uint8)  # 200 -> 200 / 127.5 - 1
    b = torch.full((4, 3, 8, 8), 60, dtype=torch.uint8)
    trainer = stub_trainer(config, a, b)
    totals = {}
    trainer.step(totals)
    x_a, x_b = 200 / 127.5 - 1, 60 / 127.5 - 1
    adversarial = (0.75 - 1) ** 2 + (0.25 - 1) ** 2  # G's LSGAN term through d_b and d_a
    cycle = 0.75 * abs(x_a) + 0.75 * abs(x_b)  # |0.25 x - x| each way
    identity = 0.5 * abs(x_b) + 0.5 * abs(x_a)  # |0.5 x - x| each way
    expected = adversarial + 10 * cycle + 0.5 * 10 * identity
    assert float(totals["loss_g"]) == pytest.approx(expected, rel=1e-5)
    # D's loss is halved (Zhu et al.): d_a sees real A (0.25) and fake A (0.25)
    assert float(totals["loss_d_a"]) == pytest.approx(0.5 * ((0.25 - 1) ** 2 + 0.25**2))
    assert float(totals["cycle_a"]) == pytest.approx(0.75 * abs(x_a), rel=1e-5)
