from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from trainables import data
from trainables.data.image_folder import ImageFolderError


def write_image(path: Path, colour: tuple[int, int, int], size=(40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def test_cyclegan_layout(tmp_path):
    for split, count in (("train", 3), ("test", 2)):
        for domain, colour in (("A", (120, 60, 20)), ("B", (30, 50, 120))):
            for i in range(count):
                write_image(tmp_path / f"{split}{domain}" / f"{i}.jpg", colour)
    images, labels = data.load("image-folder", split="train", root=str(tmp_path), size=16)
    assert images.shape == (6, 3, 16, 16) and labels.tolist() == [0, 0, 0, 1, 1, 1]
    _, names = data.classes("image-folder", labels, root=str(tmp_path))
    assert names == ["A", "B"]
    images, labels = data.load("image-folder", split="test", root=str(tmp_path), size=16)
    assert labels.tolist() == [0, 0, 1, 1]
    assert images[0, 0].float().mean() > images[0, 2].float().mean()  # brown: red over blue


def test_class_folder_layout_like_flowers(tmp_path):
    for name, colour in (
        ("rose", (200, 20, 30)),
        ("daisy", (240, 240, 240)),
        ("tulip", (250, 90, 0)),
    ):
        for i in range(2):
            write_image(tmp_path / name / f"{i}.png", colour)
    images, labels = data.load("image-folder", root=str(tmp_path), size=8, channels=1)
    assert images.shape == (6, 1, 8, 8)
    ids, names = data.classes("image-folder", labels, root=str(tmp_path))
    assert names == ["daisy", "rose", "tulip"] and ids.tolist() == [0, 0, 1, 1, 2, 2]
    with pytest.raises(ImageFolderError, match="train only"):
        data.load("image-folder", split="test", root=str(tmp_path))


def test_attributes_csv_layout(tmp_path):
    rows = [
        (15970, "Men", "Apparel", "Topwear", "Shirts", "Navy Blue"),
        (39386, "Men", "Apparel", "Bottomwear", "Jeans", "Blue"),
        (59263, "Women", "Accessories", "Watches", "Watches", "Silver"),
        (12345, "Women", "Footwear", "Shoes", "Heels", "Black"),  # no image file: skipped
    ]
    columns = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "styles.csv", index=False)
    for key, *_ in rows[:3]:
        write_image(tmp_path / "images" / f"{key}.jpg", (90, 90, 90), size=(60, 80))
    images, labels = data.load("image-folder", root=str(tmp_path), size=20)
    assert images.shape == (3, 3, 20, 20)
    assert isinstance(labels, pd.DataFrame) and labels["id"].tolist() == [15970, 39386, 59263]
    ids, names = data.classes("image-folder", labels, root=str(tmp_path))
    assert names == ["Accessories", "Apparel"] and ids.tolist() == [1, 1, 0]


def test_letterbox_keeps_aspect(tmp_path):
    picture = np.zeros((80, 40, 3), dtype=np.uint8)
    picture[:, :] = (250, 250, 250)
    picture[30:50, 10:30] = (0, 0, 0)
    (tmp_path / "a").mkdir()
    Image.fromarray(picture).save(tmp_path / "a" / "x.png")
    images, _ = data.load("image-folder", root=str(tmp_path), size=40)
    assert images[0, :, 20, 20].tolist() == [0, 0, 0]  # the square stays in the centre
    assert images[0, :, 20, 2].tolist() == [250, 250, 250]  # padding takes the corner colour


def test_corrupt_image_is_named(tmp_path):
    write_image(tmp_path / "shirts" / "good.png", (1, 2, 3))
    (tmp_path / "shirts" / "broken.jpg").write_bytes(b"not really a jpeg")
    with pytest.raises(ImageFolderError, match=r"broken\.jpg"):
        data.load("image-folder", root=str(tmp_path))


def test_missing_root_and_bad_layout(tmp_path):
    with pytest.raises(ImageFolderError, match="needs root"):
        data.load("image-folder")
    with pytest.raises(
        ImageFolderError, match="valid choices: auto, cyclegan, classes, attributes"
    ):
        data.load("image-folder", root=str(tmp_path), layout="zip")
