"""Training and evaluating one GAN: the family's `train`, `evaluate` and `grid`."""

from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn

from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.gan.conditioning import CONDITIONINGS, Codes
from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.losses import LOSSES, PENALTIES, LossContext
from gantune.trainables.images import to_uint8, to_unit
from gantune.trainables.metrics import class_agreement, fid, resolve_backend
from gantune.trainables.nets.gan import Discriminator, DiscriminatorOutput, build_generator
from gantune.trainables.sampler import BatchSampler
from gantune.trainables.trial_data import trial_data

EVAL_BATCH = 500


def adam(module: nn.Module, lr: float, config: GanConfig, device: torch.device) -> torch.optim.Adam:
    # The fused kernel updates all parameters in one pass: the largest single gain of
    # our step on a CPU (bench/gan_step.py).
    return torch.optim.Adam(
        module.parameters(), lr=lr, betas=(config.beta1, config.beta2), fused=True
    )


def latent_size(config: GanConfig, classes: int) -> int:
    return config.latent_dim + CONDITIONINGS.get(config.conditioning).latent_extra(classes, config)


def draw_latent(
    config: GanConfig, codes: Codes, count: int, generator: torch.Generator, device: torch.device
) -> torch.Tensor:
    """z from the configured distribution, with the conditioning codes appended."""
    shape = (count, config.latent_dim)
    if config.z_dist == "uniform":
        z = torch.rand(shape, generator=generator, device=device) * 2 - 1
    else:
        z = torch.randn(shape, generator=generator, device=device)
    return z if codes.latent is None else torch.cat([z, codes.latent], dim=1)


def has_batch_norm(module: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())


def split_output(
    out: DiscriminatorOutput, first: int
) -> tuple[DiscriminatorOutput, DiscriminatorOutput]:
    halves = [DiscriminatorOutput(), DiscriminatorOutput()]
    for name, value in vars(out).items():
        if value is not None:
            setattr(halves[0], name, value[:first])
            setattr(halves[1], name, value[first:])
    return halves[0], halves[1]


