"""GAN losses and penalties, each a registered function.

A loss gives the discriminator's and the generator's objective on discriminator outputs
(logits or critic values `s`; reconstructions for the autoencoder losses), and names the
penalty or constraint it is used with (as in Lucic et al. 2018, Table 1). The score-based
ones come from `trainables.adversarial`, shared with the other families:

    mm      D: -log σ(s_r) - log(1-σ(s_f))      G: log(1-σ(s_f))          (Goodfellow 2014)
    ns      D: as mm                             G: -log σ(s_f)
    lsgan   D: ½(s_r-1)² + ½s_f²                 G: ½(s_f-1)²              (Mao 2017)
    wgan    D: s_f - s_r, weights clipped        G: -s_f                   (Arjovsky 2017)
    wgan-gp D: s_f - s_r + λ(‖∇D(x̂)‖-1)², x̂ between real and fake       (Gulrajani 2017)
    dragan  D: ns + λ(‖∇D(x̂)‖-1)², x̂ = real + noise                       (Kodali 2017)
    hinge   D: max(0,1-s_r) + max(0,1+s_f)       G: -s_f                   (Lim & Ye 2017)
    began   D: L(x) - k·L(G(z)), k ← clip(k + λk(γL(x) - L(G(z))), 0, 1), L = L1 recon.
            G: L(G(z))                                                     (Berthelot 2017)
    ebgan   D: E(x) + max(0, m - E(G(z))), E = MSE recon.   G: E(G(z)) + w·PT  (Zhao 2017)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from gantune.spaces.registry import Registry
from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.nets.gan import DiscriminatorOutput

Logs = dict[str, torch.Tensor]


@dataclass
class LossContext:
    """What a loss may look at besides the discriminator outputs."""

    config: Any  # GanConfig
    real: torch.Tensor  # real images (no conditioning channels)
    fake: torch.Tensor  # generated images
    state: dict[str, float] = field(default_factory=dict)  # e.g. BEGAN's k, kept in checkpoints


DLoss = Callable[[DiscriminatorOutput, DiscriminatorOutput, LossContext], tuple[torch.Tensor, Logs]]
GLoss = Callable[[DiscriminatorOutput, LossContext], torch.Tensor]


@dataclass(frozen=True)
class GanLoss:
    d_loss: DLoss
    g_loss: GLoss
    penalty: str = "none"
    clip_weights: bool = False  # WGAN's Lipschitz constraint
    autoencoder: bool = False  # the discriminator reconstructs its input
    initial_state: dict[str, float] = field(default_factory=dict)


def scored_d(name: str, scale: float = 1.0) -> DLoss:
    """The shared adversarial D loss `name` on the outputs' scores."""
    loss = ADVERSARIAL.get(name)
    return lambda real, fake, ctx: (scale * loss.d(real.score, fake.score), {})


def scored_g(name: str, scale: float = 1.0) -> GLoss:
    loss = ADVERSARIAL.get(name).g
    return lambda fake, ctx: scale * loss(fake.score)


def wasserstein_d(real: DiscriminatorOutput, fake: DiscriminatorOutput, ctx: LossContext):
    distance = real.score.mean() - fake.score.mean()
    return -distance, {"critic_distance": distance.detach()}


def l1_reconstruction(out: DiscriminatorOutput, images: torch.Tensor) -> torch.Tensor:
    return (out.reconstruction - images).abs().mean()


def began_d(real: DiscriminatorOutput, fake: DiscriminatorOutput, ctx: LossContext):
    cfg, k = ctx.config, ctx.state["began_k"]
    real_error = l1_reconstruction(real, ctx.real)
    fake_error = l1_reconstruction(fake, ctx.fake)
    balance = (cfg.began_gamma * real_error - fake_error).detach()
    # The k update happens here, once per discriminator step, with detached errors.
    ctx.state["began_k"] = min(max(k + cfg.began_k_rate * float(balance), 0.0), 1.0)
    convergence = real_error.detach() + balance.abs()
    return real_error - k * fake_error, {"began_k": torch.tensor(k), "convergence": convergence}


