"""A publish's scratch folder: inside the repository's `.git`, never in the project.

The sites are built there and the small files of a commit written there before git stores
them. A publish stopped by a signal removes its folder on the way out; one killed outright
(SIGKILL, a power cut) leaves it, and the next publish in that checkout removes it: each
folder has a lock file that its publish holds while it runs, so a folder whose lock can be
taken belongs to nobody.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

from macros.publish.git import common_dir

FOLDER = "policy-publish"
GRACE = 2.0       # seconds: a lock file younger than this may be one whose publish is starting


@contextlib.contextmanager
def signals_held():
    """SIGTERM and Ctrl-C wait until the block is done (where the platform can hold them), so
    a clean-up or the last step of a commit is never cut in half; they arrive right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def sweep(root: Path) -> list[Path]:
    """Remove the folders of publishes that are no longer running; the folders removed."""
    removed = []
    for lock_file in sorted(root.glob("run-*.lock")):
        folder = lock_file.with_suffix("")
        with contextlib.suppress(OSError):
            if time.time() - lock_file.stat().st_mtime < GRACE:
                continue
        lock = FileLock(str(lock_file), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            continue                        # its publish is still running
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            lock.release()
            with contextlib.suppress(OSError):
                lock_file.unlink()
    for folder in root.glob("run-*"):
        if folder.is_dir() and not folder.with_suffix(".lock").exists():
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > GRACE:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    return removed


@contextlib.contextmanager
def workspace(repo: Path):
    """A new scratch folder for one publish, removed afterwards (also on SIGTERM or Ctrl-C)."""
    root = common_dir(repo) / FOLDER
    root.mkdir(parents=True, exist_ok=True)
    sweep(root)
    folder = root / f"run-{uuid.uuid4().hex[:12]}"
    lock = FileLock(str(folder) + ".lock", timeout=0)
    try:
        # A signal held here arrives as the block ends: inside the `try`, so the clean-up runs.
        with signals_held():
            lock.acquire()       # first the lock, then the folder: a folder always has its lock
            folder.mkdir()
        yield folder
    finally:
        with signals_held():
            shutil.rmtree(folder, ignore_errors=True)
            lock.release()
            with contextlib.suppress(OSError):
                os.unlink(str(folder) + ".lock")
