"""The report's data functions on synthetic frames, without a Ray search: the expected
best value for a budget (`analysis.bands`)."""

import numpy as np
import pandas as pd

from gantune.analysis.bands import budget_bands


def frame_of(finals: dict[str, list[float]], mode: str = "min") -> pd.DataFrame:
    rows = []
    for variant, values in finals.items():
        for number, value in enumerate(values):
            rows.append({"experiment": "e", "trial_id": f"{variant}{number}", "variant": variant,
                         "training_iteration": 1, "metric": "fid", "mode": mode, "fid": value,
                         "images_seen": 1000 * (number + 1)})  # fmt: skip
    return pd.DataFrame(rows)


def test_the_expected_best_falls_with_settings_tried_and_stays_within_the_trials():
    found = budget_bands(frame_of({"a": [50.0, 40.0, 30.0, 20.0], "b": [90.0, 80.0]}), draws=200)
    assert list(found) == ["a", "b"]
    mean, low, high = found["a"].by_settings
    assert np.all(np.diff(mean) <= 1e-9)  # one more setting never makes the best worse
    assert 20.0 <= mean[-1] <= 50.0 and (low <= mean + 1e-9).all() and (mean <= high + 1e-9).all()
    assert found["a"].settings.tolist() == [1, 2, 3, 4]
    assert (
        found["b"].by_settings[0][0] == np.mean([90.0, 80.0])
        or 80 <= found["b"].by_settings[0][0] <= 90
    )


def test_mode_max_keeps_the_highest_and_a_variant_with_no_finite_value_is_left_out():
    found = budget_bands(frame_of({"a": [0.5, 0.9], "none": [np.inf, np.nan]}, "max"), draws=100)
    assert list(found) == ["a"]
    assert np.all(np.diff(found["a"].by_settings[0]) >= -1e-9)
