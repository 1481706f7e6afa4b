"""A Ctrl-C or a SIGTERM is never lost, even when it lands where Python cannot raise it."""
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


# `policy publish` meets a SIGTERM inside a finaliser (seen once under load in `ZipFile.__del__`):
# the stop must still run the publish's clean-up and end it with 143 and one line, no traceback.
SIGTERM_SCRIPT = """
import os, signal, sys, time
from macros import cli
from macros.publish import command

class Finaliser:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10 ** 6):
            pass

def work(args):
    try:
        Finaliser()
        time.sleep(5)
        print("finished")
    finally:
        print("cleaned up")
    return 0

command.run_publish = work
sys.exit(cli.main(["publish", "westfield"]))
"""


def test_a_sigterm_inside_a_finaliser_still_ends_a_publish_with_143_after_its_clean_up(tmp_path):
    done = subprocess.run([sys.executable, "-c", SIGTERM_SCRIPT], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (143, "cleaned up\n", INTERRUPTED + "\n")
