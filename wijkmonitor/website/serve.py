"""``wijkmonitor serve``: build, serve on localhost, rebuild when an input changes.

A polling loop over the monitor's inputs (YAML, data files, site_src/): simple, and
it works on every file system. The server reads files per request, so it serves the
new site as soon as the atomic build has swapped it in.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

WATCHED_FILES = ("monitor.yml", "mkdocs.yml", "areas.yml")
WATCHED_DIRS = ("indicators", "data", "site_src")

Snapshot = dict[str, tuple[int, int]]


def input_snapshot(monitor_dir: Path) -> Snapshot:
    """Modification time and size of every input file of the monitor."""
    paths = [monitor_dir / name for name in WATCHED_FILES]
    for folder in WATCHED_DIRS:
        paths += sorted(p for p in (monitor_dir / folder).rglob("*") if p.is_file())
    state = {}
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        state[str(path.relative_to(monitor_dir))] = (stat.st_mtime_ns, stat.st_size)
    return state


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def start_server(site_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(
    monitor_dir: Path,
    rebuild: Callable[[list[str]], None],
    interval: float = 1.0,
    stop: threading.Event | None = None,
) -> None:
    """Call ``rebuild(changed files)`` whenever inputs change, until ``stop`` is set."""
    stop = stop or threading.Event()
    before = input_snapshot(monitor_dir)
    while not stop.wait(interval):
        after = input_snapshot(monitor_dir)
        changed = changed_files(before, after)
        if changed:
            # Wait for an editor's burst of writes to settle before building.
            time.sleep(min(interval, 0.3))
            before = input_snapshot(monitor_dir)
            rebuild(changed)
