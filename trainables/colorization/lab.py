"""CIE L*a*b* (D65 white, sRGB primaries), as pix2pix's colorization model works in it:
the generator is given the lightness L and predicts the two chroma channels a and b; the
output is the input's L with the predicted ab.

Tensors are N x 3 x H x W: RGB in [0, 1]; L in [0, 100], a and b roughly in
[-110, 110]. The formulas are CIE's (sRGB companding, the XYZ matrix of IEC 61966-2-1,
the cube-root law with its linear toe); tests check them against scikit-image's."""

from __future__ import annotations

import torch

RGB_TO_XYZ = torch.tensor(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
WHITE = torch.tensor([0.95047, 1.0, 1.08883])  # D65, Y = 1
EPSILON = (6 / 29) ** 3
AB_SCALE = 110.0  # a and b as the generator's tanh output: ab / AB_SCALE
SPACES = ("lab", "rgb")  # what a colouriser predicts: ab from L, or RGB from the grey


def linear(rgb: torch.Tensor) -> torch.Tensor:
    return torch.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)


def companded(rgb: torch.Tensor) -> torch.Tensor:
    rgb = rgb.clamp_min(0.0)
    return torch.where(rgb > 0.0031308, 1.055 * rgb ** (1 / 2.4) - 0.055, rgb * 12.92)


def f(t: torch.Tensor) -> torch.Tensor:
    return torch.where(
        t > EPSILON, t.clamp_min(EPSILON) ** (1 / 3), t / (3 * (6 / 29) ** 2) + 4 / 29
    )


def f_inverse(t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > 6 / 29, t**3, 3 * (6 / 29) ** 2 * (t - 4 / 29))


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    matrix = RGB_TO_XYZ.to(rgb)
    xyz = torch.einsum("ij,njhw->nihw", matrix, linear(rgb.float()))
    xyz = xyz / WHITE.to(rgb)[None, :, None, None]
    fx, fy, fz = f(xyz).unbind(1)
    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], dim=1)


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    """RGB in [0, 1] (colours outside the sRGB gamut clipped)."""
    light, a, b = lab.float().unbind(1)
    fy = (light + 16) / 116
    xyz = torch.stack([f_inverse(fy + a / 500), f_inverse(fy), f_inverse(fy - b / 200)], dim=1)
    xyz = xyz * WHITE.to(lab.device, torch.float32)[None, :, None, None]
    matrix = torch.linalg.inv(RGB_TO_XYZ).to(lab.device)
    return companded(torch.einsum("ij,njhw->nihw", matrix, xyz)).clamp(0.0, 1.0)


def lightness_of(images: torch.Tensor) -> torch.Tensor:
    """uint8 images (grey or RGB) -> L in [0, 100], N x 1 x H x W."""
    rgb = images.float() / 255.0
    if rgb.shape[1] == 1:
        rgb = rgb.expand(-1, 3, -1, -1)
    return rgb_to_lab(rgb)[:, :1]


def to_unit_lightness(light: torch.Tensor) -> torch.Tensor:
    """L as the generator's input, in [-1, 1]."""
    return light / 50.0 - 1.0


def to_rgb8(lab: torch.Tensor) -> torch.Tensor:
    """Lab -> uint8 RGB (out-of-gamut colours clipped)."""
    return (lab_to_rgb(lab) * 255.0).round().clamp(0, 255).to(torch.uint8)
