"""Writing the files and folders the tool produces, so a reader never sees half of one.

Every file is written beside its destination under a hidden `.staging-` name, flushed to disk
and renamed over the old one; a folder is built beside its destination and swapped in (in one
step where the system can exchange two names, in two renames otherwise). A failure (a full
disk, a killed process) leaves the previous file or folder as it was.

A write that fails raises PolicyError naming the file and the cause in plain words (a full
disk, a file-size limit, no permission), and what was kept.

Whatever is being staged is locked (`flock`) by the process writing it, so `recover` can tell
what a killed run left behind (unlocked: removed, or put back if it is the previous folder of
a swap cut short) from what another run is writing right now (locked: left alone).
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

from macros.errors import PolicyError, Problem

try:
    import fcntl
except ImportError:                  # Windows: no advisory locks; see STALE_WITHOUT_LOCKS
    fcntl = None

STAGING_PREFIX = ".staging-"
# Left by earlier versions of the builder: `.building-<slug>-*` folders and `.old-<slug>-*/site`.
LEGACY_PREFIXES = (".building-", ".old-")
NEW, OLD = "new", "old"
# Where locks do not exist, what was staged this long ago is taken as left by a killed run.
STALE_WITHOUT_LOCKS = 24 * 3600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """What `open()` would give a new file: readable by a web server running as another user
    under the usual umask (0644), as private as the user asks for under a stricter one."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    return 0o777 & ~_umask()


# --- Problems, in plain words ---------------------------------------------------------

_CAUSES = {
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up; free some space and run the command again",
    errno.EFBIG: "the file is larger than this process may write (a file-size limit, see `ulimit -f`)",
    errno.EACCES: "permission denied: this user may not write there; choose another folder "
                  "or change its permissions",
    errno.EPERM: "permission denied: this user may not write there; choose another folder "
                 "or change its permissions",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.ELOOP: "it is a symbolic link that leads round in a loop",
    errno.ENAMETOOLONG: "the name is too long for this file system",
}


def describe(error: OSError) -> str:
    """An operating system error as a user can act on it."""
    return _CAUSES.get(error.errno, error.strerror or str(error))


def shown(path: Path) -> str:
    """`path` as the user would type it: relative to the current folder when inside it."""
    path = Path(os.path.abspath(path))
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd()).as_posix() or "."
    return str(path)


def write_problem(path: Path, error: OSError, kept: str = "") -> PolicyError:
    """A failed write, named by the path that could not be written and what is left."""
    return PolicyError(Problem(shown(path), f"cannot write: {describe(error)}" + (f" ({kept})" if kept else "")))


def ensure_folder(path: Path, what: str = "folder") -> Path:
    """Make `path` a folder this process can write in, or say why it cannot be."""
    path = Path(os.path.abspath(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise PolicyError(Problem(shown(path), f"this {what} is a file, not a folder; choose a "
                                  "folder (it is created if missing)")) from None
    except OSError as error:
        raise PolicyError(Problem(shown(path), f"cannot create this {what}: {describe(error)}")) from None
    if not path.is_dir():
        raise PolicyError(Problem(shown(path), f"this {what} is not a folder; choose a folder"))
    try:
        fd, probe = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}.probe.{NEW}-", dir=path)
        try:
            os.close(fd)
        finally:
            with contextlib.suppress(FileNotFoundError):    # another run's clean-up took it
                os.unlink(probe)
    except OSError as error:
        raise PolicyError(Problem(shown(path), f"cannot write in this {what}: {describe(error)}")) from None
    return path


# --- Locks on what is being staged ----------------------------------------------------

def _lock(path: Path, wait: bool = False) -> int | None:
    """An exclusive lock on the file or folder at `path`, held by the returned descriptor;
    None when another process holds it, locks do not work there, or `path` is no longer the
    entry just opened."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino != os.stat(path, follow_symlinks=False).st_ino:
            raise FileNotFoundError(path)    # removed (and maybe re-made) between open and lock
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


# --- Files -----------------------------------------------------------------------------

def _staged_file(path: Path) -> tuple[int, Path]:
    """A new, locked, empty file beside `path`: (descriptor, name)."""
    for attempt in range(3):
        fd, name = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{path.name}.{NEW}-", dir=path.parent)
        if fcntl is None or attempt == 2:    # unlocked: a clean-up may take it, never a reader
            return fd, Path(name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(name).st_ino:
                return fd, Path(name)
        except OSError:
            pass
        os.close(fd)                     # a clean-up took it before the lock: make another
    raise AssertionError("unreachable")


def _write_staged(path: Path, data: bytes) -> tuple[int, Path]:
    path = Path(os.path.abspath(path))
    try:
        fd, temporary = _staged_file(path)
    except OSError as error:
        raise write_problem(path, error, "nothing was changed") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.chmod(temporary, file_mode())
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        os.close(fd)
        if isinstance(error, OSError):
            kept = "the previous file is unchanged" if path.exists() else "nothing was written"
            raise write_problem(path, error, kept) from None
        raise
    return fd, temporary


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` all at once: the old content stays until the new is complete."""
    path = Path(os.path.abspath(path))
    fd, temporary = _write_staged(path, data)
    try:
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise write_problem(path, error, "the previous file is unchanged") from None
    finally:
        os.close(fd)
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_create_text(path: Path, text: str) -> Path:
    """Write a new file at `path` all at once, never replacing one: FileExistsError if there is
    one already (also one made by another process meanwhile)."""
    path = Path(os.path.abspath(path))
    fd, temporary = _write_staged(path, text.encode("utf-8"))
    try:
        try:
            os.link(temporary, path)     # fails if `path` exists, atomically
        except FileExistsError:
            raise
        except OSError as error:         # a file system without hard links: check, then rename
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS):
                raise write_problem(path, error, "nothing was written") from None
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        os.close(fd)
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (not possible, nor needed, on Windows)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- Folders ---------------------------------------------------------------------------

