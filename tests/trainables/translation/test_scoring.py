"""The translation scorer against answers known in advance: the target renderings of the
same items score as a perfect translation, the floor is the untranslated input scored
the same way, the colour transfer moves item colours, and each reference is what it says."""

import numpy as np
import pytest
import torch

from gantune.trainables.metrics.backends import get_backend
from gantune.trainables.translation.pairs import load_domains, renderings
from gantune.trainables.translation.scoring import (
    Scorer,
    colour_transfer,
    energy_distance,
    item_colours,
    item_mask,
    references,
)

COUNT = 300
OPTIONS = {"size": 32, "items": 1000}  # a test-sized rendering


@pytest.fixture(scope="module")
def scored():
    device = torch.device("cpu")
    domains = load_domains("leather-denim", OPTIONS, device)
    scorer = Scorer("leather-denim", OPTIONS, "leather-denim-cnn", domains.test, device)
    found = references(scorer, COUNT, renderings("leather-denim", OPTIONS, domains, device))
    return scorer, domains, found


def test_the_target_rendering_of_the_same_items_is_a_perfect_translation(scored):
    scorer, domains, found = scored
    test = domains.test
    perfect = scorer.score(test.b[:COUNT], test.a[:COUNT])
    assert perfect["l1_a2b"] == 0 and perfect["l1_b2a"] == 0
    assert perfect["ssim_a2b"] == pytest.approx(1) and perfect["ssim_b2a"] == pytest.approx(1)
    # FID at its floor: the real test items of the target domain score no worse than real
    # training images of that domain (the real-vs-real floor at this sample count)
    assert (
        perfect["fid_a2b"] <= found["real_fid_a2b"] and perfect["fid_b2a"] <= found["real_fid_b2a"]
    )
    backend = get_backend("leather-denim-cnn")
    truth = test.b[:COUNT]
    accuracy = float((backend.classify(truth) == test.classes[:COUNT]).float().mean())
    assert perfect["class_kept_a2b"] == pytest.approx(accuracy)
    units = backend.logits(truth).argmax(dim=1)
    assert perfect["flip_a2b"] == pytest.approx(
        float((units == test.classes[:COUNT] + 10).float().mean())
    )
    assert perfect["flip_a2b"] > 0.5 and perfect["palette_a2b"] < found["floor_palette_a2b"] / 10


def test_the_floor_is_the_untranslated_input_scored_the_same_way(scored):
    scorer, domains, found = scored
    nothing = scorer.score(domains.test.a[:COUNT], domains.test.b[:COUNT])
    for name, value in nothing.items():
        assert found[f"floor_{name}"] == pytest.approx(value)
    assert found["floor_flip"] < 0.05  # doing nothing never changes the domain
    assert found["floor_class_kept"] > 0.8  # ... but keeps the class: a ceiling, not a floor


def test_references_sit_in_order(scored):
    _, _, found = scored
    for direction in ("a2b", "b2a"):
        fid = {p: found[f"{p}_fid_{direction}"] for p in ("floor", "transfer", "real", "oracle")}
        assert fid["real"] < fid["transfer"] < fid["floor"] and fid["oracle"] < fid["transfer"]
        # two renderings of one item differ, but far less than the two domains do
        assert 0 < found[f"oracle_l1_{direction}"] < found[f"floor_l1_{direction}"]
        assert found[f"oracle_ssim_{direction}"] > found[f"floor_ssim_{direction}"]
        assert found[f"transfer_palette_{direction}"] < found[f"floor_palette_{direction}"]


def test_colour_transfer_moves_item_pixels_and_keeps_the_background():
    background = torch.full((4, 3, 8, 8), 242, dtype=torch.uint8)
    red, blue = background.clone(), background.clone()
    red[:, 0, 2:6, 2:6], red[:, 1:, 2:6, 2:6] = 200, 20
    blue[:, 2, 2:6, 2:6], blue[:, :2, 2:6, 2:6] = 180, 30
    moved = colour_transfer(red, red, blue)
    assert torch.equal(item_mask(moved), item_mask(red))
    assert torch.equal(moved[:, :, 0, 0], red[:, :, 0, 0])  # background untouched
    assert item_colours(moved) == pytest.approx(item_colours(blue), abs=2 / 255)


def test_energy_distance_is_unbiased_for_two_samples_of_one_distribution():
    """Regression: the within-sample means counted each item's zero distance to itself,
    so two samples of one distribution scored about 2 E|X - X'| / n, not 0."""
    rng = np.random.default_rng(0)
    pairs = [(rng.random((200, 3)), rng.random((200, 3))) for _ in range(30)]
    found = np.mean([energy_distance(x, y) for x, y in pairs])
    bias = 2 * np.mean([np.linalg.norm(x[:, None] - x[None], axis=-1).mean() for x, _ in pairs])
    bias *= 1 / 199  # what the biased estimate added: 2 E|X - X'| / (n - 1), about 0.007
    assert abs(found) < bias / 5
    x = rng.random((200, 3))
    assert energy_distance(x, x + 0.5) > energy_distance(x, x + 0.1) > 0
