import numpy as np
import pytest
import scipy.linalg

from gantune.trainables.metrics import GaussianStats, frechet_distance


def random_covariance(rng, dim, rank=None):
    factor = rng.normal(size=(dim, rank or dim))
    return factor @ factor.T / dim


def test_zero_for_identical_statistics():
    rng = np.random.default_rng(0)
    mu, sigma = rng.normal(size=16), random_covariance(rng, 16)
    assert frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8)


def test_symmetric():
    rng = np.random.default_rng(1)
    a = (rng.normal(size=8), random_covariance(rng, 8))
    b = (rng.normal(size=8), random_covariance(rng, 8))
    assert frechet_distance(*a, *b) == pytest.approx(frechet_distance(*b, *a), rel=1e-10)


def test_closed_form_for_diagonal_gaussians():
    # With commuting covariances: |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 9.0])
    expected = 1.0 + 4.0 + (1 - 2) ** 2 + (2 - 1) ** 2 + 0.0
    assert frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, rel=1e-12)


def test_matches_the_textbook_formula_for_full_covariances():
    rng = np.random.default_rng(2)
    mu1, mu2 = rng.normal(size=10), rng.normal(size=10)
    s1, s2 = random_covariance(rng, 10), random_covariance(rng, 10)
    root = scipy.linalg.sqrtm(s1 @ s2).real
    expected = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * root)
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-8)


def test_stable_for_singular_covariances():
    rng = np.random.default_rng(3)
    s1, s2 = random_covariance(rng, 32, rank=3), random_covariance(rng, 32, rank=5)
    mu = np.zeros(32)
    value = frechet_distance(mu, s1, mu, s2)
    assert np.isfinite(value) and value > 0
    # Rank-deficient diagonal case has a closed form too.
    a = np.array([1.0, 0.0, 4.0, 0.0])
    b = np.array([0.0, 0.0, 1.0, 9.0])
    expected = np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert frechet_distance(np.zeros(4), np.diag(a), np.zeros(4), np.diag(b)) == pytest.approx(
        expected
    )


def test_mismatched_shapes_are_an_error():
    with pytest.raises(ValueError, match="shapes do not match"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


def test_gaussian_fit_round_trip():
    rng = np.random.default_rng(4)
    stats = GaussianStats.of(rng.normal(size=(500, 6)))
    again = GaussianStats.from_arrays(stats.to_arrays())
    assert again.count == 500 and np.allclose(again.sigma, stats.sigma)
