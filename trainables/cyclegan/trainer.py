"""Training one CycleGAN: two generators (A -> B and B -> A), two discriminators, the
adversarial loss from the shared module, cycle and identity terms, the image pools, and
the learning rate constant, then falling linearly to zero over a set number of images
(Zhu et al.)."""

from __future__ import annotations

import itertools
from typing import Any

import torch
from torch import nn

from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.cyclegan.config import CycleGanConfig
from gantune.trainables.cyclegan.pool import ImagePool
from gantune.trainables.images import to_unit
from gantune.trainables.metrics import resolve_backend
from gantune.trainables.metrics.image_similarity import l1
from gantune.trainables.nets.translation import CRITICS, TRANSLATORS, init_weights
from gantune.trainables.sampler import BatchSampler
from gantune.trainables.translation.apply import translate
from gantune.trainables.translation.pairs import load_domains, renderings
from gantune.trainables.translation.scoring import Scorer, references

OBJECTIVE_EVERY = 100  # the report logged its total objective once per 100 images...
OBJECTIVE_EPOCHS = 150  # ... and averaged the logs of the first 150 epochs


def adam(modules: list[nn.Module], config: CycleGanConfig) -> torch.optim.Adam:
    parameters = itertools.chain(*(module.parameters() for module in modules))
    return torch.optim.Adam(parameters, lr=config.lr, betas=(config.beta1, config.beta2))


def cycle_terms(g_ab: nn.Module, g_ba: nn.Module, real_a: torch.Tensor, real_b: torch.Tensor):
    """Both translations, and the L1 of each round trip (A -> B -> A, B -> A -> B)."""
    fake_b, fake_a = g_ab(real_a), g_ba(real_b)
    cycle_a = (g_ba(fake_b) - real_a).abs().mean()
    cycle_b = (g_ab(fake_a) - real_b).abs().mean()
    return fake_b, fake_a, cycle_a, cycle_b


