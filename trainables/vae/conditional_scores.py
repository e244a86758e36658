"""How often a conditional VAE's samples show what was asked for, by the feature net's
heads, matched to the conditions by name (a column without a head of its name is an
error, before training), value by value (a value the head does not know is left out of
the score and said); beside it the ceiling: the same score of the real test images."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gantune.trainables.data.notes import say
from gantune.trainables.metrics.backends import get_backend
from gantune.trainables.vae.conditions import Conditions


@dataclass(frozen=True)
class HeadMatch:
    column: str
    head: int  # position among the backend's heads (0 for a class head)
    to_unit: torch.Tensor  # condition code -> the head's output unit (-1: the head lacks it)


def head_values(recipe: dict, head: int, column: str | None) -> list[str]:
    """The value names of one head's output units, in order."""
    names = recipe["output_names"]
    sizes = recipe.get("heads") or [len(names)]
    start = sum(sizes[:head])
    block = names[start : start + sizes[head]]
    prefix = f"{column}=" if column else ""
    return [name.removeprefix(prefix) for name in block]


def match_heads(conditions: Conditions, backend_name: str) -> list[HeadMatch]:
    backend = get_backend(backend_name)
    recipe = getattr(backend, "recipe", None)
    if recipe is None:
        raise ValueError(
            f"feature backend {backend_name!r} has no heads to score conditional samples; "
            "use a dataset's trained feature net (gantune metrics train-features)"
        )
    head_names = list(recipe.get("head_names", ()))
    matches = []
    for k, column in enumerate(conditions.columns):
        if conditions.kind == "class":  # the first head is the class head
            head, known = 0, head_values(recipe, 0, head_names[0] if head_names else None)
        elif column in head_names:
            head = head_names.index(column)
            known = head_values(recipe, head, column)
        else:
            raise ValueError(
                f"the VAE is conditioned on {column!r}, but feature backend {backend_name!r} "
                f"has heads {', '.join(head_names) or '(one class head)'}; train a feature "
                "net for this dataset: gantune metrics train-features --dataset ..."
            )
        index = {value: unit for unit, value in enumerate(known)}
        wanted = conditions.values[k]
        absent = [v for v in wanted if v not in index]
        if len(absent) == len(wanted):
            raise ValueError(
                f"feature backend {backend_name!r} knows none of the {column} values "
                f"{', '.join(wanted[:5])}...; it knows {', '.join(known[:5])}..."
            )
        if absent:
            say([f"{column}: the feature net has no output for {', '.join(absent)}; samples "
                 "asked for them are left out of cond_" + column])  # fmt: skip
        to_unit = torch.tensor([index.get(v, -1) for v in wanted], dtype=torch.int64)
        matches.append(HeadMatch(column, head, to_unit))
    return matches


class ConditionalScorer:
    def __init__(self, conditions: Conditions, backend_name: str) -> None:
        self.backend_name = backend_name
        self.matches = match_heads(conditions, backend_name)

    def predicted_units(self, images: torch.Tensor) -> torch.Tensor:
        """N x heads: each image's output unit within every head."""
        backend = get_backend(self.backend_name)
        logits = backend.logits(images.cpu())
        sizes = list(backend.recipe.get("heads") or [logits.shape[1]])
        return torch.stack([part.argmax(dim=1) for part in logits.split(sizes, dim=1)], dim=1)

    def score(self, images: torch.Tensor, codes: torch.Tensor) -> dict[str, float]:
        """Per column, the share of images whose head shows the value asked for."""
        units = self.predicted_units(images)
        codes = codes.cpu()
        scores = {}
        for k, match in enumerate(self.matches):
            wanted = match.to_unit[codes[:, k].clamp_min(0)]
            valid = (codes[:, k] >= 0) & (wanted >= 0)
            if valid.any():
                hits = units[valid, match.head] == wanted[valid]
                scores[f"cond_{match.column}"] = float(hits.float().mean())
        return scores
