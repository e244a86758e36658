"""A small DCGAN for 28 px grey images, made a gantune family in one file."""

import torch
import torch.nn.functional as F
from torch import nn

from gantune.trainables import data
from gantune.trainables.metrics import fid
from gantune.trainables.simple_family import Choice, Range, SimpleFamily


def generator(latent: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(latent, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh(),
    )  # fmt: skip


def discriminator() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(32, 64, 4, 2, 1),
        nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(64 * 7 * 7, 1),
    )  # fmt: skip


class MyDCGAN(SimpleFamily):
    name = "my-dcgan"
    lr: float = Range(2e-4, 1e-5, 1e-2, log=True)
    beta1: float = Range(0.5, 0.0, 0.9)
    latent_dim: int = Choice(64, (32, 64))
    batch_size: int = 64
    root: str = "~/my-clothes"  # a folder with one sub-folder of images per class
    tiny = {"batch_size": 8, "images_per_iter": 32, "eval_samples": 64}

    def setup(self):
        self.folder = {"root": self.root, "size": 28, "channels": 1}
        images, _ = data.load("image-folder", "train", **self.folder)
        self.images = (images.float() / 127.5 - 1).to(self.device)
        self.train_size = len(self.images)
        self.g = generator(self.latent_dim).to(self.device)
        self.d = discriminator().to(self.device)
        betas = (self.beta1, 0.999)
        self.opt_g = torch.optim.Adam(self.g.parameters(), self.lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.d.parameters(), self.lr, betas=betas)

    def step(self):
        real = self.images[torch.randint(len(self.images), (self.batch_size,))]
        fake = self.g(torch.randn(self.batch_size, self.latent_dim, device=self.device))
        loss_d = F.softplus(-self.d(real)).mean() + F.softplus(self.d(fake.detach())).mean()
        self.opt_d.zero_grad(), loss_d.backward(), self.opt_d.step()
        loss_g = F.softplus(-self.d(fake)).mean()
        self.opt_g.zero_grad(), loss_g.backward(), self.opt_g.step()
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item()}

    @torch.no_grad()
    def sample(self, count):
        self.g.eval()
        made = self.g(torch.randn(count, self.latent_dim, device=self.device))
        self.g.train()
        return ((made + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).cpu()

    def evaluate(self, samples):
        # FID against the folder's held-out images, on gantune's Fashion-MNIST features
        return {
            "fid": fid(self.sample(samples), ("image-folder", "test"), "fmnist-cnn", self.folder)
        }
