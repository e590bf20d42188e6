"""What a process loads before it serves: the settings, every app and the whole URL map, without the heavy
libraries that only some requests need. Each of these is loaded by the function that uses it (a PDF, a workbook, a
forecast, a boundary, a reference hash, a Parquet release), so a web worker, the jobs worker and every `truyxuat`
command start in about half the time (measured with `python -X importtime`: 4.0 s of imports before, 2.0 s after,
pandas alone 0.8 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from core.tests.served import ROOT

HEAVY = {"pandas", "statsmodels", "sklearn", "numpy", "reportlab", "openpyxl", "pyarrow", "shapely", "pyproj", "pyld"}
HEAVY |= {"epcis_event_hash_generator", "markdown", "frictionless", "scipy", "PIL"}

CODE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every URL map, hence every view module
import truyxuat.api
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_start_up_loads_no_heavy_library():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "DJANGO_", "PYTEST_"))}
    env |= {"TRUYXUAT_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "truyxuat.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "django" in loaded and "ninja" in loaded  # the map was loaded
    assert sorted(HEAVY & loaded) == []
