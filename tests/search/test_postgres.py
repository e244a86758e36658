"""A real PostgreSQL study store (the server `.ci/postgres start` runs; these tests need
its URL in $GANTUNE_TEST_POSTGRES): a study mirrors into it, two studies write to one
database at once, and optuna-dashboard reads them."""

import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ProcessPoolExecutor
from wsgiref.simple_server import make_server

import optuna
import optuna_dashboard
import pytest
import sqlalchemy
from optuna.trial import TrialState

from gantune.trainables.experiment.study_store import open_storage
from tests.conftest import ROOT, write_spec
from tests.search.test_dashboard import QuietHandler, get_json
from tests.support.toy_family import SPEC

URL = os.environ.get("GANTUNE_TEST_POSTGRES", "")
pytestmark = pytest.mark.skipif(
    not URL, reason='needs a PostgreSQL server: eval "$(.ci/postgres start)"'
)
TOY = SPEC | {
    "num_samples": 6,
    "scheduler": {"kind": "asha", "max_t": 3, "grace_period": 1, "reduction_factor": 2},
}


def run_search(spec, ray_address) -> subprocess.Popen:
    command = [sys.executable, "-m", "gantune.search.cli", "search", "--spec", str(spec)]
    return subprocess.Popen(
        [*command, "--address", ray_address, "--study-store", URL],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def open_and_say(url: str) -> str:
    try:
        open_storage(url)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "opened"


def test_many_studies_opening_a_new_database_at_once_all_open_it():
    # PostgreSQL refuses one of two concurrent CREATE TABLEs with a unique violation
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    fresh = URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        with ProcessPoolExecutor(6) as pool:
            assert list(pool.map(open_and_say, [fresh] * 6)) == ["opened"] * 6
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.mark.slow
def test_two_studies_write_to_one_database_at_once_and_the_dashboard_reads_them(
    ray_address, tmp_path
):
    names = [f"pg-{uuid.uuid4().hex[:8]}-{i}" for i in range(2)]
    specs = [write_spec(tmp_path, name=name, **TOY) for name in names]
    drivers = [run_search(spec, ray_address) for spec in specs]  # at the same time
    for driver in drivers:
        output, _ = driver.communicate(timeout=300)
        assert driver.returncode == 0, output[-3000:]
    for name in names:
        study = optuna.load_study(study_name=name, storage=URL)
        assert len(study.trials) == 6
        assert {t.state for t in study.trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
        assert all(t.intermediate_values for t in study.trials)
    app = optuna_dashboard.wsgi(open_storage(URL))
    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        listed = {s["study_name"]: s for s in get_json(f"{base}/api/studies")["study_summaries"]}
        for name in names:
            detail = get_json(f"{base}/api/studies/{listed[name]['study_id']}")
            assert len(detail["trials"]) == 6
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_an_unreachable_store_is_refused_before_anything_starts(tmp_path, capsys):
    from gantune.search.cli import main

    spec = write_spec(tmp_path, name="nowhere", **TOY)
    dead = "postgresql://gantune@127.0.0.1:9/gantune"  # nothing listens on port 9
    assert main(["search", "--spec", str(spec), "--study-store", dead]) == 2
    error = capsys.readouterr().err
    assert "study store postgresql://gantune@127.0.0.1:9/gantune cannot be opened" in error
    assert not (tmp_path / "results").exists()
