"""The environment variables wijkmonitor reads, each checked in one place.

The CLI checks them all before it imports anything else: ``SOURCE_DATE_EPOCH`` is also
read by the libraries (numpy's f2py while scipy is imported, mkdocs and the gzip header
of the sitemap), which fail with a bare ``OverflowError`` or ``struct.error`` on a value
they cannot use. A value we refuse is a Problem naming the variable, its value and what
is allowed.
"""

from __future__ import annotations

import os

from wijkmonitor.core.problems import Problem, ProblemsError

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"
# The gzip header of sitemap.xml.gz holds the build time in 32 bits (RFC 1952): the last
# second it can hold is 2106-02-07 06:28:15 UTC.
MAX_EPOCH = 2**32 - 1
DEBUG_VARIABLE = "WIJKMONITOR_DEBUG"
# Plugins blocked for the whole process; core.pluginmanager reads it, checked here.
DISABLE_VARIABLE = "WIJKMONITOR_DISABLE_PLUGINS"
FILE = "environment"  # where these problems are: no file of the monitor


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _epoch_problem(value: str) -> Problem | None:
    digits = value.strip()
    # ASCII digits only: str.isdigit() also takes "²" and Arabic-Indic digits, which
    # int() or the libraries then refuse.
    if not digits or (digits.isascii() and digits.isdigit() and int(digits) <= MAX_EPOCH):
        return None
    message = (
        f"{_shown(value)} is not allowed; use a whole number of seconds between 0 and "
        f"{MAX_EPOCH} (1970-01-01 to 2106-02-07 UTC, what the sitemap's gzip header "
        "holds), or unset it"
    )
    return Problem(FILE, None, EPOCH_VARIABLE, message)


def _debug_problem(value: str) -> Problem | None:
    if value.strip() in ("", "0", "1"):
        return None
    # A mistyped switch ("true") would otherwise silently do nothing.
    message = f"{_shown(value)} is not allowed; use 1 (print the traceback of a bug) or 0"
    return Problem(FILE, None, DEBUG_VARIABLE, message)


def _disable_problem(value: str) -> Problem | None:
    from importlib.metadata import entry_points  # light: no plugin is imported

    from wijkmonitor.core.pluginmanager import PLUGIN_GROUP

    known = sorted({ep.name for ep in entry_points(group=PLUGIN_GROUP)})
    unknown = [n.strip() for n in value.split(",") if n.strip() and n.strip() not in known]
    if not unknown:
        return None
    # A misspelt name would otherwise silently block nothing.
    message = (
        f"{', '.join(map(repr, unknown))} {'is' if len(unknown) == 1 else 'are'} not an "
        f"installed plugin; plugins: {', '.join(known)} (comma-separated)"
    )
    return Problem(FILE, None, DISABLE_VARIABLE, message)


def environment_problems() -> list[Problem]:
    """Every environment variable of ours (or of our libraries) with a value we refuse."""
    checks = (
        (EPOCH_VARIABLE, _epoch_problem),
        (DEBUG_VARIABLE, _debug_problem),
        (DISABLE_VARIABLE, _disable_problem),
    )
    found = (check(os.environ[name]) for name, check in checks if name in os.environ)
    return [problem for problem in found if problem is not None]


def source_date_epoch() -> int | None:
    """The build time fixed by ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), if set."""
    value = os.environ.get(EPOCH_VARIABLE, "")
    problem = _epoch_problem(value)
    if problem is not None:
        raise ProblemsError([problem])
    return int(value) if value.strip() else None


def debug() -> bool:
    """Whether an internal error shows its traceback (``WIJKMONITOR_DEBUG=1``)."""
    return os.environ.get(DEBUG_VARIABLE, "").strip() == "1"
