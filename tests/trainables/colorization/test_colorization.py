"""The colorization family's parts: the U-Net and PatchGAN shapes, the scores against
answers known in advance (the true colours score as a perfect colourisation, the grey
input has no colour), each objective through the trial loop, and `gantune colorize` on a
folder of grey and colour images."""

import numpy as np
import pytest
import torch
from PIL import Image

from gantune.search.cli import main
from gantune.spaces import get_family
from gantune.trainables.colorization.data import grey_of
from gantune.trainables.colorization.nets import UNet, max_depth, patch_discriminator
from gantune.trainables.colorization.scoring import colourfulness, psnr
from gantune.trainables.experiment.files import checkpoints, read_state
from gantune.trainables.trial import run_local


@pytest.mark.parametrize("size", [28, 32])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_the_unet_keeps_the_image_size_at_any_depth(size, depth):
    net = UNet(1, 3, 8, min(depth, max_depth(size)), "batch")
    out = net(torch.rand(2, 1, size, size) * 2 - 1)
    assert out.shape == (2, 3, size, size) and out.abs().max() <= 1


@pytest.mark.parametrize(("layers", "side"), [(0, 28), (1, 12), (2, 5), (3, 1)])
def test_the_patchgan_scores_patches_of_the_grey_and_colour_pair(layers, side):
    scores = patch_discriminator(4, 8, layers, "batch")(torch.rand(2, 4, 28, 28))
    assert scores.shape == (2, 1, side, side)


def test_the_true_colours_are_a_perfect_colourisation_and_grey_has_no_colour():
    rng = np.random.default_rng(0)
    colour = torch.from_numpy(rng.integers(0, 256, (4, 3, 16, 16), dtype=np.uint8))
    assert psnr(colour, colour) > 90 and colourfulness(colour) > 10
    grey = grey_of(colour).expand(-1, 3, -1, -1)
    assert colourfulness(grey) == pytest.approx(0, abs=1e-6)
    assert torch.equal(grey_of(grey_of(colour)), grey_of(colour))  # grey stays grey


@pytest.mark.parametrize("objective", ["l1+gan", "gan", "l1"])
def test_each_objective_trains_and_reports_its_scores_beside_the_references(tmp_path, objective):
    config = get_family("colorization").tiny | {
        "family": "colorization", "objective": objective, "max_iterations": 1,
    }  # fmt: skip
    reported = run_local(config, tmp_path, cpus=1)[-1]
    for name in ("fid", "l1", "psnr", "ssim", "colourfulness", "palette"):
        assert np.isfinite(reported[name]) and f"grey_{name}" in reported
    assert reported["grey_colourfulness"] == pytest.approx(0, abs=1e-6)
    assert reported["real_colourfulness"] > 10 and reported["class_colourfulness"] > 1
    state = read_state(checkpoints(tmp_path)[-1])
    assert ("discriminator" in state["trainer"]) == (objective != "l1")  # L1 alone: no D


