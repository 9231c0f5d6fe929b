"""The CLI as an administrator runs it, on the embedded SQLite, from a home built once.

``duban init``, ``units load --sample``, ``import`` of the sample plan and ``publish`` take
seconds as subprocesses; they run once per session into ``published_home``, and each test gets
its own copy of that home (``duban``), so no test sees another's changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

Run = Callable[..., subprocess.CompletedProcess[str]]

PUBLISH_SAMPLE: tuple[tuple[str | Path, ...], ...] = (
    ("init",),
    ("units", "load", "--sample"),
    ("import", SAMPLE, "--effective", "2021-01-01"),
    ("publish",),
)
"""The steps that make ``published_home``: plan 1 (the sample, 25 tasks) published."""


def cli(home: Path, cwd: Path | None = None) -> Run:
    """Run ``python -m duban …`` on ``home`` as ``cli:test`` (never on DUBAN_DATABASE_URL)."""
    env = {**os.environ, "DUBAN_HOME": str(home), "DUBAN_ACTOR": "cli:test"}
    env.pop("DUBAN_DATABASE_URL", None)

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duban", *map(str, args)],
            capture_output=True, text=True, env=env, timeout=120, check=False, cwd=cwd,
        )  # fmt: skip

    return run


def copy_home(template: Path, folder: Path) -> Path:
    """A copy of the home ``template`` as ``folder/home``."""
    return Path(shutil.copytree(template, folder / "home"))


@pytest.fixture(scope="session")
def published_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the sample plan published; copy it, never use it directly."""
    home = tmp_path_factory.mktemp("published") / "home"
    run = cli(home)
    for step in PUBLISH_SAMPLE:
        done = run(*step)
        assert done.returncode == 0, (step, done.stderr)
    return home


@pytest.fixture
def duban(published_home: Path, tmp_path: Path) -> Run:
    """The CLI, run in ``tmp_path``, on a fresh copy of ``published_home`` at ``tmp_path/home``."""
    return cli(copy_home(published_home, tmp_path), cwd=tmp_path)
