"""Put on PYTHONPATH, makes an interpreter look like the device machine's: no Ray, Optuna
or Plotly (neither importable nor in the package metadata) and gantune not installed (the
editable install's finder removed), so tests/test_gpu_script.py runs the device step as
it will run there."""

import importlib.metadata
import sys
from importlib.abc import MetaPathFinder

HIDDEN = ("ray", "optuna", "plotly")


class Hide(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ImportError(f"{name} is not on the device machine")
        return None


def installed(name, _version=importlib.metadata.version):
    if name.lower() in HIDDEN:
        raise importlib.metadata.PackageNotFoundError(name)
    return _version(name)


sys.meta_path[:] = [Hide()] + [f for f in sys.meta_path if "Editable" not in repr(f)]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in repr(h).lower()]
importlib.metadata.version = installed
