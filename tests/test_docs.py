"""The README and docs/ a newcomer reads: every relative link and anchor resolves, and
every `gantune ...` command quoted in them names a real verb with real options (parsed by
the CLI's own parser; a family's generate options by the family's)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from gantune.search.cli import build_parser
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"(?m)^#{1,6} (.+)$", text)}


def links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return [a or b for a, b in LINK.findall(text)]


def commands(page: Path) -> list[str]:
    """`gantune` command lines of the page's shell blocks (continuations joined)."""
    found = []
    for block in re.findall(r"```(?:bash|sh)?\n(.*?)```", page.read_text(), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"^\s*(\.venv/bin/)?", "", line)
            if line.startswith("gantune "):
                found.append(line.split("  #")[0].split(" # ")[0].strip())
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(page):
    for target in links(page):
        if re.match(r"^[a-z]+:", target):
            continue  # an address outside the repository
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        assert destination.exists(), f"{page.name}: {target} does not exist"
        if anchor:
            assert anchor in anchors(destination), (
                f"{page.name}: no #{anchor} in {destination.name}"
            )


def family_generate_options() -> set[str]:
    import argparse

    from gantune.trainables.families import FAMILIES, load_families

    load_families()
    found = set()
    for _, family in FAMILIES.items():
        if family.generate_options is not None:
            parser = argparse.ArgumentParser(add_help=False)
            family.generate_options(parser)
            found |= {s for action in parser._actions for s in action.option_strings}
    return found


def test_every_quoted_command_is_a_real_verb_with_real_options():
    parser, generate_options = build_parser(), family_generate_options()
    quoted = [(page, line) for page in PAGES for line in commands(page)]
    assert len(quoted) > 30  # the docs do quote commands
    for page, line in quoted:
        argv = shlex.split(line)[1:]
        try:
            args, extra = parser.parse_known_args(argv)
        except SystemExit:
            pytest.fail(f"{page.name}: `{line}` is not a valid gantune command")
        if extra:
            assert getattr(args, "family_options", False), f"{page.name}: `{line}`: {extra}"
            flags = {e.split("=")[0] for e in extra if e.startswith("-")}
            assert flags <= generate_options, f"{page.name}: `{line}`: unknown {flags}"
