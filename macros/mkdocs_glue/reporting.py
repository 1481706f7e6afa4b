"""How problems found inside mkdocs reach the user, whichever command runs it.

- Problems the plugin finds travel through mkdocs as `PolicyPluginError`, mkdocs' own
  PluginError carrying the project's Problems (file, line, field); `policy build` turns them
  back into a PolicyError.
- Everything mkdocs and mkdocs-macros log at WARNING or above while a school is built is kept
  as Problems too (`BuildLog`): a broken link names its page, its address and, where the
  address is the school's, the school file's field; `policy build` reports them instead of
  mkdocs' bare "Aborted with 1 warnings in strict mode!".
- A macro that fails makes mkdocs-macros log a page of traceback and exit; the record is
  rewritten, before any handler prints it, as one line naming the page, the line and the
  placeholder.
- Under plain `mkdocs build` and `mkdocs serve` every line mkdocs prints starts with the
  school's name (a filter on mkdocs' own handlers).
"""
from __future__ import annotations

import logging
import re
import sys
from typing import Callable

from mkdocs.exceptions import PluginError

from macros import platform
from macros.errors import Problem, PolicyError

# mkdocs 1.6's warnings about a page's links: "Doc file 'a.md' contains a link 'b.md', but the
# target is not found among documentation files.", "… an unrecognized relative link 'x/', it
# was left as is.", "… a link to 'c.md' which is excluded from the built site."
_LINK_WARNING = re.compile(r"^Doc file '([^']+)' contains an? (?:[a-z ]+ )?link(?: to)? '([^']*)',? (.*)$", re.S)


class PolicyPluginError(PluginError):
    """A PluginError (so mkdocs reports it as a plugin's) that carries the project's Problems."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def of(cls, error: PolicyError) -> "PolicyPluginError":
        return cls(error.problems)


def macros_logger() -> logging.Logger:
    """The logger mkdocs-macros reports through (a macro's failure included)."""
    from mkdocs_macros import util
    return util.LOG


class _SchoolLabel(logging.Filter):
    """Starts each line mkdocs prints with the school's name."""

    def __init__(self, label: Callable[[], str | None]):
        super().__init__()
        self.label = label

    def filter(self, record: logging.LogRecord) -> bool:
        label = self.label()
        if label and not getattr(record, "policy_labelled", False):
            record.msg, record.args = f"{label}: {record.getMessage()}", ()
            record.policy_labelled = True
        return True


class _MacroFailure(logging.Filter):
    """Turns mkdocs-macros' report of a failed macro (logged while the exception is handled)
    into one Problem, and the record into its one line."""

    def __init__(self, describe: Callable[[BaseException], Problem | None]):
        super().__init__()
        self.describe = describe

    def filter(self, record: logging.LogRecord) -> bool:
        error = sys.exc_info()[1]
        if record.levelno >= logging.WARNING and error is not None:
            problem = self.describe(error)
            if problem is not None:
                record.policy_problem = problem
                record.msg, record.args = str(problem), ()
                record.levelno, record.levelname = logging.ERROR, "ERROR"   # it ends the build
        return True


class BuildLog(logging.Handler):
    """Keeps what mkdocs and mkdocs-macros log at WARNING or above during one school's build,
    as Problems (`convert` turns a record's text into one)."""

    def __init__(self, convert: Callable[[str], Problem], label: Callable[[], str | None],
                 describe_macro_failure: Callable[[BaseException], Problem | None]):
        super().__init__(logging.WARNING)
        self.convert = convert
        self.problems: list[Problem] = []
        self._label = _SchoolLabel(label)
        self._macro_failure = _MacroFailure(describe_macro_failure)

    def emit(self, record: logging.LogRecord) -> None:
        problem = getattr(record, "policy_problem", None)
        if problem is None:
            text = record.getMessage()
            if getattr(record, "policy_labelled", False):
                text = text.split(": ", 1)[-1]
            problem = self.convert(text)
        if problem not in self.problems:
            self.problems.append(problem)

    def attach(self) -> None:
        """Listen to mkdocs' log, label its handlers' lines, read macro failures; replaces the
        pieces an earlier build's plugin left (mkdocs serve makes a new plugin per rebuild)."""
        mkdocs_log = _platform_logger()
        for handler in list(mkdocs_log.handlers):
            if isinstance(handler, BuildLog) and handler is not self:
                handler.detach()
        if self not in mkdocs_log.handlers:
            mkdocs_log.addHandler(self)
        for handler in mkdocs_log.handlers:
            if handler is not self and self._label not in handler.filters:
                handler.addFilter(self._label)
        if self._macro_failure not in macros_logger().filters:
            macros_logger().addFilter(self._macro_failure)

    def detach(self) -> None:
        mkdocs_log = _platform_logger()
        mkdocs_log.removeHandler(self)
        for handler in mkdocs_log.handlers:
            handler.removeFilter(self._label)
        macros_logger().removeFilter(self._macro_failure)


def _platform_logger() -> logging.Logger:
    """mkdocs' logger, or ProperDocs', under which plugins' `mkdocs.*` loggers hang there."""
    return logging.getLogger(platform.name())


def link_warning(text: str) -> tuple[str, str, str] | None:
    """(page, address, what is wrong) from mkdocs' warning about a link on a page."""
    match = _LINK_WARNING.match(text)
    if match is None:
        return None
    why = match[3].strip()
    why = f"does not work: {why[4:]}" if why.startswith("but ") else why
    return match[1], match[2], why.rstrip(".")
