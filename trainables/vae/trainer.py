"""Training and evaluating one VAE: a reparameterised Gaussian posterior, a Bernoulli or
Gaussian decoder, beta x KL with an optional linear warm-up over a number of images, Adam
or RMSprop; conditioned on nothing, the class, or several attributes (one-hot, joined to
the encoder's input and to the latent code).

Every evaluation reports the FID of decoded prior samples (the decoder's mean; the search
metric), the test ELBO with its reconstruction and KL parts (nats per image), and for
conditional models how often the samples show what was asked for, per attribute."""

from __future__ import annotations

from typing import Any

import torch

from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.metrics import fid, resolve_backend
from gantune.trainables.nets.vae import build_vae
from gantune.trainables.sampler import BatchSampler
from gantune.trainables.trial_data import trial_data
from gantune.trainables.vae.conditional_scores import ConditionalScorer
from gantune.trainables.vae.conditions import Conditions, conditions_of, usable
from gantune.trainables.vae.config import VaeConfig
from gantune.trainables.vae.elbo import elbo

EVAL_BATCH = 500


def optimizer_of(config: VaeConfig, parameters) -> torch.optim.Optimizer:
    if config.optimizer == "rmsprop":  # Keras's defaults, as Geron's VAE used them
        return torch.optim.RMSprop(parameters, lr=config.lr, alpha=0.9, eps=1e-7)
    return torch.optim.Adam(parameters, lr=config.lr, betas=(config.beta1, 0.999))


def unit(images: torch.Tensor) -> torch.Tensor:
    return images.float() / 255.0


