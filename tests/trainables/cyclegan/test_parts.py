"""The CycleGAN family's parts: generator depths, the PatchGAN's map and receptive field,
the image pool, the cycle terms, and the image scores it reports."""

import numpy as np
import pytest
import torch
from torch import nn

from gantune.trainables.cyclegan.pool import ImagePool
from gantune.trainables.cyclegan.trainer import cycle_terms
from gantune.trainables.metrics.image_similarity import kid, ssim
from gantune.trainables.nets.translation import CRITICS, TRANSLATORS, init_weights


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("size", [32, 64])
def test_resnet_generators_keep_the_image_shape_and_nine_blocks_are_bigger(size):
    images = torch.rand(2, 3, size, size) * 2 - 1
    nets = {blocks: TRANSLATORS.get("resnet")(3, 8, blocks, "instance") for blocks in (6, 9)}
    for net in nets.values():
        out = net(images)
        assert out.shape == images.shape and out.abs().max() <= 1  # tanh
    assert parameter_count(nets[9]) > parameter_count(nets[6])
    residual = 2 * (3 * 3 * 32 * 32 + 32)  # two 3x3 convs at 4 ngf = 32 channels, with bias
    assert parameter_count(nets[9]) - parameter_count(nets[6]) == 3 * residual


def test_patchgan_scores_a_map_and_sees_70_pixels_at_the_reference_layout():
    critic = init_weights(CRITICS.get("patchgan")(3, 64, "instance"))
    assert critic(torch.zeros(1, 3, 256, 256)).shape == (1, 1, 30, 30)  # Zhu et al.'s map
    assert critic(torch.zeros(1, 3, 32, 32)).shape == (1, 1, 2, 2)
    # The receptive field: which input pixels one output unit depends on.
    critic = CRITICS.get("patchgan")(1, 8, "none")  # linear enough: no norm to mix pixels
    image = torch.rand(1, 1, 160, 160, requires_grad=True)
    out = critic(image)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = torch.nonzero(image.grad[0, 0].abs().sum(dim=1)).flatten()
    columns = torch.nonzero(image.grad[0, 0].abs().sum(dim=0)).flatten()
    assert int(rows.max() - rows.min() + 1) == 70 and int(columns.max() - columns.min() + 1) == 70


def test_five_conv_critic_is_the_patchgan_without_normalisation():
    five = CRITICS.get("five-conv")(3, 16, "instance")
    assert not any(isinstance(m, nn.InstanceNorm2d | nn.BatchNorm2d) for m in five.modules())
    assert sum(isinstance(m, nn.Conv2d) for m in five.modules()) == 5


def test_the_pool_fills_then_swaps_about_half_the_time():
    pool = ImagePool(size=50, seed=0)
    first = torch.arange(50, dtype=torch.float32).view(50, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # filling: every image passes through
    fresh = -1.0 - torch.arange(1000, dtype=torch.float32).view(1000, 1, 1, 1)
    out = torch.cat([pool.query(fresh[i : i + 10]) for i in range(0, 1000, 10)])
    swapped = float((out != fresh).float().mean())
    assert 0.45 < swapped < 0.55  # a stored image came back instead of the new one
    again = ImagePool(size=50, seed=0)
    again.query(first)
    repeat = torch.cat([again.query(fresh[i : i + 10]) for i in range(0, 1000, 10)])
    assert torch.equal(out, repeat)  # seeded
    state = pool.state_dict()
    restored = ImagePool(size=50, seed=99)
    restored.load_state_dict(state, torch.device("cpu"))
    assert torch.equal(restored.query(fresh[:20]), pool.query(fresh[:20]))


def test_cycle_terms_are_zero_for_identity_generators():
    a, b = torch.rand(3, 3, 8, 8), torch.rand(3, 3, 8, 8)
    fake_b, fake_a, cycle_a, cycle_b = cycle_terms(nn.Identity(), nn.Identity(), a, b)
    assert torch.equal(fake_b, a) and torch.equal(fake_a, b)
    assert float(cycle_a) == 0.0 and float(cycle_b) == 0.0


def test_kid_matches_a_hand_computation():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 2.0]])

    def k(a, b):
        return (a @ b / 2 + 1) ** 3

    n = 3
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(n)) / (n * n)
    assert kid(x, y, subsets=3) == pytest.approx(xx + yy - 2 * xy)  # every subset: all rows
    assert abs(kid(x, x, subsets=1)) < abs(kid(x, y, subsets=1))


def test_ssim_of_an_image_with_itself_is_one_and_falls_with_noise():
    images = (torch.rand(4, 3, 32, 32) * 255).to(torch.uint8)
    assert torch.allclose(ssim(images, images), torch.ones(4))
    noisy = (images.float() + torch.randn(images.shape) * 40).clamp(0, 255).to(torch.uint8)
    assert (ssim(images, noisy) < 0.9).all()


def test_translate_keeps_names_and_the_trained_size_and_generate_points_to_it(tmp_path, capsys):
    from PIL import Image

    from gantune.search.cli import main
    from gantune.trainables.trial import run_local

    config = {
        "family": "cyclegan", "ngf": 4, "ndf": 4, "n_blocks": 1, "batch_size": 2,
        "images_per_iter": 4, "max_iterations": 1, "eval_samples": 16,
        "dataset_options": {"items": 600},
    }  # fmt: skip
    run_local(config, tmp_path / "trial", cpus=1)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, size in (("jacket.png", (50, 70)), ("boot.jpg", (40, 40))):
        Image.new("RGB", size, (90, 50, 30)).save(inputs / name)
    args = ["translate", str(tmp_path / "trial"), str(inputs), "-o", str(tmp_path / "out")]
    assert main([*args, "--direction", "a2b"]) == 0
    assert "translated 2 image(s) a2b" in capsys.readouterr().out
    for name in ("jacket.png", "boot.jpg"):
        with Image.open(tmp_path / "out" / name) as picture:
            assert picture.size == (32, 32)  # written at the size the trial trained on
    assert main(["generate", str(tmp_path / "trial")]) == 2
    assert "use `gantune translate" in capsys.readouterr().err
    assert (
        main(["translate", str(tmp_path / "trial"), str(inputs), "-o", "x", "--direction", "up"])
        == 2
    )
    assert "unknown direction 'up'; valid choices: a2b, b2a" in capsys.readouterr().err
