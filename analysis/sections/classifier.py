"""What the classifier family adds to a report: the report classifiers' published
accuracies (the FID feature nets and FGSM robustness are in the README's tables)."""

from __future__ import annotations

from gantune.analysis.published import ReportedResult, reported_html
from gantune.analysis.sections import FAMILY_REPORTS, FamilyReport

BRAYTON = (
    'Brayton, Patel, Selvia, Zhang, "E_in-style: Clothing Item Generation using GANs" '
    "(San José State University)"
)
REPORTED = (
    ReportedResult(
        "dense classifier 784-128-10, test accuracy", 0.88, "fraction", f"{BRAYTON}, VI.A"
    ),
    ReportedResult(
        "two-conv CNN (5x5, 64 and 128 filters), test accuracy",
        0.90,
        "fraction",
        f"{BRAYTON}, VI.A",
    ),
    ReportedResult(
        "classifier under FGSM on item pixels, epsilon 0.05, accuracy",
        0.75,
        "fraction",
        f"{BRAYTON}, VI.A",
    ),
)

FAMILY_REPORTS.register(
    "classifier",
    FamilyReport(sections=lambda context: [], published=lambda: reported_html(REPORTED)),
)
