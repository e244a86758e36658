"""The Fréchet distance between two Gaussians, and Gaussian fits of feature sets.

    d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))

tr((S1 S2)^(1/2)) equals the sum of the square roots of the eigenvalues of the symmetric
positive semi-definite matrix S1^(1/2) S2 S1^(1/2), so we take symmetric eigen-
decompositions only: no complex parts, and singular covariances need no offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(mu1: np.ndarray, s1: np.ndarray, mu2: np.ndarray, s2: np.ndarray) -> float:
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    s1, s2 = np.atleast_2d(np.asarray(s1, np.float64)), np.atleast_2d(np.asarray(s2, np.float64))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise ValueError(
            f"shapes do not match: mu {mu1.shape}/{mu2.shape}, S {s1.shape}/{s2.shape}"
        )
    root = psd_sqrt(s1)
    middle = root @ s2 @ root
    eigen = np.linalg.eigvalsh((middle + middle.T) / 2)
    trace_sqrt = float(np.sqrt(np.clip(eigen, 0.0, None)).sum())
    diff = mu1 - mu2
    value = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt)
    return max(value, 0.0)  # rounding can leave a tiny negative for identical inputs


@dataclass(frozen=True)
class GaussianStats:
    """Mean and covariance of a feature set (float64), and how many samples made them."""

    mu: np.ndarray
    sigma: np.ndarray
    count: int

    @classmethod
    def of(cls, features: np.ndarray) -> GaussianStats:
        features = np.asarray(features, np.float64)
        if len(features) < 2:
            raise ValueError("a Gaussian fit needs at least two samples")
        return cls(features.mean(axis=0), np.cov(features, rowvar=False), len(features))

    def distance(self, other: GaussianStats) -> float:
        return frechet_distance(self.mu, self.sigma, other.mu, other.sigma)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"mu": self.mu, "sigma": self.sigma, "count": np.asarray(self.count)}

    @classmethod
    def from_arrays(cls, arrays) -> GaussianStats:
        return cls(np.asarray(arrays["mu"]), np.asarray(arrays["sigma"]), int(arrays["count"]))
