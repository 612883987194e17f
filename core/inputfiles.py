"""Which files in a monitor directory are inputs, and opening one safely.

Every place that lists a monitor's inputs (indicators/, data/, site_src/, the preview
server's watcher) asks :func:`is_ignored` which names are not inputs, so an editor's
lock, swap or backup file is never read, copied into the site or watched. Every place
that opens one goes through :func:`input_problem` or :func:`read_input`: only regular
files (a symbolic link to one is fine) are read, because a device such as /dev/zero
never ends and a named pipe blocks the reader forever, and YAML files have a size limit.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from wijkmonitor.core.problems import Problem, ProblemsError

# A monitor's YAML files are a few kilobytes; anything this big is the wrong file, and
# reading it whole would only cost memory.
MAX_YAML_BYTES = 10 * 1024 * 1024

# Names editors leave beside the file being edited: backups (emacs, vim, gedit `x~`),
# emacs auto-saves (`#x#`), vim swap files outside a hidden name (`x.swp` when vim's
# 'directory' flattens paths) and vim's write probe `4913`, MS Office locks (`~$x`).
# Hidden names (`.x`) cover emacs locks (`.#x`, often a dangling symlink), vim swaps
# (`.x.swp`), LibreOffice locks (`.~lock.x#`) and `.DS_Store`; mkdocs skips them too.
_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx")
_EDITOR_NAMES = ("4913",)

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)

# Opening never waits (a named pipe would until a writer comes) and never makes a
# terminal ours.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


def is_ignored(name: str) -> bool:
    """True for a file name that is never a monitor input: hidden or an editor's file."""
    return (
        name.startswith((".", "~$"))
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith(_EDITOR_SUFFIXES)
        or name in _EDITOR_NAMES
    )


def input_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The inputs directly in ``folder`` whose name ends in one of ``suffixes`` (lower
    case; matched case-insensitively, so a Windows export ``A.CSV`` counts), sorted by
    name. Anything with such a name is listed, directories and devices too: reading
    goes through :func:`input_problem`, which says what is wrong with it."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        folder / name for name in names if not is_ignored(name) and name.lower().endswith(suffixes)
    ]


def data_files(monitor_dir: Path) -> list[Path]:
    """The tidy CSV files of a monitor: ``data/*.csv`` (any case), all but regions.csv."""
    return [p for p in input_files(monitor_dir / "data", (".csv",)) if p.name != "regions.csv"]


def input_tree(folder: Path) -> list[Path]:
    """Every file under ``folder`` that is not ignored (nor under an ignored directory),
    sorted. Symbolic links to directories are followed, each real directory once, so a
    link loop ends. Entries that vanish or cannot be listed while walking are left out:
    reading them (through :func:`input_problem`) says why."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for top, dirs, files in os.walk(folder, followlinks=True):
        try:
            info = os.stat(top)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        found += (Path(top) / f for f in files if not is_ignored(f))
    return sorted(found)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def _size(n: int) -> str:
    # Rounded up: a file a byte over the limit must not read "is 10.0 MB; at most 10.0".
    return f"{math.ceil(n * 10 / 1024 / 1024) / 10:.1f} MB"


def _not_regular(path: Path, display: str, mode: int) -> Problem:
    what = _kind(mode)
    if path.is_symlink():
        what = f"a symbolic link to {os.readlink(path)}, {what}"
    message = f"not a regular file ({what}); monitor inputs must be regular files"
    return Problem(display, None, "file", message)


def _too_large(display: str, size: int, max_bytes: int) -> Problem:
    message = f"is {_size(size)}; a monitor YAML file may be at most {_size(max_bytes)}"
    return Problem(display, None, "file", message + " (is it the right file?)")


def _unreadable(display: str, exc: OSError) -> Problem:
    return Problem(display, None, "file", f"cannot be read: {exc.strerror or exc}")


def _open(path: Path, display: str, max_bytes: int | None) -> int:
    """A descriptor of ``path`` once it is known to be a regular file within the limit."""
    try:
        # Devices and pipes are refused before they are opened: opening one may
        # already do something (a tape rewinds, a pipe waits for a writer).
        info = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            message = (
                f"is a symbolic link to {os.readlink(path)}, which does not exist; "
                "point it at a file or remove it"
            )
            raise ProblemsError([Problem(display, None, "file", message)]) from None
        raise ProblemsError([Problem(display, None, "file", "is missing")]) from None
    except OSError as exc:
        raise ProblemsError([_unreadable(display, exc)]) from None
    if not stat.S_ISREG(info.st_mode):
        raise ProblemsError([_not_regular(path, display, info.st_mode)])
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise ProblemsError([_unreadable(display, exc)]) from None
    # What was opened decides, not what the name pointed at a moment before.
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = _not_regular(path, display, info.st_mode)
    elif max_bytes is not None and info.st_size > max_bytes:
        problem = _too_large(display, info.st_size, max_bytes)
    if problem is not None:
        os.close(fd)
        raise ProblemsError([problem])
    return fd


def input_problem(path: Path, display: str, max_bytes: int | None = None) -> Problem | None:
    """What keeps ``path`` from being read as a monitor input, or None if it can be.

    None too when nothing is there at all: the caller says what the missing file should
    hold. A symbolic link to nothing, a directory, a device, a pipe, a socket, a file
    that cannot be opened or (with ``max_bytes``) is too large is a Problem."""
    if not os.path.lexists(path):
        return None
    try:
        os.close(_open(path, display, max_bytes))
    except ProblemsError as exc:
        return exc.problems[0]
    return None


def check_input(path: Path, display: str, max_bytes: int | None = None) -> None:
    """Raise :func:`input_problem` as a ProblemsError, if there is one."""
    problem = input_problem(path, display, max_bytes)
    if problem is not None:
        raise ProblemsError([problem])


def read_input(path: Path, display: str, max_bytes: int | None = None) -> bytes:
    """The bytes of the monitor input ``path``; every reason it cannot be read (missing
    included) is a Problem naming the file, never an OSError or a hang."""
    fd = _open(path, display, max_bytes)
    with os.fdopen(fd, "rb") as file:
        try:
            # One byte more than allowed: a file that grew after the check is caught too.
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
        except OSError as exc:
            raise ProblemsError([_unreadable(display, exc)]) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise ProblemsError([_too_large(display, len(data), max_bytes)])
    return data


def misnamed_hint(folder: Path, name: str) -> str:
    """For a required file ``name`` that is missing: ``" (found X: rename it to name)"``
    when ``folder`` holds it under another case or with .yaml for .yml, else ""."""
    stem, _, suffix = name.lower().rpartition(".")
    alternatives = {name.lower()}
    if suffix in ("yml", "yaml"):
        alternatives |= {f"{stem}.yml", f"{stem}.yaml"}
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return ""
    for other in names:
        if other != name and other.lower() in alternatives:
            return f" (found {other}: rename it to {name})"
    return ""
