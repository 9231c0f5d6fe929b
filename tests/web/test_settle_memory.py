"""``duban serve``'s app factory leaves start-up's objects out of the collector's sight
(``duban.web.app.settle_memory``); run in a child, as frozen objects would stay in this one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = (
    "import gc\n"
    "from duban.web.app import app_from_environment\n"
    "assert gc.get_freeze_count() == 0\n"
    "app_from_environment()\n"
    "print(gc.get_freeze_count())\n"
)


def test_the_served_app_freezes_what_start_up_built(tmp_path: Path) -> None:
    env = {**os.environ, "DUBAN_HOME": str(tmp_path), "DUBAN_SECRET_KEY": "s" * 40,
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("DUBAN_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 50_000  # modules, templates and routes: ~10⁵ objects
