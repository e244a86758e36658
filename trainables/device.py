"""The device and the CPU thread count, chosen at run time."""

from __future__ import annotations

import torch


def pick_device(preference: str = "auto") -> torch.device:
    """CUDA when present (or asked for), else the CPU."""
    if preference == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if preference.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {preference!r} asked for, but CUDA is not available")
    return torch.device(preference)


def set_threads(cpus: float | int | None) -> int:
    """Use as many intra-op threads as the CPUs this process was given (at least one)."""
    threads = max(1, int(cpus or 1))
    torch.set_num_threads(threads)
    return threads
