"""A new family is its own files and nothing else: in a copy of the package layout, a
family added as built-in files (a descriptor in spaces/, a package in trainables/ with
its own command-line verb, a report section in analysis/sections/) is found by
`gantune families`, searched on a real Ray, reported with its own section and published
numbers (and no other family's), and answers its own verb, with no other file edited."""

import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

FILES = {
    "spaces/echo.py": """
        from gantune.spaces.family import FamilySpace, register
        from gantune.spaces.params import Choice, Float
        from gantune.spaces.presets import Preset


        RANGES = {"shape": Choice(("a", "b")), "rate": Float(0.1, 0.9)}


        def space(trial, preset):
            return preset.draw(trial, ("shape", "rate"))


        register(
            FamilySpace(
                name="echo",
                summary="a family added as built-in files in a test",
                space=space,
                presets={"basic": Preset("basic", RANGES)},
                default_preset="basic",
                stratify_by="shape",
                metric="distance",
                mode="min",
            )
        )
    """,
    "trainables/echo/__init__.py": "",
    "trainables/echo/config.py": """
        from dataclasses import dataclass

        from gantune.trainables.config import check_range


        @dataclass(frozen=True)
        class EchoConfig:
            shape: str = "a"
            rate: float = 0.5

            def __post_init__(self):
                check_range("rate", self.rate, 0.0, 1.0)
    """,
    "trainables/echo/trainer.py": """
        import torch


        class EchoTrainer:
            def __init__(self, config, context):
                self.config, self.images_seen, self.distance = config, 0, 1.0

            @property
            def epoch(self):
                return self.images_seen / 100

            def train(self, images):
                self.distance *= 1 - self.config.rate
                self.images_seen += images
                return {"loss": self.distance}

            def evaluate(self, samples):
                return {"distance": self.distance}

            def grid(self, columns):
                return torch.full((columns, 1, 4, 4), 128, dtype=torch.uint8)

            def meta(self):
                return {}

            def config_settings(self):
                return []

            def state_dict(self):
                return {"distance": self.distance, "seen": self.images_seen}

            def load_state_dict(self, state):
                self.distance, self.images_seen = state["distance"], state["seen"]
    """,
    "trainables/echo/family.py": """
        from gantune.trainables.echo.config import EchoConfig
        from gantune.trainables.echo.trainer import EchoTrainer
        from gantune.trainables.families import FAMILIES, Family

        FAMILIES.register("echo", Family(EchoConfig, EchoTrainer))
    """,
    "trainables/echo/commands.py": """
        def register(subparsers):
            parser = subparsers.add_parser("echo-hello", help="the echo family's own verb")
            parser.add_argument("--name", default="world")
            parser.set_defaults(run=lambda args: print(f"echo says hello to {args.name}"))
    """,
    "analysis/sections/echo.py": """
        from gantune.analysis.sections import FAMILY_REPORTS, FamilyReport, Section

        FAMILY_REPORTS.register(
            "echo",
            FamilyReport(
                sections=lambda context: [Section("echo", "Echo section", "it echoes")],
                published=lambda: "<p>Echo et al. 2030: distance 0.01</p>",
            ),
        )
    """,
}
SPEC = """
name: echo
family: echo
scheduler: {kind: fifo, max_t: 2}
num_samples: 2
max_concurrent_trials: 2
images_per_iter: 10
eval_samples: 10
"""


def gantune(copy, *args):
    done = subprocess.run(
        [sys.executable, "-m", "gantune.search.cli", *args],
        cwd=copy,
        env={
            "PYTHONPATH": str(copy.parent),  # gantune.* from the copy
            "RAY_USAGE_STATS_ENABLED": "0",
            "PATH": "/usr/bin:/bin",
            "HOME": str(copy),
            "GANTUNE_RESULTS": str(copy / "results"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_a_family_of_its_own_files_is_found_everywhere(tmp_path):
    copy = tmp_path / "gantune"  # on PYTHONPATH as tmp_path: found before the installed one
    for package in ("spaces", "trainables", "search", "analysis"):
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for path, text in FILES.items():
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_text(textwrap.dedent(text).lstrip())
    assert "echo" in gantune(copy, "families")
    assert "echo says hello to tests" in gantune(copy, "echo-hello", "--name", "tests")
    (copy / "echo.yaml").write_text(SPEC)
    output = gantune(copy, "search", "--spec", str(copy / "echo.yaml"), "--report")
    assert "2 trials, 0 errored" in output
    report = next((copy / "results").glob("echo-*/report.html")).read_text()
    assert "Echo section" in report and "Echo et al. 2030" in report
    assert "Are GANs Created Equal" not in report  # no other family's published numbers
