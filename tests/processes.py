"""Running `policy` as a user does, in real processes, and looking at what they leave behind."""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import SEED_SCHOOLS
from macros.paths import SCHOOLS_DIR

POLICY = Path(sys.executable).with_name("policy")
# What a killed run may leave beside a file or folder it was writing (and earlier builders' names).
STAGING_MARKS = (".staging-", ".building-", ".old-", ".tmp-")


def school_files(folder: Path, slugs=SEED_SCHOOLS, rename: str = "") -> Path:
    """Copies of the seed schools in `folder`; `rename` is added to each school's name (to make
    a second version of every site)."""
    folder.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        text = (SCHOOLS_DIR / f"{slug}.yml").read_text(encoding="utf-8")
        if rename:
            head, marker, rest = text.partition("\n  name: ")
            name, newline, tail = rest.partition("\n")
            text = f"{head}{marker}{name.rstrip()} {rename}{newline}{tail}" if marker else text
        (folder / f"{slug}.yml").write_text(text, encoding="utf-8")
    return folder


def environment(schools: Path) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", POLICY_SCHOOLS_DIR=str(schools))


def run_policy(args: list[str], *, cwd: Path, schools: Path, preexec=None, timeout: float = 120):
    return subprocess.run([str(POLICY), *args], cwd=cwd, env=environment(schools), capture_output=True,
                          text=True, preexec_fn=preexec, timeout=timeout)


def start_policy(args: list[str], *, cwd: Path, schools: Path) -> subprocess.Popen:
    """A `policy` run in its own process group (as a terminal starts a command)."""
    return subprocess.Popen([str(POLICY), *args], cwd=cwd, env=environment(schools), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def file_size_limit(limit: int):
    """For preexec_fn: a real file-size limit, as `ulimit -f` sets."""
    import resource        # Unix only

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def umask(mask: int):
    return lambda: os.umask(mask)


def without_permission_override() -> None:
    """For preexec_fn: file permissions apply to this process even when it runs as root.

    Root passes every permission check through two capabilities; dropped from the bounding
    set before exec, the program runs as root without them (as a CI user would run)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def can_drop_permission_override() -> bool:
    probe = subprocess.run(["true"], preexec_fn=without_permission_override, capture_output=True)
    return probe.returncode == 0


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(n) for n in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return found


def running(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def wait_until_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := running(pids)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


def stop_group(process: subprocess.Popen) -> None:
    """Never leave a process behind, whatever a test saw."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def staging_left(out: Path) -> list[str]:
    """Every leftover of a killed run anywhere under `out`."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.name.startswith(STAGING_MARKS))


def wait_for(condition, seconds: float = 30, step: float = 0.005) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)



# Run inside a mount namespace of its own: a small tmpfs, filled to the last byte, holding a copy
# of an output folder; then `policy` on it. Prints what the user saw and what the folder holds.
_FULL_DISK = r"""
import json, os, pathlib, subprocess, sys
disk, source, marks, *command = sys.argv[1:]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], check=True)
subprocess.run(["cp", "-a", source, disk], check=True)
out = pathlib.Path(disk, pathlib.Path(source).name)
with open(os.path.join(disk, "filler"), "wb", buffering=0) as filler:
    try:
        while True:
            filler.write(b"\0" * 4096)
    except OSError:
        pass
run = subprocess.run(command, cwd=disk, capture_output=True, text=True)
from macros.build.builder import tree_digest
print(json.dumps({"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr,
                  "index.html": (out / "index.html").read_text(encoding="utf-8"),
                  "digests": {p.name: tree_digest(p) for p in sorted(out.iterdir()) if p.is_dir()},
                  "left": sorted(p.name for p in out.rglob("*") if p.name.startswith(tuple(marks.split())))}))
"""


def _namespace_command() -> list[str] | None:
    """How to run a process with mounts of its own here, or None if it cannot be done."""
    command = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-Urm"]
    try:
        probe = subprocess.run([*command, "mount", "-t", "tmpfs", "tmpfs", str(Path(__file__).parent)],
                               capture_output=True)     # seen by that process alone
    except FileNotFoundError:
        return None
    return command if probe.returncode == 0 else None


NAMESPACE = _namespace_command()


def on_a_full_disk(tmp_path: Path, out: Path, args: list[str], schools: Path) -> dict:
    """`policy ARGS` run in a copy of `out` on a disk with no space left; see _FULL_DISK."""
    disk = tmp_path / "disk"
    disk.mkdir()
    run = subprocess.run([*NAMESPACE, sys.executable, "-c", _FULL_DISK, str(disk), str(out),
                          " ".join(STAGING_MARKS), str(POLICY), *args],
                         env=environment(schools), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