class CycleGanTrainer:
    def __init__(self, config: CycleGanConfig, context: TrialContext) -> None:
        self.config, self.context, self.device = config, context, context.device
        self.data = load_domains(config.dataset, config.dataset_options, self.device)
        channels = self.data.a.shape[1]
        make_g, make_d = TRANSLATORS.get(config.generator), CRITICS.get(config.discriminator)
        self.g_ab, self.g_ba = (
            init_weights(
                make_g(channels, config.ngf, config.n_blocks, config.norm), config.init_gain
            )
            for _ in range(2)
        )
        self.d_a, self.d_b = (  # d_a judges domain A images, d_b domain B images
            init_weights(make_d(channels, config.ndf, config.norm), config.init_gain)
            for _ in range(2)
        )
        for module in (self.g_ab, self.g_ba, self.d_a, self.d_b):
            module.to(self.device)
        self.opt_g = adam([self.g_ab, self.g_ba], config)
        self.opt_d = adam([self.d_a, self.d_b], config)
        self.adversarial = ADVERSARIAL.get(config.loss)
        seed = context.seed
        self.samplers = (
            BatchSampler(len(self.data.a), seed, self.device),
            BatchSampler(len(self.data.b), seed + 1, self.device),
        )
        self.pools = (ImagePool(config.pool_size, seed + 2), ImagePool(config.pool_size, seed + 3))
        self.images_seen = 0
        self.objective = {"sum": 0.0, "count": 0}  # the report's running total
        backend = resolve_backend(config.dataset, config.fid_backend, config.dataset_options)
        self.scorer = Scorer(
            config.dataset, config.dataset_options, backend, self.data.test, self.device
        )
        self.renderings = renderings(config.dataset, config.dataset_options, self.data, self.device)

    @property
    def epoch(self) -> float:
        return self.images_seen / max(len(self.data.a), len(self.data.b))

    def learning_rate(self) -> float:
        """Constant for `decay_start_images`, then linearly to zero over `decay_images`."""
        into_decay = self.images_seen - self.config.decay_start_images
        if self.config.decay_images <= 0 or into_decay <= 0:
            return self.config.lr
        return self.config.lr * max(0.0, 1.0 - into_decay / self.config.decay_images)

    def batch(self, domain: int) -> torch.Tensor:
        images = (self.data.a, self.data.b)[domain]
        return to_unit(images[self.samplers[domain].next(self.config.batch_size)])

    def d_loss(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """Zhu et al. halve D's loss, to slow it down relative to G."""
        return 0.5 * self.adversarial.d(critic(real), critic(fake.detach()))

    def step(self, totals: dict[str, Any]) -> None:
        config, lam = self.config, self.config.lambda_cycle
        real_a, real_b = self.batch(0), self.batch(1)
        for optimizer in (self.opt_g, self.opt_d):
            for group in optimizer.param_groups:
                group["lr"] = self.learning_rate()
        with self.context.autocast():
            fake_b, fake_a, cycle_a, cycle_b = cycle_terms(self.g_ab, self.g_ba, real_a, real_b)
            self.d_a.requires_grad_(False)
            self.d_b.requires_grad_(False)
            adv_ab = self.adversarial.g(self.d_b(fake_b))
            adv_ba = self.adversarial.g(self.d_a(fake_a))
            loss_g = adv_ab + adv_ba + lam * (cycle_a + cycle_b)
            if config.lambda_identity > 0:
                identity = (self.g_ab(real_b) - real_b).abs().mean()
                identity = identity + (self.g_ba(real_a) - real_a).abs().mean()
                loss_g = loss_g + config.lambda_identity * lam * identity
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        self.d_a.requires_grad_(True)
        self.d_b.requires_grad_(True)
        with self.context.autocast():
            loss_d_a = self.d_loss(self.d_a, real_a, self.pools[0].query(fake_a))
            loss_d_b = self.d_loss(self.d_b, real_b, self.pools[1].query(fake_b))
        self.opt_d.zero_grad(set_to_none=True)
        (loss_d_a + loss_d_b).backward()
        self.opt_d.step()
        values = {
            "loss_g": loss_g, "loss_d_a": loss_d_a, "loss_d_b": loss_d_b,
            "adv_a2b": adv_ab, "adv_b2a": adv_ba, "cycle_a": cycle_a, "cycle_b": cycle_b,
        }  # fmt: skip
        for name, value in values.items():
            totals[name] = totals.get(name, 0.0) + value.detach()
        before, self.images_seen = self.images_seen, self.images_seen + config.batch_size
        logged = self.images_seen // OBJECTIVE_EVERY > before // OBJECTIVE_EVERY
        if logged and self.epoch <= OBJECTIVE_EPOCHS:
            total = loss_d_a + loss_d_b + adv_ab + adv_ba + lam * (cycle_a + cycle_b)
            self.objective["sum"] += float(total.detach())
            self.objective["count"] += 1

    def train(self, images: int) -> dict[str, float]:
        steps = max(1, images // self.config.batch_size)
        totals: dict[str, Any] = {}
        for _ in range(steps):
            self.step(totals)
        return {name: float(total) / steps for name, total in totals.items()} | {
            "lr": self.learning_rate()
        }

    def evaluate(self, samples: int) -> dict[str, float]:
        count = min(samples, len(self.data.test.a), len(self.data.test.b))
        a, b = self.data.test.a[:count], self.data.test.b[:count]
        to_b, to_a = translate(self.g_ab, a), translate(self.g_ba, b)
        metrics = self.scorer.score(to_b, to_a)
        round_trips = (l1(translate(self.g_ba, to_b), a), l1(translate(self.g_ab, to_a), b))
        metrics["cycle_l1"] = float(sum(errors.mean() for errors in round_trips) / 2)
        if self.objective["count"]:
            metrics["total_objective"] = self.objective["sum"] / self.objective["count"]
        return metrics | references(self.scorer, count, self.renderings)

    def grid(self, columns: int) -> torch.Tensor:
        """Per domain, rows: input, translation, ground truth (when paired), round trip."""
        test = self.data.test
        rows = []
        for source, target, there, back in (
            (test.a, test.b, self.g_ab, self.g_ba),
            (test.b, test.a, self.g_ba, self.g_ab),
        ):
            inputs = source[:columns]
            made = translate(there, inputs)
            rows += [inputs, made]
            if test.paired:
                rows.append(target[:columns])
            rows.append(translate(back, made))
        return torch.cat(rows).cpu()

    def meta(self) -> dict[str, Any]:
        return {"image_shape": list(self.data.a.shape[1:]), "domains": list(self.data.names)}

    def state_dict(self) -> dict[str, Any]:
        nets = {"g_ab": self.g_ab, "g_ba": self.g_ba, "d_a": self.d_a, "d_b": self.d_b}
        return {name: net.state_dict() for name, net in nets.items()} | {
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "samplers": [sampler.state_dict() for sampler in self.samplers],
            "pools": [pool.state_dict() for pool in self.pools],
            "images_seen": self.images_seen,
            "objective": dict(self.objective),
        }

    def config_settings(self) -> list[ConfigSetting]:
        values = {"lr": self.learning_rate(), "betas": (self.config.beta1, self.config.beta2)}
        return [ConfigSetting(self.opt_g, values), ConfigSetting(self.opt_d, values)]

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name in ("g_ab", "g_ba", "d_a", "d_b"):
            getattr(self, name).load_state_dict(state[name])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        for sampler, saved in zip(self.samplers, state["samplers"], strict=True):
            sampler.load_state_dict(saved)
        for pool, saved in zip(self.pools, state["pools"], strict=True):
            pool.load_state_dict(saved, self.device)
        self.images_seen = state["images_seen"]
        self.objective = dict(state["objective"])
