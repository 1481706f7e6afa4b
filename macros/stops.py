"""How a command is stopped from outside: SIGTERM (a cancelled CI job, `kill`) as an exception.

Below the command line, anything that turns a SystemExit into a school's failure (the builder,
around mkdocs, which exits that way) lets a Terminated through, so the stop is never lost.
"""
from __future__ import annotations

import signal

EXIT_TERMINATED = 128 + signal.SIGTERM      # 143, as shells report a SIGTERM


class Terminated(SystemExit):
    """SIGTERM's way out of `policy publish`: through every clean-up, as a Ctrl-C's is."""

    def __init__(self, code: int = EXIT_TERMINATED) -> None:
        super().__init__(code)
