"""optuna-dashboard serves a finished study's trials (in-process, on a free loopback port)."""

import json
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import optuna_dashboard

from gantune.search.commands.dashboard import store_of
from gantune.trainables.experiment.study_store import open_storage


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def get_json(url: str):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_dashboard_api_lists_the_study_and_its_trials(tiny_experiment):
    directory, _ = tiny_experiment
    app = optuna_dashboard.wsgi(open_storage(store_of(directory)))
    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        studies = get_json(f"{base}/api/studies")["study_summaries"]
        (study,) = [s for s in studies if s["study_name"] == "tiny"]
        detail = get_json(f"{base}/api/studies/{study['study_id']}")
        assert len(detail["trials"]) == 6
        states = {trial["state"] for trial in detail["trials"]}
        assert states <= {"Complete", "Pruned"} and "Pruned" in states
        assert all(trial["intermediate_values"] for trial in detail["trials"])
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_dashboard_binds_loopback_unless_told_and_then_warns(
    tiny_experiment, monkeypatch, capsys
):
    from gantune.search.cli import main

    served = []
    monkeypatch.setattr(
        optuna_dashboard, "run_server", lambda storage, host, port: served.append(host)
    )
    assert main(["dashboard", str(tiny_experiment[0])]) == 0
    assert served == ["127.0.0.1"] and "warning" not in capsys.readouterr().err
    assert main(["dashboard", str(tiny_experiment[0]), "--host", "0.0.0.0"]) == 0
    assert served[-1] == "0.0.0.0" and "no authentication" in capsys.readouterr().err
