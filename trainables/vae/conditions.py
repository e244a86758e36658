"""What a VAE is conditioned on, as codes (one column per attribute, or one for the class)
and the one-hot vector made of them that joins the encoder's input and the latent code."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from gantune.trainables import data
from gantune.trainables.data.notes import say
from gantune.trainables.data.vocabulary import OTHER, Vocabulary
from gantune.trainables.trial_data import TrialData


@dataclass(frozen=True)
class Conditions:
    kind: str  # none, class, attributes
    columns: tuple[str, ...] = ()  # "class", or the attribute columns
    values: tuple[tuple[str, ...], ...] = ()  # the values of each column, in code order
    vocabulary: Vocabulary | None = None  # the training split's, for attribute tables

    @property
    def dim(self) -> int:
        return sum(len(values) for values in self.values)

    def vector(self, codes: torch.Tensor | None) -> torch.Tensor | None:
        """N x dim one-hot (each column's block side by side), None when unconditional."""
        if self.kind == "none" or codes is None:
            return None
        blocks = [
            F.one_hot(codes[:, k], len(values)).float() for k, values in enumerate(self.values)
        ]
        return torch.cat(blocks, dim=1)

    def codes_of(self, split: TrialData) -> torch.Tensor | None:
        """Each image's codes (N x columns; -1: no value to condition on), on the split's
        device, in the training split's vocabulary; what was left out is said."""
        if self.kind == "none":
            return None
        if self.kind == "class":
            return split.labels[:, None]
        table = data.attributes(
            split.dataset, split.raw_labels, vocabulary=self.vocabulary, split=split.split,
            **split.options,
        )  # fmt: skip
        say(list(table.notes))
        return table.codes.to(split.images.device)

    def request(self, label: str | None, attributes: dict[str, str], count: int) -> torch.Tensor:
        """Codes asking for a class by name or number, or for attribute values by name."""
        if self.kind == "class":
            if attributes or label is None:
                raise ValueError("a class-conditional VAE takes --label (a class), not --attr")
            from gantune.trainables.generate import resolve_label

            return torch.full((count, 1), resolve_label(label, list(self.values[0])))
        if self.kind == "attributes":
            if label is not None:
                raise ValueError(
                    f"an attribute-conditional VAE takes --attr NAME=VALUE; attributes: "
                    f"{', '.join(self.columns)}"
                )
            return torch.tensor([self.code(attributes, k) for k in range(len(self.columns))])[
                None
            ].expand(count, -1)
        raise ValueError("this VAE is unconditional; omit --label and --attr")

    def code(self, asked: dict[str, str], k: int) -> int:
        unknown = sorted(set(asked) - set(self.columns))
        if unknown:
            valid = ", ".join(self.columns)
            raise ValueError(f"unknown attribute {', '.join(unknown)}; valid attributes: {valid}")
        column, values = self.columns[k], self.values[k]
        if column not in asked:
            raise ValueError(f"--attr {column}=... is needed; valid values: {', '.join(values)}")
        lowered = [v.lower() for v in values]
        wanted = asked[column].lower()
        grouped = self.vocabulary.grouped[k] if self.vocabulary and self.vocabulary.grouped else ()
        if wanted in (g.lower() for g in grouped) and OTHER in values:
            raise ValueError(
                f"{column} {asked[column]!r} was grouped as {OTHER!r} in training (top_values: "
                f"a rare value); ask for {OTHER!r}, or one of: {', '.join(values)}"
            )
        if wanted not in lowered:
            raise ValueError(
                f"unknown {column} {asked[column]!r}; valid values: {', '.join(values)}"
            )
        return lowered.index(wanted)


def conditions_of(kind: str, train: TrialData, columns: tuple[str, ...]) -> Conditions:
    if kind == "class":
        return Conditions("class", ("class",), (tuple(train.class_names),))
    if kind == "attributes":
        table = data.attributes(train.dataset, train.raw_labels, columns, **train.options)
        say(list(table.notes))
        return Conditions("attributes", table.columns, table.values, table.vocabulary)
    return Conditions("none")


def usable(images: torch.Tensor, codes: torch.Tensor | None, split: str):
    """The images that have a value of every condition (and their codes); the rest are
    left out of conditioning, and said."""
    if codes is None:
        return images, None
    keep = (codes >= 0).all(dim=1)
    left = int((~keep).sum())
    if not left:
        return images, codes
    say([f"{split} split: {left} of {len(codes)} images have no value to condition on; left out"])
    return images[keep], codes[keep]
