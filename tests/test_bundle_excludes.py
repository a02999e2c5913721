"""The server works without what the frozen application leaves out (providerdesk.spec's `excludes`).

The bundle's embedded server has no Redis and no PostgreSQL, so the spec leaves their libraries out;
a module of the server that imports one of them at the top then fails only in the bundle (the health
check answered 500 there once, when it moved next to the Redis cache). This runs the embedded
server's configuration with every excluded package made unimportable, in a fresh interpreter, and
asks it what the desktop asks first. It is quick, so it runs with the suite, not only in the bundle step.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, os, sys
for name in json.loads(sys.argv[1]):
    sys.modules[name] = None  # `import name` now raises ImportError, as in the bundle
os.environ["DJANGO_SETTINGS_MODULE"] = "server.settings"
import django
django.setup()
from django.test import Client
import server.urls  # every view module, as the server loads them
client = Client(HTTP_HOST="127.0.0.1")
answers = {path: client.get(path).status_code for path in sys.argv[2:]}
print(json.dumps(answers))
"""


def excluded_packages() -> list[str]:
    """The `excludes` list of providerdesk.spec, read from its source."""
    tree = ast.parse((ROOT / "providerdesk.spec").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "excludes" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError("providerdesk.spec has no `excludes` list")


def test_the_server_answers_without_the_packages_the_bundle_leaves_out(tmp_path: Path) -> None:
    excluded = excluded_packages()
    assert {"redis", "psycopg"} <= set(excluded), "the spec's list, read"
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DATABASE_URL")}
    env["PROVIDERDESK_DATA_DIR"] = str(tmp_path)
    paths = ["/api/v1/health/", "/api/v1/providers/"]
    probe = subprocess.run([sys.executable, "-c", PROBE, json.dumps(excluded), *paths], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert probe.returncode == 0, probe.stderr[-4000:]
    answers = json.loads(probe.stdout.strip().splitlines()[-1])
    assert answers == {"/api/v1/health/": 200, "/api/v1/providers/": 401}, probe.stderr[-4000:]
