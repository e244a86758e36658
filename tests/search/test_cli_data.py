import pytest
from PIL import Image

from gantune.search.cli import main


@pytest.mark.slow
def test_data_show_writes_a_grid_per_domain(tmp_path, capsys):
    out = tmp_path / "grid.png"
    args = ["data", "show", "leather-denim", "-o", str(out), "--per-row", "4", "-O", "items=600"]
    assert main(args) == 0
    assert "2 groups" in capsys.readouterr().out
    with Image.open(out) as picture:
        assert picture.size[0] > 4 * 32 and picture.size[1] > 2 * 32


def test_data_fetch_reports_the_source(capsys):
    assert main(["data", "fetch", "fashion-mnist"]) == 0
    assert "fashion-mnist: " in capsys.readouterr().out


def test_bad_option_is_a_clear_cli_error(capsys):
    assert main(["data", "show", "fashion-mnist", "-O", "size=64"]) == 2
    assert "takes no option size" in capsys.readouterr().err
