"""The worked example of docs/your-own-model.md, run as the page shows it: the one-file
family passes `gantune check-family`, two broken copies fail it naming the broken
promise, and the spec on the page searches it, reports it and generates from its best
checkpoint."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gantune.search.cli import main
from tests.conftest import ROOT
from tests.support.clothes import class_folder

DOCS = ROOT / "docs"
PAGE = (DOCS / "your-own-model.md").read_text()


def commands(page: str) -> list[str]:
    """The `gantune` commands of the page's bash blocks, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", page, re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("gantune")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The example's files in a working folder, and a class folder standing for
    ~/my-clothes."""
    work = tmp_path_factory.mktemp("own")
    clothes = class_folder(work / "my-clothes")
    for name in ("my_dcgan.py", "my-dcgan.yaml"):
        text = (DOCS / "examples" / name).read_text().replace("~/my-clothes", str(clothes))
        (work / name).write_text(text)
    return work


def run(capsys, line: str, **swap: str) -> tuple[int, str]:
    for old, new in swap.items():
        line = line.replace(old, new)
    code = main(line.split()[1:])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_page_shows_the_example_file_and_its_spec():
    spec = (DOCS / "examples" / "my-dcgan.yaml").read_text()
    assert f"```yaml\n{spec}```" in PAGE
    source = (DOCS / "examples" / "my_dcgan.py").read_text()
    lines = source.splitlines()
    assert len(lines) <= 70 and "class MyDCGAN(SimpleFamily):" in source
    imports = [line for line in lines if line.startswith(("import ", "from "))]
    assert [i for i in imports if "gantune" in i] == [
        "from gantune.trainables import data",
        "from gantune.trainables.metrics import fid",
        "from gantune.trainables.simple_family import Choice, Range, SimpleFamily",
    ]


def broken(folder: Path, name: str, old: str, new: str) -> Path:
    """A copy of the example with one deliberate mistake (and a family name of its own)."""
    text = (folder / "my_dcgan.py").read_text()
    assert old in text
    text = text.replace(old, new).replace('name = "my-dcgan"', f'name = "{name}"')
    path = folder / f"{name.replace('-', '_')}.py"
    path.write_text(text)
    return path


@pytest.mark.slow
def test_check_family_keeps_the_example_and_names_what_broken_copies_break(
    folder, capsys, monkeypatch
):
    monkeypatch.chdir(folder)
    check = commands(PAGE)[0]
    code, said = run(capsys, check, **{"~/my-clothes": str(folder / "my-clothes")})
    assert code == 0 and "every promise kept" in said, said
    forgets = broken(folder, "forgets-optimizers", "    def step(self):", (
        "    def state_dict(self):  # the nets only: the optimizers' moments are lost\n"
        "        return {'images_seen': self.images_seen, 'g': self.g.state_dict(),"
        " 'd': self.d.state_dict()}\n\n    def step(self):"))  # fmt: skip
    code, said = run(capsys, f"gantune check-family {forgets.name}")
    assert code == 1
    assert "BROKEN a restore in a new process continues bit for bit" in said
    assert "opt_" in said and "1 promise(s) broken" in said, said
    shares = broken(folder, "decays-by-budget", "        real = self.images", (
        "        for group in self.opt_g.param_groups:  # a decay over the trial's budget\n"
        "            group['lr'] = self.lr * (1 - self.images_seen / self.context.budget_images)\n"
        "        real = self.images"))  # fmt: skip
    code, said = run(capsys, f"gantune check-family {shares.name}")
    assert code == 1 and "BROKEN schedules are set in images" in said, said
    assert "set it in images" in said


@pytest.mark.slow
def test_the_example_is_searched_reported_and_generates(folder, capsys, monkeypatch, ray_address):
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GANTUNE_RESULTS", str(folder / "results"))
    search, generate = commands(PAGE)[1:]
    code, said = run(capsys, search)
    assert code == 0, said[-3000:]
    best = re.search(r"checkpoint: (\S+)", said).group(1)
    experiment = Path(re.search(r"experiment dir: (\S+)", said).group(1))
    assert (experiment / "report.html").is_file() and "my-dcgan" in (
        experiment / "report.html"
    ).read_text()
    code, said = run(capsys, generate, BEST_CHECKPOINT=best)
    assert code == 0 and (folder / "my-dcgan.png").is_file(), said
    shutil.rmtree(folder / "results")
