"""A Ctrl-C is never lost, even when it lands where Python cannot raise it."""
from __future__ import annotations

import subprocess
import sys

from macros.cli import INTERRUPTED

# A command whose work meets a Ctrl-C inside a finaliser, where Python only prints
# "Exception ignored" and carries on; then it would have finished with exit 0.
SCRIPT = """
import sys, time
from macros import cli

class Finaliser:
    def __del__(self):
        raise KeyboardInterrupt

def work(argv):
    Finaliser()
    time.sleep(5)
    print("finished")
    return 0

cli._run = work
sys.exit(cli.main([]))
"""


def test_a_ctrl_c_inside_a_finaliser_still_ends_the_command_with_130(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", INTERRUPTED + "\n")
