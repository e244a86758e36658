"""FGSM robustness of classifiers (Goodfellow, Shlens, Szegedy 2014).

x_adv = clip(x + epsilon * sign(grad_x loss), 0, 1), on a [0, 1] pixel scale. The
`nonzero` variant of report 000 perturbs only pixels of the item (x > 0), leaving the
black background untouched; `plain` perturbs every pixel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import torch
import torch.nn.functional as F

from gantune.spaces.registry import Registry
from gantune.trainables.classifier import to_inputs
from gantune.trainables.nets.classifier import Classifier

FGSM_VARIANTS: Registry[Callable[[torch.Tensor], torch.Tensor]] = Registry("FGSM variant")
FGSM_VARIANTS.register("plain", lambda inputs: torch.ones_like(inputs))
FGSM_VARIANTS.register("nonzero", lambda inputs: (inputs > 0).float())


def fgsm(
    model: Classifier, inputs: torch.Tensor, targets: torch.Tensor, epsilon: float, variant: str
) -> torch.Tensor:
    """Adversarial versions of float inputs in [0, 1]."""
    mask = FGSM_VARIANTS.get(variant)(inputs)
    inputs = inputs.clone().requires_grad_(True)
    loss = F.cross_entropy(model(inputs), targets)
    (gradient,) = torch.autograd.grad(loss, inputs)
    return (inputs + epsilon * gradient.sign() * mask).clamp_(0.0, 1.0).detach()


def robustness_table(
    model: Classifier,
    images: torch.Tensor,
    targets: torch.Tensor,
    epsilons: Sequence[float] = (0.0, 0.05, 0.1, 0.25),
    variants: Sequence[str] = ("nonzero", "plain"),
    batch_size: int = 1000,
) -> pd.DataFrame:
    """Accuracy per epsilon (rows) and variant (columns) on uint8 images."""
    device = next(model.parameters()).device
    model.eval()
    table = pd.DataFrame(index=pd.Index(list(epsilons), name="epsilon"), columns=list(variants))
    for variant in variants:
        for epsilon in epsilons:
            correct = 0
            for start in range(0, len(images), batch_size):
                inputs = to_inputs(images[start : start + batch_size], device)
                labels = targets[start : start + batch_size].to(device)
                adversarial = fgsm(model, inputs, labels, epsilon, variant)
                with torch.no_grad():
                    correct += int((model(adversarial).argmax(dim=1) == labels).sum())
            table.loc[epsilon, variant] = correct / len(images)
    return table.astype(float)
