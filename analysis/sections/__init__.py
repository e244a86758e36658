"""Report sections: the page's building blocks, and the sections a family contributes.

A family may register a `FamilyReport` under its name in a module of this package (e.g.
`analysis/sections/gan.py`: the Lucic et al. table); `load_family_reports` imports every
module here. The generic report works without one.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from spaces.registry import Registry


@dataclass
class Section:
    anchor: str
    title: str
    sentence: str
    figure: go.Figure | None = None
    html: str = ""  # a table or paragraphs, shown before the figure


@dataclass
class ReportContext:
    frame: pd.DataFrame  # every experiment's rows (analysis.load)
    directories: list[Path]
    specs: list[dict[str, Any]]  # each experiment's spec, as written
    with_floor: bool = True  # compute reference values that take seconds (FID floors)
    notes: dict[str, Any] = field(default_factory=dict)  # what sections share

    def family_frame(self, family: str) -> pd.DataFrame:
        return self.frame[self.frame["family"] == family]


@dataclass(frozen=True)
class FamilyReport:
    sections: Callable[[ReportContext], list[Section]]
    lead: Callable[[ReportContext], str] = lambda context: ""  # sentences for the lead
    metric_label: Callable[[ReportContext], str | None] = lambda context: None
    # The published numbers the family's studies stand beside (HTML, sources named): a
    # report shows those of the families it holds.
    published: Callable[[], str] = lambda: ""


FAMILY_REPORTS: Registry[FamilyReport] = Registry("family report")


@functools.cache
def load_family_reports() -> None:
    import analysis.sections as package

    for found in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"analysis.sections.{found.name}")


def contributed(family: str) -> FamilyReport | None:
    load_family_reports()
    return FAMILY_REPORTS.get(family) if family in FAMILY_REPORTS else None
