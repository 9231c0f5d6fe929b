"""Clear what a crash leaves in the evidence store (``DUBAN_HOME/evidence``).

A file is written to ``.incoming-*`` in its folder and renamed into place, then the row that
points at it is committed (``services.evidence``). A crash can leave two kinds of leftovers:

- an ``.incoming-*`` file (the process died while writing it): removed once older than the
  grace period — nothing refers to it and it may be incomplete;
- a stored file (``<sha256[:2]>/<sha256>``) no row refers to (the transaction that would have
  written the row failed, or a meeting went with its attachments): moved, not deleted, to
  ``DUBAN_HOME/quarantine/evidence/<UTC time>/`` once older than the grace period, so a wrong
  judgement is undone by moving the file back.

The grace period (an hour) leaves alone whatever an upload in progress is writing, so the sweep
may run while the application serves: it holds no write lock while it walks the store (each
look-up of rows is a short read of its own, seeing what was committed up to then; the audit
event is one short write at the end). A stored file that an upload reuses has its time touched
(``evidence._store_file``); a file touched or referred to while the sweep moved it is put back.
Anything else in the store is left alone and counted as ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, union

from duban import audit
from duban.db import Store
from duban.models import ActionFile, Evidence, MeetingFile

INCOMING = ".incoming-"
GRACE = dt.timedelta(hours=1)
CHUNK = 500
REFERENCES: tuple[Any, ...] = (Evidence.sha256, ActionFile.sha256, MeetingFile.sha256)
"""Every column that names a file of the store; a stored file none of them holds is an orphan."""
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass
class SweepResult:
    """What the sweep found and did (``dry_run``: what it would do)."""

    dry_run: bool
    quarantine: Path
    incoming_removed: int = 0
    incoming_bytes: int = 0
    orphans_moved: int = 0
    orphan_bytes: int = 0
    referenced: int = 0
    recent: int = 0
    """Files younger than the grace period, left for a later sweep."""
    unknown: int = 0
    moved: list[str] = field(default_factory=list)
    """The sha256 of each orphan moved (or to be moved)."""


def sweep_evidence(
    store: Store, *, now: dt.datetime | None = None, grace: dt.timedelta = GRACE,
    dry_run: bool = False, actor: str,
) -> SweepResult:  # fmt: skip
    """Remove stale ``.incoming-*`` files and quarantine orphan stored files (module docstring);
    the counts are audited unless nothing was done or it is a dry run."""
    settings = store.settings
    now = now or dt.datetime.now(dt.UTC)
    cutoff = (now - grace).timestamp()
    root = settings.home / "evidence"
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    result = SweepResult(dry_run, settings.home / "quarantine" / "evidence" / stamp)
    candidates: list[tuple[Path, int]] = []
    for path, size, mtime in _files(root):
        if path.name.startswith(INCOMING):
            _incoming(path, size, mtime < cutoff, result)
        elif not (_SHA.fullmatch(path.name) and path.parent.name == path.name[:2]):
            result.unknown += 1
        elif mtime >= cutoff:
            result.recent += 1
        else:
            candidates.append((path, size))
    for chunk in _chunks(candidates, CHUNK):
        _orphans(store, chunk, cutoff, result)
    if not dry_run and (result.incoming_removed or result.orphans_moved):
        with store.write() as session:
            audit.record(
                session, actor=actor, action="evidence.sweep", object_type="evidence",
                object_id=None, label=str(result.quarantine),
                after={"incoming_removed": result.incoming_removed,
                       "orphans_moved": result.orphans_moved, "moved": result.moved},
            )  # fmt: skip
    return result


def _files(root: Path) -> Iterator[tuple[Path, int, float]]:
    """(path, size, mtime) of each file one folder down in the store."""
    if not root.is_dir():
        return
    for folder in os.scandir(root):
        if not folder.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(folder.path):
            if entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                yield Path(entry.path), info.st_size, info.st_mtime


def _incoming(path: Path, size: int, stale: bool, result: SweepResult) -> None:
    if not stale:
        result.recent += 1
        return
    if not result.dry_run:
        path.unlink(missing_ok=True)
    result.incoming_removed += 1
    result.incoming_bytes += size


def _orphans(
    store: Store, chunk: list[tuple[Path, int]], cutoff: float, result: SweepResult
) -> None:
    """Move the files of ``chunk`` that no row names; put back any touched or named meanwhile."""
    held = _referenced(store, [p.name for p, _ in chunk])
    result.referenced += len(held)
    moved: list[tuple[Path, Path, int]] = []
    for path, size in chunk:
        if path.name in held:
            continue
        target = result.quarantine / path.name
        if not result.dry_run and not _move(path, target):
            continue
        moved.append((path, target, size))
    if not result.dry_run and moved:
        named = _referenced(store, [p.name for p, _, _ in moved])
        moved = [m for m in moved if not _put_back(m, named, cutoff, result)]
    for path, _, size in moved:
        result.orphans_moved += 1
        result.orphan_bytes += size
        result.moved.append(path.name)


def _referenced(store: Store, names: list[str]) -> set[str]:
    """The names some row holds, as committed now (a read of its own)."""
    query = union(*(select(column).where(column.in_(names)) for column in REFERENCES))
    with store.read() as session:
        return set(session.scalars(query))


def _move(path: Path, target: Path) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.move(path, target)
    except FileNotFoundError:  # gone meanwhile: nothing to quarantine
        return False
    return True


def _put_back(
    moved: tuple[Path, Path, int], named: set[str], cutoff: float, result: SweepResult
) -> bool:
    """Move a quarantined file back if an upload reused it while it was being moved."""
    path, target, _ = moved
    if path.name not in named and target.stat().st_mtime < cutoff:
        return False
    shutil.move(target, path)
    result.referenced += 1
    return True


def _chunks(items: list[tuple[Path, int]], size: int) -> Iterable[list[tuple[Path, int]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
