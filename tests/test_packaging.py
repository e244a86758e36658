"""One installed package: the wheel puts `gantune` (and its metadata) at the top of
site-packages and nothing generic; every package directory of the four layers is in
pyproject.toml's package list; and no driver code reads the spec after the plan."""

import ast
import subprocess
import sys
import tomllib
import zipfile

import pytest

from tests.conftest import ROOT

LAYERS = ("search", "spaces", "trainables", "analysis")


def test_every_package_directory_is_listed():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        "gantune." + ".".join(path.parent.relative_to(ROOT).parts)
        for layer in LAYERS
        for path in (ROOT / layer).rglob("*")
        if path.suffix in (".py", ".yaml", ".pt", ".json") and "__pycache__" not in path.parts
    }
    assert found - listed == set(), f"add to pyproject.toml's packages: {sorted(found - listed)}"
    assert listed - found == set(), f"listed but absent: {sorted(listed - found)}"


@pytest.mark.slow
def test_the_wheel_installs_one_top_level_name(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    [wheel] = tmp_path.glob("gantune-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"gantune", next(t for t in top if t.endswith(".dist-info"))}, top
    assert "gantune/trainables/metrics/weights/fmnist-cnn.pt" in names  # the data travels
    assert "gantune/search/studies/fashion-gan-quick.yaml" in names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"gantune = gantune.search.cli:main" in entry


def names_after(function: ast.FunctionDef, assigned: str) -> set[str]:
    """The names a function reads after its first assignment to `assigned`."""
    start = next(
        node.lineno
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == assigned for t in node.targets)
    )
    return {
        node.id
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.lineno > start
    }


def test_no_spec_is_read_after_the_plan_is_built():
    source = ast.parse((ROOT / "search" / "commands" / "search.py").read_text())
    run = next(n for n in source.body if isinstance(n, ast.FunctionDef) and n.name == "run")
    assert "spec" not in names_after(run, "plan")
    consumers = ["tuner", "preflight", "ray_start", "progress", "study_store", "retention",
                 "follow", "schedulers/kinds", "schedulers/warmups"]  # fmt: skip
    for name in consumers:
        text = (ROOT / "search" / f"{name}.py").read_text()
        assert "ExperimentSpec" not in text and "load_spec" not in text, name
        assert "spec: Any" not in text, name