def test_colorize_writes_every_image_under_its_own_name(tmp_path, capsys):
    config = get_family("colorization").tiny | {"family": "colorization", "max_iterations": 1}
    run_local(config, tmp_path / "trial", cpus=1)
    folder = tmp_path / "in"
    folder.mkdir()
    Image.fromarray(np.full((20, 30), 128, np.uint8)).save(folder / "grey.png")
    Image.fromarray(np.full((28, 28, 3), 90, np.uint8)).save(folder / "colour.jpg")
    assert (
        main(["colorize", str(tmp_path / "trial"), str(folder), "-o", str(tmp_path / "out")]) == 0
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["colour.jpg", "grey.png"]
    with Image.open(tmp_path / "out" / "grey.png") as written:
        assert written.mode == "RGB" and written.size == (28, 28)
    assert main(["translate", str(tmp_path / "trial"), str(folder), "-o", str(tmp_path / "t")]) == 0


def test_an_item_of_unknown_class_gets_the_mean_tint_not_class_zeros():
    """Regression: `tinted` gave unknown labels (-1) class 0's tint."""
    from gantune.trainables.colorization.scoring import tinted

    grey = torch.full((2, 1, 2, 2), 100, dtype=torch.uint8)
    tints = torch.tensor([[2.0, 1.0, 1.0], [1.0, 1.0, 2.0]])
    made = tinted(grey, torch.tensor([0, -1]), tints)
    assert made[0, :, 0, 0].tolist() == [200, 100, 100]
    assert made[1, :, 0, 0].tolist() == [150, 100, 150]  # the mean of the two tints


def test_lab_matches_scikit_image_and_round_trips():
    """Within 1e-3 of scikit-image's rgb2lab and lab2rgb (L in [0, 100]; float32 here)."""
    from skimage import color

    from gantune.trainables.colorization.lab import lab_to_rgb, rgb_to_lab

    rgb = torch.rand(3, 3, 12, 12, generator=torch.Generator().manual_seed(0))
    ours = rgb_to_lab(rgb)
    theirs = torch.from_numpy(color.rgb2lab(rgb.permute(0, 2, 3, 1).numpy())).permute(0, 3, 1, 2)
    assert (ours - theirs.float()).abs().max() < 1e-3
    back = torch.from_numpy(color.lab2rgb(theirs.permute(0, 2, 3, 1).numpy())).permute(0, 3, 1, 2)
    assert (lab_to_rgb(theirs) - back.float()).abs().max() < 1e-4
    assert (lab_to_rgb(ours) - rgb).abs().max() < 1e-4  # the round trip


def test_dropout_is_on_in_the_inner_decoder_levels_at_test_time_too():
    from gantune.trainables.colorization.model import Colouriser, test_mode
    from gantune.trainables.colorization.nets import Noise

    model = Colouriser("lab", ngf=4, depth=3, norm="batch", dropout=0.5)
    noises = [m for m in model.modules() if isinstance(m, Noise)]
    assert len(noises) == 2 and all(n.rate == 0.5 for n in noises)  # the two inner levels
    images = torch.randint(0, 256, (4, 3, 16, 16), dtype=torch.uint8)
    model.eval()
    with test_mode(model):
        inputs = model.inputs(images)
        first, second = model(inputs), model(inputs)
    assert not torch.equal(first, second)  # the generator's noise, as pix2pix tests
    before = [m.running_mean.clone() for m in model.modules() if hasattr(m, "running_mean")]
    model.colourise(images)
    after = [m.running_mean for m in model.modules() if hasattr(m, "running_mean")]
    assert all(torch.equal(a, b) for a, b in zip(before, after, strict=True))
    assert not model.training  # test mode put back as it was


@pytest.mark.parametrize("space", ["lab", "rgb"])
def test_a_trained_step_keeps_the_input_lightness_in_lab_only(space):
    from gantune.trainables.colorization.lab import lightness_of
    from gantune.trainables.colorization.model import Colouriser

    torch.manual_seed(0)
    model = Colouriser(space, ngf=8, depth=2, norm="batch", dropout=0.5)
    colour = torch.randint(40, 216, (8, 3, 16, 16), dtype=torch.uint8)
    optimizer = torch.optim.Adam(model.parameters(), 1e-2)
    loss = (model(model.inputs(colour)) - model.targets(colour)).abs().mean()
    optimizer.zero_grad(), loss.backward(), optimizer.step()
    inputs = model.inputs(colour)
    if space == "lab":  # the output's L is the input's, bit for bit, whatever was learnt
        lab = model.lab(inputs, model(inputs))
        assert torch.equal(lab[:, :1], (inputs + 1.0) * 50.0)
        assert torch.allclose(lab[:, :1], lightness_of(colour), atol=1e-4)
    else:  # predicting RGB changes the lightness it was given
        drift = (lightness_of(model.colourise(colour)) - lightness_of(colour)).abs().mean()
        assert drift > 2.0