_held: dict[Path, int] = {}          # staging folders of this process and their locks


def staging_dir(beside: Path) -> Path:
    """A new empty folder next to `beside`, on the same file system, for building into; it
    stays locked by this process until `replace_dir` or `discard_dir`."""
    beside = Path(os.path.abspath(beside))
    for _attempt in range(3):
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{beside.name}.{NEW}-", dir=beside.parent))
        fd = _lock(folder)
        if fd is not None or fcntl is None:
            break
    os.chmod(folder, dir_mode())          # mkdtemp makes it private (0700)
    _held[folder] = fd
    return folder


def discard_dir(folder: Path) -> None:
    """Remove a staging folder that will not be used (its build failed or was stopped)."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    _unlock(_held.pop(folder, None))


@contextlib.contextmanager
def building_dir(target: Path) -> Iterator[Path]:
    """A staging folder for `target`: swapped into its place when the block ends normally,
    removed when it raises (or is interrupted)."""
    target = Path(os.path.abspath(target))
    folder = staging_dir(target)
    try:
        yield folder
        replace_dir(folder, target)
    finally:
        if folder in _held:
            discard_dir(folder)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False where the system
    or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2 if os.name == "posix" else None
    except (OSError, AttributeError):
        renameat2 = None
    at_fdcwd, rename_exchange = -100, 2
    if renameat2 is None:
        return False
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def replace_dir(new: Path, target: Path) -> None:
    """Put the complete folder `new` where `target` is, keeping the old one until then.

    This guards against a killed process, not a power cut: the folder's files are not flushed
    one by one (that would cost a few milliseconds each). Where two names can be exchanged in
    one step, `target` is never missing. Elsewhere the old
    folder is first moved aside (locked, under a `.staging-<name>.old-` name), so a crash
    between the two renames leaves it there, and `recover` puts it back.
    """
    new, target = Path(os.path.abspath(new)), Path(os.path.abspath(target))
    try:
        os.rename(new, target)            # no folder there yet (or an empty one)
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        if _exchange(new, target):        # `new` now holds the previous site
            shutil.rmtree(new, ignore_errors=True)
        else:
            _swap_in_two_renames(new, target)
    _unlock(_held.pop(new, None))


def _swap_in_two_renames(new: Path, target: Path) -> None:
    fd = _lock(target, wait=True)         # another run may be swapping the same folder
    try:
        aside = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}.{OLD}-", dir=target.parent))
        os.rmdir(aside)                   # a unique free name for the previous folder
        os.rename(target, aside)
        os.rename(new, target)
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        _unlock(fd)


# `<prefix><target>[.new|.old]-<tempfile's eight random characters>`
_STAGED = re.compile(r"(?P<prefix>\.staging-|\.building-|\.old-)(?P<stem>.+)-[a-z0-9_]{8}")


def _parse(name: str) -> tuple[str, str] | None:
    """(target name, new|old) of a staging entry's name, or None if it is not one."""
    match = _STAGED.fullmatch(name)
    if not match:
        return None
    stem = match["stem"]
    if match["prefix"] != STAGING_PREFIX:           # an earlier builder's
        return stem, (OLD if match["prefix"] == ".old-" else NEW)
    target, _, kind = stem.rpartition(".")
    return (target, kind) if target and kind in (NEW, OLD) else None


def recover(folder: Path, only: str | None = None) -> list[str]:
    """Clean up after a killed run in `folder` (for the entry named `only`, or all): a previous
    folder moved aside by a swap cut short goes back where it was if nothing took its place;
    everything else staged and no longer locked is removed. Returns what was done, for tests."""
    folder = Path(folder)
    done: list[str] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return done
    for entry in entries:
        parsed = _parse(entry.name)
        if parsed is None or (only is not None and parsed[0] != only):
            continue
        target, kind = parsed
        path = Path(entry.path)
        if fcntl is None:
            with contextlib.suppress(OSError):
                if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_WITHOUT_LOCKS:
                    continue
            fd = None
        elif (fd := _lock(path)) is None:  # another run is writing it now
            continue
        try:
            previous = path / "site" if entry.name.startswith(".old-") else path
            if kind == OLD and target and not os.path.lexists(folder / target) and previous.is_dir():
                os.rename(previous, folder / target)
                done.append(f"restored {target}")
                if previous == path:
                    continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                path.unlink()
            done.append(f"removed {entry.name}")
        except OSError:
            pass
        finally:
            _unlock(fd)
    return done


def recover_dir(target: Path) -> list[str]:
    """`recover` for the one folder or file `target`."""
    target = Path(os.path.abspath(target))
    return recover(target.parent, only=target.name)
