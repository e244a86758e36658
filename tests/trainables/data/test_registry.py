"""Contract: every registered dataset loads the same way and maps labels to classes."""

from pathlib import Path

import pytest
import torch
from PIL import Image

from gantune.spaces.registry import UnknownNameError
from gantune.trainables import data


def options_for(name: str, tmp_path: Path) -> dict:
    if name == "leather-denim":
        return {"items": 600}  # a test-sized rendering
    if name != "image-folder":
        return {}
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        Image.new("RGB", (9, 9), (10, 200, 30)).save(tmp_path / cls / "1.png")
    return {"root": str(tmp_path), "size": 12}


@pytest.mark.parametrize("name", data.DATASETS.names())
def test_every_dataset_honours_the_contract(name, tmp_path):
    options = options_for(name, tmp_path)
    images, labels = data.load(name, split="train", **options)
    assert images.dtype == torch.uint8 and images.dim() == 4 and images.shape[1] in (1, 3)
    ids, names = data.classes(name, labels, **options)
    assert len(ids) == len(images) and int(ids.max()) < len(names)
    group_ids, group_names = data.groups(name, labels, **options)
    assert len(group_ids) == len(images) and int(group_ids.max()) < len(group_names)


def test_unknown_dataset_lists_the_valid_ones():
    with pytest.raises(UnknownNameError) as caught:
        data.load("mnist")
    assert "unknown dataset 'mnist'; valid choices: fashion-attributes, fashion-mnist" in str(
        caught.value
    )


def test_unknown_option_lists_the_valid_ones():
    with pytest.raises(ValueError, match="takes no option colour; valid options: seed, path"):
        data.load("fashion-mnist-color", colour="red")


def test_unknown_split_is_an_error():
    with pytest.raises(ValueError, match="valid choices: train, test"):
        data.load("fashion-mnist", split="validation")
