"""Minibatches from in-memory data: a fresh permutation per epoch, from a seeded
generator whose state is checkpointed, so a restored trial sees the same batches. The
last, smaller batch of an epoch is dropped (GANs, whose batch statistics and losses
assume full batches) or kept (`drop_last=False`: classifiers see every image)."""

from __future__ import annotations

from typing import Any

import torch


class BatchSampler:
    def __init__(self, count: int, seed: int, device: torch.device, drop_last: bool = True) -> None:
        self.count, self.device, self.drop_last = count, device, drop_last
        self.generator = torch.Generator().manual_seed(seed)
        self.order = torch.empty(0, dtype=torch.int64, device=device)
        self.cursor = 0
        self.epochs = 0  # permutations started

    def next(self, batch: int) -> torch.Tensor:
        """Indices of the next batch."""
        needed = batch if self.drop_last else 1
        if self.cursor + needed > len(self.order):
            self.order = torch.randperm(self.count, generator=self.generator).to(self.device)
            self.cursor = 0
            self.epochs += 1
        index = self.order[self.cursor : self.cursor + batch]
        self.cursor += batch
        return index

    def state_dict(self) -> dict[str, Any]:
        return {
            "generator": self.generator.get_state(),
            "order": self.order.cpu(),
            "cursor": self.cursor,
            "epochs": self.epochs,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.set_state(state["generator"])
        self.order = state["order"].to(self.device)
        self.cursor, self.epochs = state["cursor"], state["epochs"]
