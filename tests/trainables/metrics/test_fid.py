import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from gantune.trainables import data
from gantune.trainables.metrics import class_agreement, fid, real_floor, reference_statistics
from gantune.trainables.metrics.backends import get_backend
from gantune.trainables.metrics.frechet import GaussianStats
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def test_images():
    images, labels = data.load("fashion-mnist", "test")
    return images, labels


def test_fid_is_independent_of_the_feature_batch_size(test_images):
    images = test_images[0][:3000]
    backend = get_backend("fmnist-cnn")
    small = GaussianStats.of(backend.embed(images, batch_size=50))
    large = GaussianStats.of(backend.embed(images, batch_size=1000))
    reference = reference_statistics(("fashion-mnist", "test"))
    assert abs(small.distance(reference) - large.distance(reference)) < 1e-4


def test_real_floor_is_far_below_bad_samples(test_images):
    floor = real_floor("fashion-mnist", count=5000)
    noise = torch.randint(0, 256, (5000, 1, 28, 28), generator=torch.Generator().manual_seed(0))
    one_image = test_images[0][:1].expand(5000, -1, -1, -1).contiguous()
    noise_fid = fid(noise.to(torch.uint8))
    repeated_fid = fid(one_image)
    assert floor < 0.05 * noise_fid and floor < 0.05 * repeated_fid


def test_class_agreement_of_real_images_is_the_classifier_accuracy(test_images):
    images, labels = test_images
    assert class_agreement(images, labels) > 0.92
    assert class_agreement(images, (labels + 1) % 10) < 0.05


def test_rgb_images_are_adapted_for_a_gray_backend():
    coloured, _ = data.load("fashion-mnist-color", "test")
    assert np.isfinite(fid(coloured[:500]))


def test_reference_statistics_are_cached_on_disk(data_cache):
    reference_statistics(("fashion-mnist", "test"))
    cached = list((data_cache / "fid-reference").glob("fashion-mnist-test-fmnist-cnn-*-28px.npz"))
    assert len(cached) == 1


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_concurrent_trials_compute_the_reference_once(tmp_path):
    # Two processes start together on an empty cache: one computes, the other waits and reads.
    script = (
        "import logging, sys; logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
        "from trainables.metrics import reference_statistics\n"
        "stats = reference_statistics(('fashion-mnist', 'test'))\n"
        "print(repr(float(stats.mu.sum())))\n"
    )
    env = os.environ | {"GANTUNE_DATA": str(tmp_path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), outputs
    assert outputs[0][0] == outputs[1][0]
    computed = sum(err.count("computing reference statistics") for _, err in outputs)
    assert computed == 1
    assert not list((tmp_path / "fid-reference").glob("*.tmp"))
