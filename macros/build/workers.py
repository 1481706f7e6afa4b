"""Worker processes for a batch build that never outlive the command that started them.

A `ProcessPoolExecutor`'s workers wait on a queue the parent feeds; when the parent is killed
they would wait for ever. Each worker here watches a pipe whose only writing end the parent
holds: when the parent dies (however it dies) or stops early, the pipe ends and the worker exits
at once. Where workers are not forked (no inherited pipe), they watch their parent's process id.

Ctrl-C is the parent's to handle: workers ignore SIGINT (a terminal sends it to every process
of the command), so the one line a user sees comes from the parent, with no traceback.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

_WATCH_SECONDS = 0.5


def _exit_when_parent_gone(read_fd: int | None, parent: int) -> None:
    if read_fd is not None:
        with contextlib.suppress(OSError):
            while os.read(read_fd, 1):
                pass
    else:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _start_worker(read_fd: int | None, write_fd: int | None, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the command's handler (macros/stops.py)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if write_fd is not None:
        os.close(write_fd)            # only the parent may keep the pipe open
    threading.Thread(target=_exit_when_parent_gone, args=(read_fd, parent), daemon=True,
                     name="parent-watch").start()


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Hold back Ctrl-C while workers are forked, so none starts before it ignores it; the
    parent gets it as soon as they are started."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class WorkerPool:
    """A process pool for `with`: on leaving the block early (an error, Ctrl-C) its workers are
    stopped at once instead of finishing their batches."""

    def __init__(self, workers: int):
        self.workers = workers

    def __enter__(self) -> "WorkerPool":
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            context = multiprocessing.get_context("fork")
            self._read, self._write = os.pipe()
        else:
            context = multiprocessing.get_context()
            self._read = self._write = None
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                         initializer=_start_worker,
                                         initargs=(self._read, self._write, os.getpid()))
        return self

    def submit_all(self, function, jobs: list[tuple]) -> dict:
        """Submit `function(*args)` for each of `jobs`: {future: args}."""
        with _sigint_blocked():
            return {self._pool.submit(function, *args): args for args in jobs}

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            try:
                self._pool.shutdown(wait=True)
            finally:
                self._close_pipe()    # also when a Ctrl-C stops the wait: idle workers exit
            return
        self._close_pipe()            # the workers exit now, mid-batch
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _close_pipe(self) -> None:
        for fd in (self._write, self._read):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._read = self._write = None
