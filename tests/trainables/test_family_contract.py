"""The contract every registered family keeps, checked the same way for each (a family
registered later is picked up here without editing this file), by the checks `gantune
check-family` runs on a user's own family (`trainables.family_checks`): a few tiny
iterations report the family's metric, finite; a checkpoint restored in a new process
continues bit for bit; a bad config value is refused before any data is read, naming the
key; a restore under PBT-mutated values takes them; schedules are set in images."""

import pytest

from gantune.spaces.family import FAMILY_SPACES
from gantune.trainables.families import FAMILIES, load_families
from gantune.trainables.family_checks import CHECKS, Broken, tiny_config

load_families()
NAMES = FAMILY_SPACES.names()


def test_both_layers_register_the_same_families():
    assert set(FAMILIES.names()) == set(NAMES)


@pytest.mark.parametrize("promise", CHECKS)
@pytest.mark.parametrize("name", NAMES)
def test_every_family_keeps_the_contract(name, promise, tmp_path):
    try:
        CHECKS[promise](tiny_config(name), tmp_path)
    except Broken as error:
        pytest.fail(f"{name}: {promise}: {error}")
