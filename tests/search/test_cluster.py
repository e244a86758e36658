import copy
from pathlib import Path

import pytest
import yaml
from ray.autoscaler._private.util import prepare_config, validate_config

CLUSTER = Path(__file__).resolve().parents[2] / "cluster.yaml"


def test_cluster_yaml_validates_against_the_installed_ray_schema():
    config = yaml.safe_load(CLUSTER.read_text())
    validate_config(prepare_config(config))
    workers = config["available_node_types"]["worker.gpu"]
    assert (
        workers["min_workers"] == 0
        and workers["node_config"]["InstanceMarketOptions"]["MarketType"] == "spot"
    )
    assert (
        config["docker"]["image"].startswith("rayproject/ray:")
        and "ray-ml" not in config["docker"]["image"]
    )
    assert any(
        "pip install" in command and "gantune" in command for command in config["setup_commands"]
    )


def test_fractional_resources_are_rejected_by_the_schema():
    config = yaml.safe_load(CLUSTER.read_text())
    broken = copy.deepcopy(config)
    broken["available_node_types"]["worker.gpu"]["resources"]["GPU"] = 0.25
    with pytest.raises(Exception, match="is not of type 'integer'"):
        validate_config(prepare_config(broken))