class VaeTrainer:
    def __init__(self, config: VaeConfig, context: TrialContext) -> None:
        self.config, self.context, self.device = config, context, context.device
        options = config.dataset_options
        self.train_split = trial_data(config.dataset, options, self.device)
        self.test_split = trial_data(config.dataset, options, self.device, "test")
        columns = tuple(config.attributes)
        self.conditions: Conditions = conditions_of(config.conditioning, self.train_split, columns)
        self.train_images, self.codes = usable(
            self.train_split.images, self.conditions.codes_of(self.train_split), "train"
        )
        self.test_images, self.test_codes = usable(
            self.test_split.images, self.conditions.codes_of(self.test_split), "test"
        )
        channels, size = self.train_images.shape[1], self.train_images.shape[-1]
        self.encoder, self.decoder = build_vae(
            config.net, channels, size, config.latent_dim, self.conditions.dim, config.width
        )
        self.encoder.to(self.device)
        self.decoder.to(self.device)
        parameters = [*self.encoder.parameters(), *self.decoder.parameters()]
        self.optimizer = optimizer_of(config, parameters)
        self.sampler = BatchSampler(len(self.train_images), context.seed, self.device)
        self.noise = torch.Generator(device=self.device).manual_seed(context.seed + 1)
        self.eval_seed = context.seed + 2
        self.pixels = channels * size * size
        self.backend = resolve_backend(config.dataset, config.fid_backend, options)
        self.scorer = (
            None if self.test_codes is None else ConditionalScorer(self.conditions, self.backend)
        )
        self.ceilings: dict[str, float] | None = None  # the scores of real test images
        self.images_seen = 0

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.train_images)

    def beta_now(self) -> float:
        warmup = self.config.kl_warmup_images
        if warmup <= 0:
            return self.config.beta
        return self.config.beta * min(1.0, self.images_seen / warmup)

    def forward(self, images: torch.Tensor, codes: torch.Tensor | None, generator):
        cond = self.conditions.vector(codes)
        with self.context.autocast():
            mean, std = self.encoder(images, cond)
            noise = torch.randn(mean.shape, generator=generator, device=self.device)
            logits = self.decoder(mean + std * noise, cond)
        return elbo(logits.float(), images, mean.float(), std.float(), self.config.reconstruction)

    def train(self, images: int) -> dict[str, float]:
        self.encoder.train()
        self.decoder.train()
        steps = max(1, images // self.config.batch_size)
        totals = torch.zeros(3, device=self.device)
        for _ in range(steps):
            index = self.sampler.next(self.config.batch_size)
            codes = None if self.codes is None else self.codes[index]
            _, nll, kl = self.forward(unit(self.train_images[index]), codes, self.noise)
            loss = (nll + self.beta_now() * kl).mean()
            if self.config.reduction == "mean":  # Geron: mean BCE per pixel + KL / pixels
                loss = loss / self.pixels
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            totals += torch.stack([loss.detach(), nll.mean().detach(), kl.mean().detach()])
            self.images_seen += len(index)
        loss, nll, kl = (totals / steps).tolist()
        return {"loss": loss, "recon": nll, "kl": kl, "beta_now": self.beta_now()}

    # -- evaluation -----------------------------------------------------------------------
    def requested(self, count: int) -> torch.Tensor | None:
        """Conditioning for evaluation samples: the test split's own, in turn."""
        if self.test_codes is None:
            return None
        return self.test_codes[torch.arange(count, device=self.device) % len(self.test_codes)]

    @torch.inference_mode()
    def sample(self, codes: torch.Tensor | None, count: int, seed: int) -> torch.Tensor:
        """uint8 images, decoded (mean) from the prior with fixed noise."""
        generator = torch.Generator(device=self.device).manual_seed(seed)
        self.decoder.eval()
        out = []
        for start in range(0, count, EVAL_BATCH):
            size = min(EVAL_BATCH, count - start)
            z = torch.randn(size, self.config.latent_dim, generator=generator, device=self.device)
            part = None if codes is None else codes[start : start + size]
            logits = self.decoder(z, self.conditions.vector(part))
            out.append((torch.sigmoid(logits.float()) * 255).round().to(torch.uint8).cpu())
        self.decoder.train()
        return torch.cat(out)

    @torch.inference_mode()
    def test_elbo(self, count: int) -> dict[str, float]:
        self.encoder.eval()
        self.decoder.eval()
        generator = torch.Generator(device=self.device).manual_seed(self.eval_seed + 1)
        totals = torch.zeros(3, device=self.device)
        count = min(count, len(self.test_images))
        for start in range(0, count, EVAL_BATCH):
            images = unit(self.test_images[start : start + EVAL_BATCH][: count - start])
            codes = (
                None if self.test_codes is None else self.test_codes[start : start + len(images)]
            )
            bound, nll, kl = self.forward(images, codes, generator)
            totals += torch.stack([bound.sum(), nll.sum(), kl.sum()])
        self.encoder.train()
        self.decoder.train()
        bound, nll, kl = (totals / count).tolist()
        return {"test_elbo": bound, "test_recon": nll, "test_kl": kl}

    def conditional_scores(self, images: torch.Tensor, codes: torch.Tensor) -> dict[str, float]:
        """Per attribute (or the class), how often the samples show what was asked for, and
        beside it (`cond_ceiling_*`) how often the real test images show their own."""
        if self.ceilings is None:
            real = self.scorer.score(self.test_images, self.test_codes)
            self.ceilings = {
                name.replace("cond_", "cond_ceiling_", 1): value for name, value in real.items()
            }
        return self.scorer.score(images, codes) | self.ceilings

    def evaluate(self, samples: int) -> dict[str, float]:
        codes = self.requested(samples)
        images = self.sample(codes, samples, self.eval_seed)
        reference = (self.config.dataset, "test")
        options = self.config.dataset_options
        metrics = {"fid": fid(images, reference, self.backend, options, self.device)}
        metrics |= self.test_elbo(samples)
        if codes is not None:
            metrics |= self.conditional_scores(images, codes)
        return metrics

    def grid(self, columns: int) -> torch.Tensor:
        """Conditional: a row per value of the first attribute (or class), the others in
        turn along the row; else 8 rows of prior samples."""
        if self.conditions.kind == "none":
            return self.sample(None, 8 * columns, self.eval_seed + 3)
        rows = len(self.conditions.values[0])
        codes = torch.zeros(rows * columns, len(self.conditions.columns), dtype=torch.int64)
        codes[:, 0] = torch.arange(rows).repeat_interleave(columns)
        for k, values in enumerate(self.conditions.values[1:], start=1):
            codes[:, k] = torch.arange(rows * columns) % columns % len(values)
        return self.sample(codes.to(self.device), len(codes), self.eval_seed + 3)

    # -- checkpoints ----------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {
            "image_shape": list(self.train_images.shape[1:]),
            "class_names": list(self.train_split.class_names),
            "conditioning": self.conditions.kind,
            "columns": list(self.conditions.columns),
            "values": [list(values) for values in self.conditions.values],
            "vocabulary": (
                None if self.conditions.vocabulary is None else self.conditions.vocabulary.as_dict()
            ),
        }

    def state_dict(self) -> dict[str, Any]:
        return {
            "encoder": self.encoder.state_dict(),
            "decoder": self.decoder.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "sampler": self.sampler.state_dict(),
            "noise": self.noise.get_state(),
            "images_seen": self.images_seen,
        }

    def config_settings(self) -> list[ConfigSetting]:
        values: dict[str, Any] = {"lr": self.config.lr}
        if self.config.optimizer == "adam":
            values["betas"] = (self.config.beta1, 0.999)
        return [ConfigSetting(self.optimizer, values)]

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.encoder.load_state_dict(state["encoder"])
        self.decoder.load_state_dict(state["decoder"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.sampler.load_state_dict(state["sampler"])
        self.noise.set_state(state["noise"])
        self.images_seen = state["images_seen"]