def began_g(fake: DiscriminatorOutput, ctx: LossContext) -> torch.Tensor:
    return l1_reconstruction(fake, ctx.fake)


def energy(out: DiscriminatorOutput, images: torch.Tensor) -> torch.Tensor:
    """Per-sample mean squared reconstruction error."""
    return ((out.reconstruction - images) ** 2).flatten(1).mean(dim=1)


def pull_away(codes: torch.Tensor) -> torch.Tensor:
    """Mean squared cosine similarity between distinct codes of a batch (EBGAN's PT term)."""
    unit = F.normalize(codes.flatten(1), dim=1)
    similarity = unit @ unit.T
    count = len(codes)
    return (similarity.pow(2).sum() - count) / max(count * (count - 1), 1)


def ebgan_d(real: DiscriminatorOutput, fake: DiscriminatorOutput, ctx: LossContext):
    real_energy, fake_energy = energy(real, ctx.real), energy(fake, ctx.fake)
    loss = real_energy.mean() + F.relu(ctx.config.ebgan_margin - fake_energy).mean()
    return loss, {"energy_real": real_energy.mean().detach()}


def ebgan_g(fake: DiscriminatorOutput, ctx: LossContext) -> torch.Tensor:
    return energy(fake, ctx.fake).mean() + ctx.config.ebgan_pt_weight * pull_away(fake.code)


LOSSES: Registry[GanLoss] = Registry("GAN loss")
LOSSES.register("mm", GanLoss(scored_d("mm"), scored_g("mm")))
LOSSES.register("ns", GanLoss(scored_d("ns"), scored_g("ns")))
LOSSES.register("lsgan", GanLoss(scored_d("lsgan", 0.5), scored_g("lsgan", 0.5)))  # Mao's ½
LOSSES.register("wgan", GanLoss(wasserstein_d, scored_g("wgan"), clip_weights=True))
LOSSES.register("wgan-gp", GanLoss(wasserstein_d, scored_g("wgan"), penalty="gradient-penalty"))
LOSSES.register("dragan", GanLoss(scored_d("ns"), scored_g("ns"), penalty="dragan"))
LOSSES.register("hinge", GanLoss(scored_d("hinge"), scored_g("hinge")))
LOSSES.register(
    "began", GanLoss(began_d, began_g, autoencoder=True, initial_state={"began_k": 0.0})
)
LOSSES.register("ebgan", GanLoss(ebgan_d, ebgan_g, autoencoder=True))


# Penalties: (critic, real images, fake images, config) -> scalar. The critic closes over
# any conditioning input, so a penalty sees images only.
Critic = Callable[[torch.Tensor], torch.Tensor]


def gradient_norm_penalty(critic: Critic, points: torch.Tensor, weight: float) -> torch.Tensor:
    points = points.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    return weight * ((gradient.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


def interpolation_penalty(
    critic: Critic, real: torch.Tensor, fake: torch.Tensor, config
) -> torch.Tensor:
    alpha = torch.rand(len(real), 1, 1, 1, device=real.device)
    return gradient_norm_penalty(critic, real + alpha * (fake.detach() - real), config.gp_lambda)


def dragan_penalty(critic: Critic, real: torch.Tensor, fake: torch.Tensor, config) -> torch.Tensor:
    # Points near the data: x + a·(x_p - x), x_p = x + ½·std(x)·U[0,1] (Kodali et al.).
    perturbed = real + 0.5 * real.std() * torch.rand_like(real)
    alpha = torch.rand(len(real), 1, 1, 1, device=real.device)
    return gradient_norm_penalty(critic, real + alpha * (perturbed - real), config.dragan_lambda)


PENALTIES: Registry[Callable[[Critic, torch.Tensor, torch.Tensor, Any], torch.Tensor] | None] = (
    Registry("GAN penalty")
)
PENALTIES.register("none", None)
PENALTIES.register("gradient-penalty", interpolation_penalty)
PENALTIES.register("dragan", dragan_penalty)
