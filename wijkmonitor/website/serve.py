"""``wijkmonitor serve``: build, serve on localhost, rebuild when an input changes.

A polling loop over the monitor's inputs (YAML, data files, site_src/): simple, and
it works on every file system. The server reads files per request, so it serves the
new site as soon as the atomic build has swapped it in.

The preview outlives every failed build: whatever a build raises is printed (no
traceback) and the last good site stays served, or, before the first good build, a page
saying why there is none. Only Ctrl+C and SIGTERM stop it.
"""

from __future__ import annotations

import errno
import functools
import html
import http.server
import io
import os
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from wijkmonitor.core.inputfiles import input_tree

WATCHED_FILES = ("monitor.yml", "mkdocs.yml", "areas.yml")
WATCHED_DIRS = ("indicators", "data", "site_src")

Snapshot = dict[str, tuple[int, int]]


def input_snapshot(monitor_dir: Path) -> Snapshot:
    """Modification time and size of every input file of the monitor.

    The same files the build reads (``core.inputfiles``): an editor's lock, swap or
    backup file never starts a rebuild. Files that vanish or cannot be stat'ed while
    we look are skipped or seen by their link; the build says what is wrong with them.
    """
    paths = [monitor_dir / name for name in WATCHED_FILES]
    for folder in WATCHED_DIRS:
        paths += input_tree(monitor_dir / folder)
    state = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            try:
                stat = path.lstat()  # a link to nothing, or a loop: its own times
            except OSError:
                continue
        state[str(path.relative_to(monitor_dir))] = (stat.st_mtime_ns, stat.st_size)
    return state


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class ServeError(Exception):
    """An argument of ``serve`` that cannot work (port, host, site directory): one line."""


class Stopped(BaseException):
    """SIGTERM: stops the preview like Ctrl+C. Not a SystemExit, so a build that calls
    exit() (a broken hook) cannot be mistaken for it, nor swallow it."""


def parse_port(text: str) -> int:
    """The ``--port`` argument as a port number; 0 asks the system for any free port."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise ServeError(f"--port: {text} is not a port number (0 to 65535)")
    return port


class PreviewState:
    """What the server shows: the site once a build of this session succeeded; until
    then a page saying why not (the first build is running, or failed)."""

    def __init__(self) -> None:
        self.ready = False
        self.lines: tuple[str, ...] = ("The first build is running.",)


STATUS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<title>wijkmonitor serve: no site yet</title></head>
<body><h1>No site yet</h1><pre>{lines}</pre>
<p>This page reloads itself; the site appears when a build succeeds.</p></body></html>
"""


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: object, state: PreviewState, **kwargs: object) -> None:
        self.state = state  # before super().__init__, which handles the request
        super().__init__(*args, **kwargs)

    def send_head(self):  # noqa: ANN201 (the base class's own signature)
        if self.state.ready:
            return super().send_head()
        body = STATUS_PAGE.format(lines=html.escape("\n".join(self.state.lines))).encode()
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Retry-After", "2")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class PreviewServer(http.server.ThreadingHTTPServer):
    """A ThreadingHTTPServer for any address family that never prints a traceback."""

    daemon_threads = True

    def __init__(self, family: int, address: tuple, handler: Callable) -> None:
        self.address_family = family
        super().__init__(address, handler, bind_and_activate=False)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can hang
        # on a machine without DNS; nothing here needs that name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: object, client_address: tuple) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # the browser went away mid-answer: nothing to say
        print(
            f"wijkmonitor serve: answering {client_address[0]}: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )


def url_of(server: PreviewServer) -> str:
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def bind_server(host: str, port: int, site_dir: Path, state: PreviewState) -> PreviewServer:
    """Bind the preview's socket (before the first build, so a busy port or a wrong host
    is said at once); ServeError naming the host and port when that cannot be done."""
    if not host:
        raise ServeError("--host: is empty; use 127.0.0.1 (this machine only)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise ServeError(f"--host: {host} is not a known host name or address") from None
    # IPv4 first when a name has both: what the printed URL and most browsers expect.
    family, _, _, _, address = sorted(infos, key=lambda i: i[0] != socket.AF_INET)[0]
    handler = functools.partial(_PreviewHandler, directory=str(site_dir), state=state)
    server = PreviewServer(family, address, handler)
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        server.server_close()
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"{where} is in use; pass another --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(
                f"--host: {host} is not an address of this machine "
                "(127.0.0.1 serves this machine only)"
            ) from None
        if exc.errno == errno.EACCES:
            raise ServeError(
                f"{where}: permission denied (ports below 1024 need administrator "
                "rights); pass another --port"
            ) from None
        raise ServeError(f"{where}: {exc.strerror or exc}") from None
    return server


def start_server(
    site_dir: Path, host: str, port: int, state: PreviewState | None = None
) -> PreviewServer:
    """Bind and serve ``site_dir`` in a background thread (a status page until
    ``state.ready``; without a state the site is served as it is)."""
    if state is None:
        state = PreviewState()
        state.ready = True
    server = bind_server(host, port, site_dir, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def failure_lines(exc: BaseException, monitor_dir: Path) -> list[str]:
    """Why a build failed, in lines without a traceback, paths relative to the monitor."""
    from wijkmonitor.core.problems import ProblemsError  # TargetError is one too
    from wijkmonitor.forked_workers import WorkerDied
    from wijkmonitor.website.mkdocs_build import BuildError

    if isinstance(exc, ProblemsError):
        n = len(exc.problems)
        return [str(p) for p in exc.problems] + [f"{n} problem{'s' if n != 1 else ''} found"]
    if isinstance(exc, BuildError):
        return str(exc).splitlines()
    if isinstance(exc, WorkerDied):  # the machine (out of memory, a kill), not the inputs
        return [f"wijkmonitor: {exc}"]
    if isinstance(exc, OSError):
        where = ""
        if exc.filename:
            path = Path(os.fsdecode(exc.filename))
            root = monitor_dir.resolve()
            absolute = path if path.is_absolute() else Path.cwd() / path
            try:
                where = f"{absolute.relative_to(root).as_posix()}: "
            except ValueError:
                where = f"{path}: "
        return [f"wijkmonitor: {where}{exc.strerror or exc}"]
    return [
        f"wijkmonitor serve: the build raised {type(exc).__name__}: {exc} (from a hook or "
        "plugin, or a bug in wijkmonitor; WIJKMONITOR_DEBUG=1 shows the traceback)"
    ]


def attempt_build(
    build: Callable[[], str],
    state: PreviewState,
    monitor_dir: Path,
    fatal: tuple[type[Exception], ...] = (),
) -> bool:
    """Run one build; print its summary, or why it failed and what is served now.

    Whatever the build raises is reported and the server keeps serving the last good
    site (or the status page), except Ctrl+C and SIGTERM, which stop the preview, and
    the ``fatal`` exceptions, which no edit of the inputs can fix.
    """
    started = time.perf_counter()
    try:
        summary = build()
    except fatal:
        raise
    except (Exception, SystemExit) as exc:  # SystemExit: a hook or plugin called exit()
        if os.environ.get("WIJKMONITOR_DEBUG") == "1":
            traceback.print_exc()
        lines = failure_lines(exc, monitor_dir)
        for line in lines:
            print(line, file=sys.stderr)
        seconds = time.perf_counter() - started
        if state.ready:
            then = "still serving the previous site"
        else:
            state.lines = ("The last build failed:", *lines)
            then = "waiting for a change to the inputs"
        print(f"build failed after {seconds:.1f} s; {then}", file=sys.stderr)
        return False
    print(summary, flush=True)
    state.ready = True
    return True


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
