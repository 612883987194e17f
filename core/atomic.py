"""Writing files so that a reader never sees half of one: write beside, then rename.

Temporary names carry the writing process (``<pid>-<host>``), so a later run can tell
the leftovers of a killed run (SIGKILL, a power cut) from the work of a live one and
remove only those. An error of the machine while writing names the file the user asked
for, never a temporary one or none at all.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Errors that mean "this could not be written", wherever the library says it happened.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def _host() -> str:
    # Process ids are per machine (per pid namespace): another host's leftovers in a
    # shared directory are never judged by ours.
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:20] or "host"


def owner_tag() -> str:
    """``<pid>-<host>`` of this process, for the name of a temporary file or directory."""
    return f"{os.getpid()}-{_host()}"


# What owner_tag() looks like inside a temporary name.
OWNER = r"(?P<pid>[0-9]+)-(?P<host>[A-Za-z0-9]+)"


def owned_name(prefix: str) -> str:
    """``<prefix><pid>-<host>-<8 hex digits>``: the name of a work folder of this process,
    known before the folder is made, so the ``try`` that removes it can make it (a signal
    the moment it is made then leaves nothing); no other live run's (its pid is in it)."""
    return f"{prefix}{owner_tag()}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except (OverflowError, ValueError):  # no such pid can exist
        return False
    return True


def remove_stale(directory: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove the entries of ``directory`` whose whole name matches ``pattern`` (which
    captures OWNER) and whose process has ended on this host; return them. Anything
    else, a live run's work included, is left alone."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or match["host"] != _host() or _alive(int(match["pid"])):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            Path(entry.path).unlink(missing_ok=True)
        removed.append(Path(entry.path))
    return removed


def located(exc: OSError, path: Path | str) -> OSError:
    """``exc`` naming ``path``, with the system's words for its errno (Arrow's
    messages are long and name no file)."""
    reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
    return OSError(exc.errno, reason, str(path))  # errno picks the subclass


@contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """Errors of the machine while writing ``path`` name it: a failing ``write()`` (disk
    full, file too large) raises an OSError without a file name."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise located(exc, path) from None


def _temporary_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{target.name}.") + OWNER + re.escape(".tmp"))


@contextmanager
def replacing(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside ``targets`` to write to. When the block ends without an
    error, each replaces its target (a rename); otherwise they are removed and the
    targets stay as they were: never a half-written file, nor a new file beside an old.
    An OSError about a temporary path names its target instead."""
    for target in targets:
        remove_stale(target.parent, _temporary_pattern(target))
    temporary = [t.with_name(f".{t.name}.{owner_tag()}.tmp") for t in targets]
    try:
        yield temporary
        for path, target in zip(temporary, targets, strict=True):
            os.replace(path, target)
    except OSError as exc:
        names = {str(path): target for path, target in zip(temporary, targets, strict=True)}
        if exc.filename is None or str(exc.filename) not in names:
            raise
        raise located(exc, names[str(exc.filename)]) from None
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
