"""Where the browser tests (and `make bench`) find Chromium, in this order: $CHROMIUM; a
`chromium` (or `chromium-browser`) command on PATH; Debian's /usr/bin/chromium; Chromium or
Google Chrome in a macOS Applications folder. Playwright never downloads a browser here.

`python tests/chromium.py` prints the browser's path, or exits 1 saying what to install: the
Makefile asks it before it reaches for apt-get, so one rule serves the tests and the install.
Standard library only: it runs before anything is installed.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DEBIAN = Path("/usr/bin/chromium")
MACOS_APPS = ("Chromium.app/Contents/MacOS/Chromium",
              "Google Chrome.app/Contents/MacOS/Google Chrome")
HOW_TO_GET_ONE = ("install Chromium (Debian: apt-get install chromium; macOS: Google Chrome or "
                  "Chromium in Applications) or set CHROMIUM=/path/to/chromium")


class NoChromium(Exception):
    """No browser where we looked; the message says where that was and what to do."""


def usual_places() -> list[Path]:
    """Debian's package, then the macOS applications (the system's folder, then the user's)."""
    folders = (Path("/Applications"), Path.home() / "Applications")
    return [DEBIAN] + [folder / app for folder in folders for app in MACOS_APPS]


def find_chromium(environ=os.environ, places: list[Path] | None = None) -> str:
    """The path of a Chromium to drive; a $CHROMIUM that is not there is an error, not skipped."""
    named = environ.get("CHROMIUM")
    if named:
        if not Path(named).is_file():
            raise NoChromium(f"CHROMIUM is set to {named}, which does not exist; "
                             "point it at the browser's executable or unset it")
        return named
    search_path = environ.get("PATH", os.defpath)
    for command in ("chromium", "chromium-browser"):
        found = shutil.which(command, path=search_path)
        if found:
            return found
    candidates = usual_places() if places is None else places
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise NoChromium("no Chromium found (looked at $CHROMIUM, PATH, "
                     + ", ".join(str(c) for c in candidates) + "): " + HOW_TO_GET_ONE)


if __name__ == "__main__":
    try:
        print(find_chromium())
    except NoChromium as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
