import math

import pytest
import torch

from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.losses import LOSSES, LossContext, gradient_norm_penalty, pull_away
from gantune.trainables.nets.gan import DiscriminatorOutput


def out(score):
    return DiscriminatorOutput(score=torch.tensor(score, dtype=torch.float32))


def ctx(**config):
    return LossContext(GanConfig(**config), torch.zeros(1), torch.zeros(1), {"began_k": 0.0})


@pytest.mark.parametrize(
    ("loss", "d_expected", "g_expected"),
    [
        ("mm", 2 * math.log(2), -math.log(2)),
        ("ns", 2 * math.log(2), math.log(2)),
        ("lsgan", 0.5, 0.5),
        ("wgan", 0.0, 0.0),
        ("hinge", 2.0, 0.0),
    ],
)
def test_losses_at_an_undecided_discriminator(loss, d_expected, g_expected):
    # With every score 0 the closed forms are easy to state.
    entry = LOSSES.get(loss)
    d_value, _ = entry.d_loss(out([0.0, 0.0]), out([0.0, 0.0]), ctx())
    assert float(d_value) == pytest.approx(d_expected)
    assert float(entry.g_loss(out([0.0, 0.0]), ctx())) == pytest.approx(g_expected)


def test_wasserstein_critic_rewards_a_gap():
    d_value, logs = LOSSES.get("wgan").d_loss(out([3.0]), out([1.0]), ctx())
    assert float(d_value) == pytest.approx(-2.0) and float(
        logs["critic_distance"]
    ) == pytest.approx(2.0)


def test_gradient_penalty_of_a_linear_critic():
    weight = torch.tensor([3.0, 4.0])  # gradient norm 5 everywhere

    def critic(points):
        return points.flatten(1) @ weight

    penalty = gradient_norm_penalty(critic, torch.randn(6, 2), weight=10.0)
    assert float(penalty) == pytest.approx(10.0 * (5.0 - 1.0) ** 2)


def test_pull_away_term():
    same = torch.ones(4, 3)
    orthogonal = torch.eye(3)
    assert float(pull_away(same)) == pytest.approx(1.0)
    assert float(pull_away(orthogonal)) == pytest.approx(0.0)


def test_began_updates_k_towards_equilibrium():
    images = torch.zeros(2, 1, 2, 2)
    real = DiscriminatorOutput(reconstruction=torch.full((2, 1, 2, 2), 0.5))  # error 0.5
    fake = DiscriminatorOutput(reconstruction=torch.full((2, 1, 2, 2), 0.1))  # error 0.1
    context = LossContext(
        GanConfig(began_gamma=0.5, began_k_rate=0.01), images, images, {"began_k": 0.2}
    )
    loss, logs = LOSSES.get("began").d_loss(real, fake, context)
    assert float(loss) == pytest.approx(0.5 - 0.2 * 0.1)
    assert context.state["began_k"] == pytest.approx(0.2 + 0.01 * (0.5 * 0.5 - 0.1))
    assert float(logs["convergence"]) == pytest.approx(0.5 + abs(0.25 - 0.1))


def test_config_errors_name_the_problem():
    with pytest.raises(
        ValueError, match="unknown GAN loss 'nsgan'; valid choices: began, dragan, ebgan"
    ):
        GanConfig(loss="nsgan")
    with pytest.raises(ValueError, match=r"beta1 = 1.5 is outside \[0.0, 1.0\]"):
        GanConfig(beta1=1.5)
    with pytest.raises(ValueError, match="valid sizes: 28, 32, 64"):
        from gantune.trainables.nets.gan import build_generator

        build_generator("mlp", 4, 1, 30, 1.0)
