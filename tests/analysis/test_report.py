"""The report of a real experiment: written by the CLI, self-contained, and drawn by a
real headless Chromium without JavaScript errors."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from gantune.analysis.load import read_parquet
from gantune.search.cli import main

FIGURES = ("curves", "distribution", "budget", "rungs", "parallel", "importance", "samples")
SECTIONS = ("lucic", "variants", *FIGURES)
CHROMIUM = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--hide-scrollbars",
]  # fmt: skip


class ExternalResources(HTMLParser):
    """Collects the tags that would make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if (tag == "script" and values.get("src")) or (tag == "link" and values.get("href")):
            self.found.append(f"{tag} {values}")
        if tag == "img" and not str(values.get("src", "")).startswith("data:"):
            self.found.append(f"{tag} {values}")

    @classmethod
    def of(cls, page: str) -> list[str]:
        parser = cls()
        parser.feed(page)
        return parser.found


@pytest.fixture(scope="module")
def report(tiny_experiment, tmp_path_factory):
    output = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(tiny_experiment[0]), "-o", str(output)]) == 0
    return output


def test_report_is_self_contained(report, tiny_experiment):
    page = report.read_text()
    for anchor in FIGURES:
        assert f'id="figure-{anchor}"' in page
    assert page.count("plotly.js v") == 1  # the library, inlined once
    assert not ExternalResources.of(page)  # opens offline: nothing to fetch
    assert "Real-vs-real floor" in page and "too few losses to compare orderings" in page
    assert "Spearman rank correlation" not in page  # three losses: no rank correlation
    assert "scheduler:" in page  # the spec
    assert "29.6 ± 1.6" in page  # published: Lucic et al.'s Fashion-MNIST MM
    assert "155.7 ± 11.6" not in page and "Ferrer" not in page  # no other family's numbers
    assert re.findall(r'<h2 id="([a-z]+)"', page) == list(SECTIONS)
    assert "fANOVA on the metric at iteration" in page  # importance at a stated common budget
    assert "../shared" not in page and "Liu Minghao" in page  # sources a reader can look up
    frame = read_parquet(report.with_name("results.parquet"))
    assert frame["trial_id"].nunique() == 6


def chromium(*arguments, profile):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, (
        "headless Chromium is needed for this test: run .ci/setup "
        "(on Debian/Ubuntu: sudo apt-get install chromium)"
    )
    command = [binary, *CHROMIUM, f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def test_chromium_draws_every_figure_without_errors(report, tmp_path):
    url = report.resolve().as_uri()
    done = chromium(
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=20000",
        "--dump-dom",
        url,
        profile=tmp_path / "p1",
    )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    errors = [line for line in console if "Uncaught" in line or "Error" in line]
    assert not errors, errors
    dom = done.stdout
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'<div id="figure-([a-z]+)"', dom)]
    assert [name for _, name in starts] == list(FIGURES)
    for (start, name), (end, _) in zip(starts, [*starts[1:], (len(dom), "")], strict=True):
        assert 'class="main-svg"' in dom[start:end], f"figure {name} drew no SVG"


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "report.png"
    chromium(
        "--window-size=1300,3000",
        "--virtual-time-budget=20000",
        f"--screenshot={shot}",
        report.resolve().as_uri(),
        profile=tmp_path / "p2",
    )
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    assert pixels.std() > 20  # text, tables and plots, not a white page
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200


def test_a_saved_spec_that_leaves_the_first_rung_to_its_kind_reports_the_kind_s_rungs(
    tiny_experiment, tmp_path
):
    """A thaw study's saved spec keeps `grace_period: 0` (the kind's default, 2); the report
    once read the 0 as the first rung and looped for ever building the rungs."""
    import yaml

    directory = tmp_path / "thaw"
    shutil.copytree(tiny_experiment[0], directory)
    spec_path = directory / "spec.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    spec["scheduler"] = {"kind": "thaw", "max_t": 4, "grace_period": 0, "reduction_factor": 2}
    spec_path.write_text(yaml.safe_dump(spec))
    output = tmp_path / "report.html"
    assert main(["report", str(directory), "-o", str(output)]) == 0
    page = output.read_text()
    assert '"x":["2","4"]' in page and '"x":["1","2","4"]' not in page
