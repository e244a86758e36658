from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image

from gantune.trainables import data
from gantune.trainables.data.image_folder import ImageFolderError


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
    every = {"root": str(tmp_path), "size": 8, "channels": 1, "test_share": 0}
    images, labels = data.load("image-folder", **every)
    assert images.shape == (6, 1, 8, 8)
    ids, names = data.classes("image-folder", labels, root=str(tmp_path))
    assert names == ["daisy", "rose", "tulip"] and ids.tolist() == [0, 0, 1, 1, 2, 2]
    test, _ = data.load("image-folder", "test", **every)  # no held-out share: all of them
    assert len(test) == 6


def test_a_folder_without_a_test_split_holds_out_a_stable_share(tmp_path):
    for i in range(200):
        write_image(tmp_path / "only" / f"{i:03d}.png", (i, i, i), size=(4, 4))
    train, _ = data.load("image-folder", root=str(tmp_path), size=4)
    test, _ = data.load("image-folder", "test", root=str(tmp_path), size=4)
    assert len(train) + len(test) == 200 and 3 <= len(test) <= 20  # about 1 in 20
    again, _ = data.load("image-folder", "test", root=str(tmp_path), size=4)
    assert torch.equal(test, again)
    assert not set(map(tuple, test[:, 0, 0].tolist())) & set(map(tuple, train[:, 0, 0].tolist()))


def test_attributes_csv_layout(tmp_path):
    rows = [
        (15970, "Men", "Apparel", "Topwear", "Shirts", "Navy Blue"),
        (39386, "Men", "Apparel", "Bottomwear", "Jeans", "Blue"),
        (59263, "Women", "Accessories", "Watches", "Watches", "Silver"),
    ]
    columns = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "styles.csv", index=False)
    for key, *_ in rows[:3]:
        write_image(tmp_path / "images" / f"{key}.jpg", (90, 90, 90), size=(60, 80))
    images, labels = data.load("image-folder", root=str(tmp_path), size=20, test_share=0)
    assert images.shape == (3, 3, 20, 20)
    assert isinstance(labels, pd.DataFrame) and labels["id"].tolist() == ["15970", "39386", "59263"]
    ids, names = data.classes("image-folder", labels, root=str(tmp_path))
    assert names == ["Accessories", "Apparel"] and ids.tolist() == [1, 1, 0]


def test_letterbox_keeps_aspect(tmp_path):
    picture = np.zeros((80, 40, 3), dtype=np.uint8)
    picture[:, :] = (250, 250, 250)
    picture[30:50, 10:30] = (0, 0, 0)
    (tmp_path / "a").mkdir()
    Image.fromarray(picture).save(tmp_path / "a" / "x.png")
    images, _ = data.load("image-folder", root=str(tmp_path), size=40, test_share=0)
    assert images[0, :, 20, 20].tolist() == [0, 0, 0]  # the square stays in the centre
    assert images[0, :, 20, 2].tolist() == [250, 250, 250]  # padding takes the corner colour


def messy_product_folder(root: Path) -> None:
    """What the public fashion-product-images styles.csv looks like on a bad day: a line
    with stray commas, a row without its image, an unreadable image, a stray file."""
    lines = [
        "id,gender,masterCategory,articleType,baseColour",
        "1,Men,Apparel,Shirts,Blue",
        "2,Women,Apparel,Tops,Red",
        "3,Men,Footwear,Casual Shoes, White, with laces,Black",  # line 4: stray commas
        "4,Women,Accessories,Watches,Silver",  # no image file
        "5,Men,Apparel,Jeans,Blue",  # unreadable image
        "6,Women,Footwear,Heels,Black",
    ]
    root.mkdir(parents=True, exist_ok=True)
    (root / "styles.csv").write_text("\n".join(lines) + "\n")
    for key in (1, 2, 3, 6):
        write_image(root / "images" / f"{key}.jpg", (key * 30, 90, 90))
    (root / "images" / "5.jpg").write_bytes(b"not really a jpeg")
    (root / "images" / "notes.txt").write_text("stray")


def test_messy_folder_is_refused_with_every_problem_listed(tmp_path):
    messy_product_folder(tmp_path)
    with pytest.raises(ImageFolderError) as caught:
        data.load("image-folder", root=str(tmp_path), size=8, test_share=0)
    message = str(caught.value)
    assert "3 problem(s)" in message and "on_bad=skip" in message
    assert "styles.csv, line 4: 7 fields, the header has 5" in message
    assert "row id 4: no image in images/" in message
    assert "5.jpg: cannot read the image" in message


def test_messy_folder_skipped_on_request_says_what_it_skipped(tmp_path, capsys):
    messy_product_folder(tmp_path)
    images, table = data.load(
        "image-folder", root=str(tmp_path), size=8, test_share=0, on_bad="skip"
    )
    assert table["id"].tolist() == ["1", "2", "6"] and len(images) == 3
    printed = capsys.readouterr().err
    assert "skipped 3 bad entr(ies)" in printed and "line 4" in printed and "5.jpg" in printed


def test_corrupt_images_are_all_named(tmp_path):
    write_image(tmp_path / "shirts" / "good.png", (1, 2, 3))
    (tmp_path / "shirts" / "broken.jpg").write_bytes(b"not really a jpeg")
    (tmp_path / "shirts" / "cut.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(ImageFolderError, match=r"(?s)broken\.jpg.*cut\.png"):
        data.load("image-folder", root=str(tmp_path), test_share=0)


def test_an_empty_folder_says_so(tmp_path):
    (tmp_path / "shirts").mkdir()
    with pytest.raises(ImageFolderError, match="no train images found"):
        data.load("image-folder", root=str(tmp_path))


def test_missing_root_and_bad_layout(tmp_path):
    with pytest.raises(ImageFolderError, match="needs root"):
        data.load("image-folder")
    with pytest.raises(
        ImageFolderError, match="valid choices: auto, cyclegan, classes, attributes"
    ):
        data.load("image-folder", root=str(tmp_path), layout="zip")
