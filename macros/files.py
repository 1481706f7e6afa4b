"""Writing the files and folders the tool produces, so a reader never sees half of one.

Every file is written beside its destination under a hidden temporary name, flushed to disk
and renamed over the old one; a folder is built beside its destination and swapped in. A
failure (a full disk, a killed process) leaves the previous file or folder as it was.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

# Readable by a web server running as another user, like a file written by hand.
FILE_MODE = 0o644
DIR_MODE = 0o755
STAGING_PREFIX = ".staging-"


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (not possible, nor needed, on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, mode: int = FILE_MODE) -> Path:
    """Write `data` to `path` all at once: the old content stays until the new is complete."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: Path, text: str, mode: int = FILE_MODE) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), mode)


def staging_dir(beside: Path) -> Path:
    """A new empty folder next to `beside`, on the same file system, for building into."""
    beside = Path(beside)
    folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{beside.name}-", dir=beside.parent))
    os.chmod(folder, DIR_MODE)
    return folder


def replace_dir(new: Path, target: Path) -> None:
    """Put the complete folder `new` where `target` is, keeping the old one until then.

    The old folder is first moved aside, so a crash between the two renames leaves it beside
    the target under a `.staging-` name, from which `recover_dir` puts it back.
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        os.rename(new, target)
        _fsync_dir(target.parent)
        return
    aside = target.parent / f"{STAGING_PREFIX}{target.name}-previous"
    if aside.exists():
        shutil.rmtree(aside)
    os.rename(target, aside)
    os.rename(new, target)
    _fsync_dir(target.parent)
    shutil.rmtree(aside, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """After a crash inside `replace_dir`: put the previous folder back if the target is gone,
    and remove staging folders left beside it."""
    target = Path(target)
    aside = target.parent / f"{STAGING_PREFIX}{target.name}-previous"
    if aside.exists() and not target.exists():
        os.rename(aside, target)
    for leftover in target.parent.glob(f"{STAGING_PREFIX}{target.name}-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
