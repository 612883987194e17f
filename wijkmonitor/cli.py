"""The ``wijkmonitor`` command line. Thin: parses arguments, calls the layers, prints.

Every command that reads a monitor reports all problems of the input together and
exits 1, never with a traceback.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wijkmonitor.core.hookspecs import Command
from wijkmonitor.core.pluginmanager import plugin_commands
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.entry import broken_pipe, pending_signal, stopped
from wijkmonitor.environment import debug, environment_problems
from wijkmonitor.website import commands as site


def _monitor_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default=".", type=Path, help="monitor directory (default: .)")


def cmd_check(args: argparse.Namespace) -> int:
    from wijkmonitor.core.monitor import load_monitor

    monitor = load_monitor(args.dir)
    for warning in monitor.warnings:
        print(warning, file=sys.stderr)
    print(
        f"{args.dir}: ok — {len(monitor.indicators)} indicators, {len(monitor.themes)} themes, "
        f"{len(monitor.regions)} regions and areas, {len(monitor.data):,} data rows"
    )
    return 0


def cmd_compute(args: argparse.Namespace) -> int:
    from wijkmonitor.core.compute import compute_results
    from wijkmonitor.core.monitor import load_monitor
    from wijkmonitor.core.output import write_results

    results = compute_results(load_monitor(args.dir))
    written = write_results(results, args.out)
    for path in written:
        print(path)
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    from wijkmonitor.core.monitor import load_monitor

    monitor = load_monitor(args.dir)
    for ind in monitor.indicators.values():
        print(f"{ind.id:40} {ind.theme:32} {ind.formula['kind']:10} {ind.direction:17} {ind.title}")
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from wijkmonitor.core.pluginmanager import describe_plugins

    for line in describe_plugins():
        print(line)
    return 0


def _import_arguments(p: argparse.ArgumentParser) -> None:
    from wijkmonitor.importers.commands import add_arguments

    add_arguments(p)


def cmd_import(args: argparse.Namespace) -> int:
    from wijkmonitor.importers.commands import run

    return run(args)


def _demo_data_arguments(p: argparse.ArgumentParser) -> None:
    _monitor_dir(p)
    p.add_argument("--seed", type=int, default=2012, help="random seed (default: 2012)")


def cmd_demo_data(args: argparse.Namespace) -> int:
    from wijkmonitor.demo.outcomemonitor import write

    print(write(args.dir, seed=args.seed))
    return 0


# The built-in commands: name -> (help, add arguments, handler). Plugins add theirs
# through the hook register_commands (the CLI knows no plugin by name).
COMMANDS: dict[str, tuple[str, Callable, Callable[[argparse.Namespace], int]]] = {
    "check": ("validate a monitor and report every problem", _monitor_dir, cmd_check),
    "compute": (
        "compute results.csv and changes.csv",
        lambda p: (
            _monitor_dir(p),
            p.add_argument("--out", type=Path, required=True, help="output directory"),
        ),
        cmd_compute,
    ),
    "indicators": ("list the indicator catalogue", _monitor_dir, cmd_indicators),
    "plugins": (
        "list loaded plugins, the hooks each implements and their kinds",
        lambda p: None,
        cmd_plugins,
    ),
    "demo-data": (
        "write the synthetic demo data (data/synthetic_outcomemonitor.csv)",
        _demo_data_arguments,
        cmd_demo_data,
    ),
    "import": (
        "import CBS StatLine data (CSV export or OData table) as tidy CSV",
        _import_arguments,
        cmd_import,
    ),
    "build": ("build the monitor's website", site.add_build_arguments, site.cmd_build),
    "serve": (
        "preview the website on localhost, rebuilding on changes",
        site.add_serve_arguments,
        site.cmd_serve,
    ),
    "init": ("create a new monitor that builds as is", site.add_init_arguments, site.cmd_init),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wijkmonitor",
        description="Neighbourhood statistics in, a public monitor website out.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_, add_arguments, handler) in COMMANDS.items():
        p = sub.add_parser(name, help=help_)
        add_arguments(p)
        p.set_defaults(handler=handler)
    for plugin, command in plugin_commands(taken=COMMANDS):
        p = sub.add_parser(command.name, help=command.help)
        _plugin_call(plugin, command, "add_arguments", p)
        p.set_defaults(handler=functools.partial(_plugin_call, plugin, command, "run"))
    return parser


def _plugin_call(plugin: str, command: Command, what: str, arg: object) -> Any:
    """Run a plugin command's function; its bad-input problems pass as they are, any
    other exception is the plugin's bug and named as such (not ours: no exit 2)."""
    try:
        return getattr(command, what)(arg)
    except (ProblemsError, KeyboardInterrupt, OSError, SystemExit):
        raise
    except Exception as exc:
        from wijkmonitor.core.pluginmanager import plugin_problem

        hook = f"register_commands: {command.name}: {what}"
        raise ProblemsError([plugin_problem(plugin, hook, exc)]) from None


def _machine_says_no(exc: OSError) -> str:
    """``wijkmonitor: <path>: <reason>`` for an error of the machine (disk, permission)."""
    where = f"{exc.filename}: " if exc.filename is not None else ""
    reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    return f"wijkmonitor: {where}{reason}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # Before anything else is imported: the libraries read some of them as they load.
        problems = environment_problems()
        if problems:
            raise ProblemsError(problems)
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except KeyboardInterrupt as exc:  # Ctrl+C, or SIGTERM (entry.Terminated)
        return stopped(exc)
    except Exception as exc:
        if (stop := pending_signal()) is not None:
            # A library turned our signal into an error of its own (a read error, an
            # ImportError): the run was stopped; neither the input nor the code is wrong.
            return stopped(stop)
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """Report why the run failed (bad input, the machine, or a bug); its exit status."""
    if isinstance(exc, ProblemsError):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return 1
    if isinstance(exc, OSError):
        if isinstance(exc, BrokenPipeError) and exc.filename is None:
            return broken_pipe()  # our reader went away (`| head`): not an error to report
        # The machine said no (disk full, no permission): not a bug, say what and where.
        print(_machine_says_no(exc), file=sys.stderr)
        return 1
    # A bug, not bad input (bad input is a ProblemsError): one line, not a traceback.
    if debug():
        raise exc
    print(
        f"wijkmonitor: internal error: {type(exc).__name__}: {exc} "
        "(set WIJKMONITOR_DEBUG=1 for the traceback; please report it)",
        file=sys.stderr,
    )
    return 2
