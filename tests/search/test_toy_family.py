"""A family defined only inside the tests (config, trainer, space: `toy_family.py`) runs
through `gantune search` end to end on the real local Ray, lands in the study store, and
appears in the report, with no change anywhere else."""

import optuna
import pytest

from gantune.analysis.load import read_parquet
from gantune.search.cli import main
from tests.conftest import experiment_dir, write_spec
from tests.support.toy_family import SPEC


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_a_family_from_a_plugin_module_is_searched_and_reported(ray_address, tmp_path, capsys):
    spec = write_spec(
        tmp_path,
        **SPEC,
        name="toy",
        num_samples=6,
        scheduler={"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
    )
    assert main(["search", "--spec", str(spec), "--report"]) == 0
    output = capsys.readouterr().out
    assert "trials of toy (toy-basic; valley: flat, steep)" in output
    assert "best trial: error" in output
    directory = experiment_dir(output)
    study = optuna.load_study(study_name="toy", storage=f"sqlite:///{directory / 'study.db'}")
    assert len(study.trials) == 6
    assert {t.params["valley"] for t in study.trials} == {"flat", "steep"}  # taking turns
    page = (directory / "report.html").read_text()
    assert "Trials per valley" in page and 'id="figure-curves"' in page
    frame = read_parquet(directory / "results.parquet")
    assert set(frame["variant"]) == {"flat", "steep"} and (frame["metric"] == "error").all()
