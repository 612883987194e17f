"""The old site's folders, kept (empty) for the next build of the same site (issue 13).

Every page of a site is a folder of its own (``wijk/WK036301/index.html``), and making a
folder is the slow part of putting a file in place: 16,000 folders (a national site has
16,700) took 2.0-7.9 s of the kernel's time on this project's build machine (ext4; 0.08 s
on tmpfs), removing them 1.0-1.9 s, against 0.15 s for as many hard links. A rebuild that
takes nearly every page from the previous site (``page_store.py``) would spend most of
its time on folders. So the old site, once the new one is in place, is not removed but
emptied of its files and kept beside the site as ``.<site>.folders/``: its folders
(``tree/``) and their list (``folders.json``). The next build moves them into its site
directory before any page is written, and removes afterwards those of them it did not
fill (``unused``): the site is the one a cold build writes, folder for folder.

Keeping happens in a detached process (``python -m wijkmonitor.website.site_folders``)
after the build returned (which removed only the old files' links its manifest cares
about): it removes every file and link left in the old tree (none may end up in the next
site), and if one cannot be removed, the whole tree. The list records each
folder's modification and change time, which anything put in it since changes: the next
build takes the folders only if every one is as recorded, and moves in only the listed
ones. Everything here may fail without harm: no kept folders means the build makes its
folders itself.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from wijkmonitor.core.atomic import owner_tag

TREE, LIST = "tree", "folders.json"


def kept_path(target: Path) -> Path:
    """Where the old folders of the site at ``target`` are kept (beside it: the same
    file system, so they move in with a rename)."""
    return target.with_name(f".{target.name}.folders")


def _detached(command: list[str]) -> bool:
    """Start ``command`` in a process that outlives this one; False if it could not be."""
    try:
        subprocess.Popen(  # noqa: S603 - our own commands on our own paths
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by a Ctrl-C meant for the next command
            close_fds=True,
        )
    except OSError:
        return False
    return True


def keep_later(old: Path, tree: str, target: Path) -> bool:
    """Start the detached process that keeps ``old/tree`` (the old site) as the next
    build's folders, emptied of its files, and removes the rest of ``old``; False if it
    could not be started (then nothing is kept and ``old`` is the caller's)."""
    return _detached([sys.executable, "-m", __name__, str(old), tree, str(target)])


def remove_later(old: Path) -> bool:
    """Start a detached ``rm -rf`` of ``old``; False if it could not be started."""
    return _detached(["rm", "-rf", "--", str(old)])


def _emptied(tree: Path) -> list[str] | None:
    """Remove every file and link under ``tree`` (the build removed only the other links
    of the files its manifest records); its folders (POSIX, relative, sorted), or None
    if one of them could not be removed."""
    folders = []
    for top, dirs, files in os.walk(tree):
        links = [d for d in dirs if os.path.islink(os.path.join(top, d))]
        dirs[:] = [d for d in dirs if d not in links]  # a link is removed, not walked
        try:
            for name in (*files, *links):
                os.unlink(os.path.join(top, name))
        except OSError:
            return None
        relative = os.path.relpath(top, tree)
        if relative != ".":
            folders.append(relative.replace(os.sep, "/"))
    return sorted(folders)


def _times(tree: Path, folder: str) -> list[int]:
    st = os.stat(os.path.join(tree, folder), follow_symlinks=False)
    return [st.st_mtime_ns, st.st_ctime_ns] if stat.S_ISDIR(st.st_mode) else []


def keep(old: Path, tree: str, target: Path) -> None:
    """Keep ``old/tree`` as ``kept_path(target)`` once every file and link in it is
    removed; remove the rest of ``old`` (and the tree, if it is not kept)."""
    try:
        folders = _emptied(old / tree)
        kept = kept_path(target)
        if folders is not None and not kept.exists():
            staged = old / "keep"
            staged.mkdir()
            os.rename(old / tree, staged / TREE)
            # After the move (which changes the moved folder's times, not those in it).
            listed = {folder: _times(staged / TREE, folder) for folder in folders}
            (staged / LIST).write_text(json.dumps(listed), encoding="utf-8")
            os.rename(staged, kept)  # fails if another build's folders got there first
    except OSError:
        pass
    finally:
        shutil.rmtree(old, ignore_errors=True)


def take(target: Path, into: Path) -> tuple[Path, list[str]] | None:
    """Move the kept folders of the site at ``target`` into ``into`` (a build's own
    directory); their tree and list, or None if there are none that can be used."""
    kept = kept_path(target)
    try:
        os.rename(kept, into)
    except OSError:  # none kept (the first build, a small site) or kept elsewhere
        return None
    try:
        listed = json.loads((into / LIST).read_text(encoding="utf-8"))
        folders = sorted(listed)
        valid = isinstance(listed, dict) and all(
            f and ".." not in f.split("/") and not f.startswith("/") for f in folders
        )
        # Every folder as it was kept: nothing was put in any of them since.
        if not valid or any(_times(into / TREE, f) != listed[f] for f in folders):
            return None
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return into / TREE, folders


def unused(folders: list[str], files: list[str]) -> list[str]:
    """The kept ``folders`` that hold none of this build's ``files`` (POSIX paths
    relative to the site), deepest first: the build tries to remove each (one that
    another file of the site went into is not empty, and stays)."""
    used = set()
    for file in files:
        folder = posixpath.dirname(file)
        while folder and folder not in used:
            used.add(folder)
            folder = posixpath.dirname(folder)
    return sorted((f for f in folders if f not in used), key=lambda f: (-f.count("/"), f))


def remove_empty(site: Path, folders: list[str]) -> None:
    """Remove those of ``folders`` (relative to ``site``, deepest first) that are empty."""
    for folder in folders:
        try:
            os.rmdir(os.path.join(site, folder))
        except OSError:  # not empty (a file of this site is in it), or gone
            pass


def main(old: Path, tree: str, target: Path) -> None:
    """The detached process of ``keep_later``: ``old`` is first named after this process,
    so that a build starting meanwhile leaves it alone (``core.atomic.remove_stale``)."""
    mine = old.with_name(f".{target.name}.old-{owner_tag()}-keep")
    try:
        os.rename(old, mine)
    except OSError:
        return  # gone already (such a build removed it)
    keep(mine, tree, target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
