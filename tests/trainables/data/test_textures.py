import pytest
import torch

from gantune.trainables import data
from gantune.trainables.data import textures

SMALL = {"items": 2000}  # a test-sized rendering; the full one: the slow test below


@pytest.mark.parametrize(
    ("options", "items"), [(SMALL, 2000), pytest.param({}, 60000, marks=pytest.mark.slow)]
)
def test_train_domains_are_unpaired_and_balanced(options, items):
    images, labels = data.load("leather-denim", split="train", **options)
    assert images.shape == (items, 3, 32, 32) and images.dtype == torch.uint8
    leather_items = set(labels[labels[:, 1] == 0, 2].tolist())
    denim_items = set(labels[labels[:, 1] == 1, 2].tolist())
    assert len(leather_items) == len(denim_items) == items // 2
    assert not leather_items & denim_items


@pytest.mark.parametrize(
    ("options", "items"), [(SMALL, 2000), pytest.param({}, 10000, marks=pytest.mark.slow)]
)
def test_test_split_pairs_every_item_in_both_domains(options, items):
    images, labels = data.load("leather-denim", split="test", **options)
    assert images.shape == (2 * items, 3, 32, 32)
    leather, denim = labels[labels[:, 1] == 0], labels[labels[:, 1] == 1]
    assert torch.equal(leather[:, 2], denim[:, 2])
    assert torch.equal(leather[:, 0], denim[:, 0])  # same item, same class
    assert sorted(leather[:, 2].tolist()) == list(range(items))


def test_rendering_is_deterministic_from_the_seed():
    gray, _ = data.load("fashion-mnist", split="test")
    items = gray[:64]

    def draw(seed):
        return textures.render(items, "leather", 32, torch.Generator().manual_seed(seed))

    assert torch.equal(draw(3), draw(3))
    assert not torch.equal(draw(3), draw(4))


def test_domains_look_different_where_it_matters():
    images, labels = data.load("leather-denim", split="test", **SMALL)
    item = labels[:, 1] == 0
    mean_leather = images[item].float().mean(dim=(0, 2, 3))
    mean_denim = images[~item].float().mean(dim=(0, 2, 3))
    assert mean_leather[0] > mean_leather[2]  # leather is warm (red over blue)
    assert mean_denim[2] > mean_denim[0]  # denim is indigo (blue over red)


def test_64px_variant():
    gray, _ = data.load("fashion-mnist", split="test")
    out = textures.render(gray[:8], "denim", 64, torch.Generator().manual_seed(0))
    assert out.shape == (8, 3, 64, 64)
