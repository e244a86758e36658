"""The image pool of Shrivastava et al. (2017) as CycleGAN uses it: each discriminator
also sees generated images from earlier steps, which damps oscillation.

Until the pool holds `size` images, each new image is stored and passed on; after that,
each new image is, with probability 0.5, swapped for a stored one (the stored one goes to
D, the new one takes its place), else passed on. Contents and RNG are in the state dict,
so a restored trial draws exactly what an uninterrupted one would."""

from __future__ import annotations

from typing import Any

import torch


class ImagePool:
    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.images: list[torch.Tensor] = []
        self.generator = torch.Generator().manual_seed(seed)

    def query(self, batch: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return batch
        out = []
        for image in batch.detach():
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif float(torch.rand((), generator=self.generator)) < 0.5:
                index = int(torch.randint(self.size, (), generator=self.generator))
                out.append(self.images[index])
                self.images[index] = image.clone()
            else:
                out.append(image)
        return torch.stack(out)

    def state_dict(self) -> dict[str, Any]:
        stored = torch.stack(self.images).cpu() if self.images else torch.empty(0)
        return {"images": stored, "generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any], device: torch.device) -> None:
        self.images = [image.to(device) for image in state["images"]]
        self.generator.set_state(state["generator"])
