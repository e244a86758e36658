"""The chaos drill (`tests.search.chaos`), slow: a whole ASHA study and a whole PBT study
under random faults (worker nodes lost and added, trial processes killed, the driver
killed once and the study resumed), nothing lost."""

import pytest

from tests.search.chaos import Drill, run


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", ["asha", "pbt"])
def test_a_study_under_random_faults_loses_nothing(tmp_path, scheduler):
    drill = Drill(seed=7, directory=tmp_path, scheduler=scheduler)
    summary = run(drill)
    assert not summary["problems"], (summary, drill.faults)
    assert sum(summary["faults"].values()) >= 3, drill.faults  # faults did happen
    assert summary["faults"]["driver"] == 1, drill.faults
