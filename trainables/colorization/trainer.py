"""Training one colorizer (pix2pix): G maps an item's lightness to its colour (in Lab, its
chroma ab; or, `space: rgb`, all three RGB channels from the grey); D judges the input
beside a colouring (real or G's). D's loss is halved, as pix2pix does; G's loss is the
adversarial term plus lambda_l1 times the L1 distance to the true colours ("l1+gan"),
the adversarial term alone ("gan"), or L1 alone with no D at all ("l1")."""

from __future__ import annotations

from typing import Any

import torch

from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.colorization.config import PATCHES, ColorizationConfig
from gantune.trainables.colorization.data import load_split
from gantune.trainables.colorization.model import Colouriser
from gantune.trainables.colorization.nets import max_depth, patch_discriminator
from gantune.trainables.colorization.scoring import Scorer, references
from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.metrics import resolve_backend
from gantune.trainables.nets.translation import init_weights
from gantune.trainables.sampler import BatchSampler


class ColorizationTrainer:
    def __init__(self, config: ColorizationConfig, context: TrialContext) -> None:
        self.config, self.context, self.device = config, context, context.device
        options = config.dataset_options
        self.train_split = load_split(config.dataset, options, self.device, "train")
        self.test_split = load_split(config.dataset, options, self.device, "test")
        size = self.train_split.colour.shape[-1]
        depth = min(config.depth, max_depth(size))
        generator = Colouriser(config.space, config.ngf, depth, config.norm, config.dropout)
        self.generator = init_weights(generator).to(self.device)
        self.adversarial = config.objective != "l1"
        self.discriminator = None
        if self.adversarial:
            layers = PATCHES[config.d_patch]
            pair = 1 + generator.out_channels  # the input beside a colouring
            critic = patch_discriminator(pair, config.ndf, layers, config.norm)
            self.discriminator = init_weights(critic).to(self.device)
        betas = (config.beta1, config.beta2)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr, betas=betas)
        self.opt_d = None
        if self.discriminator is not None:
            self.opt_d = torch.optim.Adam(
                self.discriminator.parameters(), lr=config.lr, betas=betas
            )
        self.loss = ADVERSARIAL.get(config.loss)
        self.sampler = BatchSampler(len(self.train_split.colour), context.seed, self.device)
        backend = resolve_backend(config.dataset, config.fid_backend, options)
        self.scorer = Scorer(config.dataset, options, backend, self.device, self.train_split)
        self.images_seen = 0

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.train_split.colour)

    def judge(self, inputs: torch.Tensor, colouring: torch.Tensor) -> torch.Tensor:
        return self.discriminator(torch.cat([inputs, colouring], dim=1))

    def step(self, totals: dict[str, float]) -> None:
        index = self.sampler.next(self.config.batch_size)
        colour = self.train_split.colour[index]
        grey = self.generator.inputs(colour)  # the lightness (Lab) or the luma (RGB)
        real = self.generator.targets(colour)
        with self.context.autocast():
            fake = self.generator(grey)
            loss_l1 = (fake - real).abs().mean()
            loss_g = loss_l1 * (self.config.lambda_l1 if self.config.objective != "gan" else 0.0)
            if self.adversarial:
                self.discriminator.requires_grad_(False)
                adversarial = self.loss.g(self.judge(grey, fake))
                loss_g = loss_g + adversarial
                totals["adv_g"] = totals.get("adv_g", 0.0) + float(adversarial.detach())
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        if self.adversarial:
            self.discriminator.requires_grad_(True)
            with self.context.autocast():
                scores_real = self.judge(grey, real)
                scores_fake = self.judge(grey, fake.detach())
                loss_d = 0.5 * self.loss.d(scores_real, scores_fake)
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            totals["loss_d"] = totals.get("loss_d", 0.0) + float(loss_d.detach())
        totals["loss_g"] = totals.get("loss_g", 0.0) + float(loss_g.detach())
        totals["l1"] = totals.get("l1", 0.0) + float(loss_l1.detach())
        self.images_seen += len(index)

    def train(self, images: int) -> dict[str, float]:
        steps = max(1, images // self.config.batch_size)
        totals: dict[str, float] = {}
        for _ in range(steps):
            self.step(totals)
        return {name: total / steps for name, total in totals.items()}

    def colourise(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 grey (or colour) items -> uint8 RGB, as pix2pix tests (`model.test_mode`)."""
        return self.generator.colourise(images)

    def evaluate(self, samples: int) -> dict[str, float]:
        count = min(samples, len(self.test_split.colour))
        made = self.colourise(self.test_split.colour[:count])  # its lightness, or its grey
        metrics = self.scorer.score(
            made, self.test_split.colour[:count], self.test_split.labels[:count]
        )
        return metrics | references(self.scorer, self.test_split, self.train_split, count)

    def grid(self, columns: int) -> torch.Tensor:
        """Three rows: the grey inputs, their colourisations, the true colours."""
        grey, colour = self.test_split.grey[:columns], self.test_split.colour[:columns]
        return torch.cat([grey.expand(-1, 3, -1, -1), self.colourise(colour), colour]).cpu()

    def meta(self) -> dict[str, Any]:
        return {"image_shape": list(self.train_split.colour.shape[1:])}

    def config_settings(self) -> list[ConfigSetting]:
        values = {"lr": self.config.lr, "betas": (self.config.beta1, self.config.beta2)}
        optimizers = [self.opt_g] if self.opt_d is None else [self.opt_g, self.opt_d]
        return [ConfigSetting(optimizer, values) for optimizer in optimizers]

    def state_dict(self) -> dict[str, Any]:
        state = {
            "generator": self.generator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "sampler": self.sampler.state_dict(),
            "images_seen": self.images_seen,
        }
        if self.discriminator is not None:
            state["discriminator"] = self.discriminator.state_dict()
            state["opt_d"] = self.opt_d.state_dict()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.load_state_dict(state["generator"])
        self.opt_g.load_state_dict(state["opt_g"])
        if self.discriminator is not None:
            self.discriminator.load_state_dict(state["discriminator"])
            self.opt_d.load_state_dict(state["opt_d"])
        self.sampler.load_state_dict(state["sampler"])
        self.images_seen = state["images_seen"]