class GanTrainer:
    def __init__(self, config: GanConfig, context: TrialContext) -> None:
        device, seed = context.device, context.seed
        data = trial_data(config.dataset, config.dataset_options, device)
        self.config, self.data, self.device, self.context = config, data, device, context
        self.backend = resolve_backend(config.dataset, config.fid_backend, config.dataset_options)
        self.loss = LOSSES.get(config.loss)
        self.penalty = PENALTIES.get(self.loss.penalty)
        self.conditioning = CONDITIONINGS.get(config.conditioning)
        self.classes = len(data.class_names)
        channels, size = data.images.shape[1], data.images.shape[-1]
        latent = latent_size(config, self.classes)
        self.generator = build_generator(config.net, latent, channels, size, config.width).to(
            device
        )
        self.discriminator = Discriminator(
            config.net,
            channels + self.conditioning.d_extra_channels(self.classes),
            channels,
            size,
            config.width,
            config.d_batch_norm,
            autoencoder_code=config.ae_code_dim if self.loss.autoencoder else 0,
            aux_classes=self.conditioning.aux_classes(self.classes),
            info_dims=self.conditioning.info_dims(self.classes, config),
        ).to(device)
        if context.precision == "bf16":  # with autocast, convolutions run faster channels-last
            self.generator.to(memory_format=torch.channels_last)
            self.discriminator.to(memory_format=torch.channels_last)
        # Real and fake go through D in one batch unless batch norm would mix their statistics.
        self.joint_batches = not has_batch_norm(self.discriminator)
        self.freeze_d_in_g = True  # G's step computes no weight gradients for D
        self.opt_g = adam(self.generator, config.lr_g, config, device)
        self.opt_d = adam(self.discriminator, config.lr_d, config, device)
        self.sampler = BatchSampler(len(data.images), seed, device)
        self.noise = torch.Generator(device=device).manual_seed(seed + 1)
        self.loss_state: dict[str, float] = dict(self.loss.initial_state)
        self.images_seen = 0
        self.eval_seed = seed + 2

    # -- sampling -------------------------------------------------------------------------
    def latent(self, codes: Codes, count: int, generator: torch.Generator) -> torch.Tensor:
        return draw_latent(self.config, codes, count, generator, self.device)

    def fakes(self, count: int, grad: bool) -> tuple[torch.Tensor, Codes]:
        codes = self.conditioning.sample(count, self.classes, self.config, self.noise, self.device)
        with torch.set_grad_enabled(grad), self.context.autocast():
            return self.generator(self.latent(codes, count, self.noise)), codes

    def d_input(self, images: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        return self.conditioning.d_input(images, labels, self.classes)

    def discriminate(self, real_in: torch.Tensor, fake_in: torch.Tensor):
        if self.joint_batches:
            return split_output(self.discriminator(torch.cat([real_in, fake_in])), len(real_in))
        return self.discriminator(real_in), self.discriminator(fake_in)

    # -- training -------------------------------------------------------------------------
    def d_step(self, fake: torch.Tensor, codes: Codes, totals: dict[str, torch.Tensor]) -> None:
        index = self.sampler.next(self.config.batch_size)
        real = to_unit(self.data.images[index])
        labels = self.data.labels[index]
        fake = fake.detach()
        with self.context.autocast():
            real_out, fake_out = self.discriminate(
                self.d_input(real, labels), self.d_input(fake, codes.labels)
            )
            context = LossContext(self.config, real, fake, self.loss_state)
            loss, logs = self.loss.d_loss(real_out, fake_out, context)
            loss = loss + self.conditioning.d_terms(real_out, fake_out, labels, codes, self.config)
            if self.penalty is not None:

                def critic(images: torch.Tensor) -> torch.Tensor:
                    return self.discriminator(self.d_input(images, labels)).score

                penalty = self.penalty(critic, real, fake, self.config)
                loss = loss + penalty
                logs["penalty"] = penalty.detach()
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        if self.loss.clip_weights:
            with torch.no_grad():
                for parameter in self.discriminator.parameters():
                    parameter.clamp_(-self.config.wgan_clip, self.config.wgan_clip)
        self.images_seen += len(index)
        accumulate(totals, {"loss_d": loss.detach(), **logs})

    def g_step(self, fake: torch.Tensor, codes: Codes, totals: dict[str, torch.Tensor]) -> None:
        self.discriminator.requires_grad_(not self.freeze_d_in_g)  # no D weight gradients
        with self.context.autocast():
            out = self.discriminator(self.d_input(fake, codes.labels))
            context = LossContext(self.config, fake.detach(), fake, self.loss_state)
            loss = self.loss.g_loss(out, context)
            loss = loss + self.conditioning.g_terms(out, codes, self.config)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        self.discriminator.requires_grad_(True)
        accumulate(totals, {"loss_g": loss.detach()})

    def train(self, images: int) -> dict[str, float]:
        """Train on `images` real images (D steps of one batch each); mean losses."""
        self.generator.train()
        self.discriminator.train()
        steps = max(1, images // self.config.batch_size)
        totals: dict[str, torch.Tensor] = {}
        for step in range(steps):
            # The fakes of the last D step before a G step keep their graph and are reused.
            g_next = (step + 1) % self.config.n_disc == 0
            fake, codes = self.fakes(self.config.batch_size, grad=g_next)
            self.d_step(fake, codes, totals)
            if g_next:
                self.g_step(fake, codes, totals)
        counts = {"loss_d": steps, "loss_g": max(1, steps // self.config.n_disc)}
        return {name: float(total) / counts.get(name, steps) for name, total in totals.items()}

    # -- evaluation -----------------------------------------------------------------------
    @torch.inference_mode()
    def generate(self, labels: torch.Tensor | None, count: int, seed: int) -> torch.Tensor:
        """uint8 images from fixed noise; `labels` fix the class (or categorical code)."""
        generator = torch.Generator(device=self.device).manual_seed(seed)
        self.generator.eval()
        out = []
        for start in range(0, count, EVAL_BATCH):
            size = min(EVAL_BATCH, count - start)
            if labels is None:
                codes = self.conditioning.sample(
                    size, self.classes, self.config, generator, self.device
                )
            else:
                codes = self.conditioning.fixed(
                    labels[start : start + size].to(self.device), self.classes, self.config
                )
            out.append(to_uint8(self.generator(self.latent(codes, size, generator))).cpu())
        self.generator.train()
        return torch.cat(out)

    def balanced_labels(self, count: int) -> torch.Tensor | None:
        if self.conditioning.label_conditional:
            return torch.arange(count) % self.classes
        return None

    def evaluate(self, samples: int) -> dict[str, float]:
        labels = self.balanced_labels(samples)
        images = self.generate(labels, samples, self.eval_seed)
        reference = (self.data.dataset, "test")
        metrics = {"fid": fid(images, reference, self.backend, self.data.options, self.device)}
        if labels is not None:
            with contextlib.suppress(ValueError):  # the backend may have no class head
                metrics["class_agreement"] = class_agreement(images, labels, self.backend)
        return metrics

    def grid(self, columns: int = 10) -> torch.Tensor:
        """A fixed sample grid: one row per class (or code) when conditioned, else 8 rows."""
        has_codes = self.conditioning.label_conditional or self.config.conditioning == "infogan"
        rows = self.classes if has_codes else 8
        labels = torch.arange(rows).repeat_interleave(columns) if has_codes else None
        return self.generate(labels, rows * columns, seed=self.eval_seed + 1)

    # -- checkpoints ----------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {
            "class_names": list(self.data.class_names),
            "image_shape": list(self.data.images.shape[1:]),
        }

    def state_dict(self) -> dict[str, Any]:
        return {
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "sampler": self.sampler.state_dict(),
            "noise": self.noise.get_state(),
            "loss_state": dict(self.loss_state),
            "images_seen": self.images_seen,
        }

    def config_settings(self) -> list[ConfigSetting]:
        betas = (self.config.beta1, self.config.beta2)
        return [
            ConfigSetting(self.opt_g, {"lr": self.config.lr_g, "betas": betas}),
            ConfigSetting(self.opt_d, {"lr": self.config.lr_d, "betas": betas}),
        ]

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.sampler.load_state_dict(state["sampler"])
        self.noise.set_state(state["noise"])
        self.loss_state.update(state["loss_state"])
        self.images_seen = state["images_seen"]

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.data.images)


def accumulate(totals: dict[str, torch.Tensor], values: dict[str, Any]) -> None:
    for name, value in values.items():
        value = torch.as_tensor(value, dtype=torch.float32)
        totals[name] = totals[name] + value if name in totals else value
