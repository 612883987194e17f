"""The site commands of the CLI: build, serve and init (argument setup and handlers).

Heavy imports happen inside the handlers so ``wijkmonitor --help`` stays fast.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from wijkmonitor.core.atomic import OWNER, owned_name, remove_stale


def _monitor_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default=".", type=Path, help="monitor directory (default: .)")


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    _monitor_dir(p)
    p.add_argument(
        "--site-dir", type=Path, default=None, help="where the site goes (default: DIR/site)"
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also write a printable A4 profile per area: /downloads/profiel/<id>.pdf "
        "(or settings: pdf_profiles: true in monitor.yml)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="make and render every page, taking none from the previous build "
        "(the cache is DIR/.wijkmonitor-cache/, safe to delete)",
    )


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    _monitor_dir(p)
    # Checked by cmd_serve, not argparse: a wrong port is an exit 1 naming the argument.
    p.add_argument("--port", default="8000", help="port, 0 for any free one (default: 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    p.add_argument(
        "--site-dir", type=Path, default=None, help="where the preview goes (default: a temp dir)"
    )


def add_init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="new monitor directory (must not exist or be empty)")


class RichReporter:
    """Progress of a build as rich progress bars, one per stage (terminals only)."""

    def __init__(self, progress: Any):
        self.progress = progress
        self.task: Any = None

    def stage(self, description: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total or 1)
        self.task = self.progress.add_task(description, total=total)

    def advance(self) -> None:
        self.progress.advance(self.task)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _build(
    monitor_dir: Path,
    site_dir: Path | None,
    pdf: bool = False,
    cache: bool = True,
    remove_later: bool = False,
) -> Any:
    from wijkmonitor.website.build import build_site

    with _progress() as progress:
        reporter = RichReporter(progress)
        summary = build_site(
            monitor_dir, site_dir, reporter, pdf=pdf, cache=cache, remove_later=remove_later
        )
    for warning in summary.warnings:  # after the progress bar has gone
        print(warning, file=sys.stderr)
    return summary


def _summary(summary: Any) -> str:
    n, taken = summary.profiles, summary.profiles_reused
    if taken:
        profiles = f" and {n - taken} of {n} PDF profiles made ({taken} unchanged, reused)"
    else:
        profiles = f" and {n} PDF profile{'' if n == 1 else 's'}" if n else ""
    made = summary.pages - summary.reused
    if summary.reused:  # what this build made, and what it took from the previous one
        pages = f"{made} of {summary.pages} pages made ({summary.reused} unchanged, reused)"
    else:
        pages = f"{summary.pages} pages"
    return f"{pages}{profiles} in {summary.seconds:.1f} s -> {summary.site_dir}"


def cmd_build(args: argparse.Namespace) -> int:
    from wijkmonitor.forked_workers import WorkerDied
    from wijkmonitor.website.mkdocs_build import BuildError

    try:
        # A site directory it may not use is a ProblemsError (TargetError), printed by main.
        summary = _build(args.dir, args.site_dir, args.pdf, cache=not args.no_cache)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    except WorkerDied as exc:  # the machine (out of memory, a kill), not the inputs
        print(f"wijkmonitor: {exc}; the previous site is kept", file=sys.stderr)
        return 1
    print(_summary(summary))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the arguments, bind the port, then build and serve; rebuild on changes.

    Nothing an editor does to the inputs stops the preview: a failed build is printed
    and the last good site (or a page saying the build failed) stays served.
    """
    import shutil
    import tempfile

    from wijkmonitor.core.monitor import load_monitor
    from wijkmonitor.website.build import check_site_dir
    from wijkmonitor.website.serve import ServeError, parse_port

    # Everything that no edit of the inputs can fix is refused before the first build,
    # and the port is bound before it too: a long build, then "port in use", wastes time.
    # A monitor problem here propagates as a ProblemsError (printed by main, exit 1).
    try:
        port = parse_port(args.port)
    except ServeError as exc:
        print(f"wijkmonitor serve: {exc}", file=sys.stderr)
        return 1
    if not args.dir.is_dir():
        load_monitor(args.dir)  # raises the 'monitor directory' problem `check` gives
    if args.site_dir is not None:
        # The build's own rule; it also keeps the site out of what serve watches, so a
        # build never starts the next one.
        check_site_dir(args.dir, args.site_dir)
    scratch = None
    if args.site_dir is None:  # a site of its own, in a folder removed when serve ends
        temporary = Path(tempfile.gettempdir())
        remove_stale(temporary, SCRATCH)  # left by a killed serve
        scratch = temporary / owned_name("wijkmonitor-serve-")
    # Named before it is made, and made inside the try: however serve ends (a Ctrl+C the
    # moment it is made too), it goes.
    try:
        if scratch is not None:
            scratch.mkdir(mode=0o700)
        return _serve(args, port, args.site_dir or scratch / "site")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


# The folders serve builds into without --site-dir, in the system's temporary folder.
SCRATCH = re.compile(r"wijkmonitor-serve-" + OWNER + r"-[0-9a-f]+")


def _serve(args: argparse.Namespace, port: int, site_dir: Path) -> int:
    """Bind the port, build and serve ``site_dir``; rebuild when the inputs change."""
    import signal
    import time

    from wijkmonitor.website.build import TargetError, finish_removals
    from wijkmonitor.website.serve import (
        PreviewState,
        ServeError,
        Stopped,
        attempt_build,
        start_server,
        url_of,
        watch,
    )

    state = PreviewState()
    try:
        server = start_server(site_dir, args.host, port, state)
    except ServeError as exc:
        print(f"wijkmonitor serve: {exc}", file=sys.stderr)
        return 1

    def terminate(*_: object) -> None:
        raise Stopped

    # A terminated preview cleans up like an interrupted one.
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        print(
            f"Serving {url_of(server)} — rebuilding when inputs change (Ctrl+C stops)", flush=True
        )

        def build() -> str:
            # The old site's folders go on a thread: the change is served (and said) as
            # soon as the new site is in place (2 s sooner at national size).
            return _summary(_build(args.dir, site_dir, remove_later=True))

        # A site directory that is not ours (made meanwhile): no edit of the inputs fixes it.
        attempt_build(build, state, args.dir, fatal=(TargetError,))

        def rebuild(changed: list[str]) -> None:
            shown = f"{', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}"
            print(f"changed: {shown}", flush=True)
            attempt_build(build, state, args.dir)

        said = None
        while True:
            try:
                watch(args.dir, rebuild)
                break
            except OSError as exc:  # a folder vanished mid-look: look again, say it once
                if str(exc) != said:
                    print(f"wijkmonitor serve: watching the inputs: {exc}", file=sys.stderr)
                    said = str(exc)
                time.sleep(1)
    except Stopped:
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.shutdown()
        server.server_close()
        finish_removals()  # an old site still being removed, before its folder goes
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from wijkmonitor.new_monitor import NewMonitorError, init_monitor

    try:
        written = init_monitor(args.dir)
    except NewMonitorError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.dir}: new monitor with {len(written)} files")
    print(f"next: wijkmonitor build {args.dir}   (or: wijkmonitor serve {args.dir})")
    return 0
