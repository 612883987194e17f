"""The site commands of the CLI: build, serve and init (argument setup and handlers).

Heavy imports happen inside the handlers so ``wijkmonitor --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def _monitor_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default=".", type=Path, help="monitor directory (default: .)")


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    _monitor_dir(p)
    p.add_argument(
        "--site-dir", type=Path, default=None, help="where the site goes (default: DIR/site)"
    )


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    _monitor_dir(p)
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
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


def _build(monitor_dir: Path, site_dir: Path | None) -> Any:
    from wijkmonitor.website.build import build_site

    with _progress() as progress:
        return build_site(monitor_dir, site_dir, RichReporter(progress))


def _summary(summary: Any) -> str:
    return f"{summary.pages} pages in {summary.seconds:.1f} s -> {summary.site_dir}"


def cmd_build(args: argparse.Namespace) -> int:
    from wijkmonitor.website.build import TargetError
    from wijkmonitor.website.mkdocs_build import BuildError

    try:
        summary = _build(args.dir, args.site_dir)
    except (BuildError, TargetError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(_summary(summary))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import shutil
    import signal
    import tempfile

    from wijkmonitor.core.problems import ProblemsError
    from wijkmonitor.website.build import TargetError
    from wijkmonitor.website.mkdocs_build import BuildError
    from wijkmonitor.website.serve import start_server, watch

    # A terminated preview cleans up like an interrupted one.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = None if args.site_dir else Path(tempfile.mkdtemp(prefix="wijkmonitor-serve-"))
    site_dir = args.site_dir or scratch / "site"
    try:
        try:
            print(_summary(_build(args.dir, site_dir)))
        except (BuildError, TargetError) as exc:
            print(exc, file=sys.stderr)
            return 1
        server = start_server(site_dir, args.host, args.port)
        host, port = server.server_address[:2]
        print(f"Serving http://{host}:{port}/ — rebuilding when inputs change (Ctrl+C stops)")

        def rebuild(changed: list[str]) -> None:
            print(f"changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}")
            try:
                print(_summary(_build(args.dir, site_dir)))
            except ProblemsError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                print("build failed; still serving the previous site", file=sys.stderr)
            except BuildError as exc:
                print(exc, file=sys.stderr)
                print("build failed; still serving the previous site", file=sys.stderr)

        try:
            watch(args.dir, rebuild)
        finally:
            server.shutdown()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from wijkmonitor.website.scaffold import ScaffoldError, init_monitor

    try:
        written = init_monitor(args.dir)
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.dir}: new monitor with {len(written)} files")
    print(f"next: wijkmonitor build {args.dir}   (or: wijkmonitor serve {args.dir})")
    return 0
