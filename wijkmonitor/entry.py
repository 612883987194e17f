"""The process entry point of ``wijkmonitor`` (the console script and ``python -m``).

It imports nothing but the standard library's built-in modules, so Ctrl+C, a
terminating signal or a closed pipe is handled from the first moment our code runs:
importing pandas and the CLI takes half a second, and a signal then would otherwise
print a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl+C
TERMINATED = 143  # 128 + SIGTERM
BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`wijkmonitor ... | head`)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C so every ``finally`` cleans up the same way."""


# The signal that stopped this run, once one came. A library may catch the
# KeyboardInterrupt a signal raises and raise its own error instead: pandas' C parser,
# reading a gzip file, says "Calling read(nbytes) on source failed"; numpy's C import
# says "PyCapsule_Import could not import module datetime" (an ImportError). The CLI
# asks here before it reports such an error as a problem of the input or a bug.
_signalled: KeyboardInterrupt | None = None


def _raise_terminated(signum: int, frame: object) -> None:
    global _signalled
    _signalled = Terminated()
    raise _signalled


def _raise_interrupted(signum: int, frame: object) -> None:
    global _signalled
    _signalled = KeyboardInterrupt()
    raise _signalled


def _unraisable(unraisable: object) -> None:
    """Python cannot pass on an exception raised in a weakref callback or ``__del__``
    (importlib runs one per module lock); it prints "Exception ignored" and a traceback,
    and goes on. When that exception is our signal, say nothing: the signal is recorded,
    and the run stops at the next ``raise_pending``. (Sending the signal again from here
    raises it inside this hook, ignored once more.)"""
    exc = getattr(unraisable, "exc_value", None)
    if isinstance(exc, KeyboardInterrupt) and exc is _signalled:
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Turn Ctrl+C and SIGTERM into ``KeyboardInterrupt`` (``Terminated``) in the main
    thread, and keep quiet about one that lands where Python cannot raise it."""
    with contextlib.suppress(ValueError):  # only the main thread may; else as is
        signal.signal(signal.SIGTERM, _raise_terminated)
        signal.signal(signal.SIGINT, _raise_interrupted)
    sys.unraisablehook = _unraisable


def raise_pending() -> None:
    """Stop here if a signal came and was swallowed on its way up.

    Python raises a signal wherever the main thread happens to be, and not every place
    lets it through: a weakref callback cannot (above), and a library's bare ``except:``
    will not. Cython's memoryview code registers a class with ``collections.abc``
    inside ``try: ... except: pass``, run while numpy.random and pandas' extensions
    import; a Ctrl+C there was lost, and a ``check`` ran to its end and printed "ok"
    before saying "interrupted". So the signal is raised again where the run can still
    stop cleanly: once the CLI is imported, before every hook implementation is called,
    and before a build swaps its site in."""
    if _signalled is not None:
        raise _signalled


def pending_signal() -> KeyboardInterrupt | None:
    """The Ctrl+C or SIGTERM that came during this run, or None."""
    return _signalled


def stopped(exc: KeyboardInterrupt) -> int:
    """Say that the run was stopped (one line) and return the exit status for it."""
    terminated = isinstance(exc, Terminated)
    _say("wijkmonitor: terminated" if terminated else "wijkmonitor: interrupted")
    return TERMINATED if terminated else INTERRUPTED


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed too: the exit status says it
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _settle() -> None:
    """The exit status is decided: a signal from now on must not print a traceback from
    the interpreter's shutdown, and output still buffered goes out (or nowhere)."""
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError):
        pass


def broken_pipe() -> int:
    """The reader of our output went away: stop quietly, as ``cat`` would."""
    _silence_stdout()
    return BROKEN_PIPE


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; stopped by a signal or a closed pipe, exit quietly with one line."""
    code: int | None = None
    try:
        try:
            install()
            from wijkmonitor.cli import main

            raise_pending()  # imports swallow signals (see raise_pending)
            code = main(argv)
            if _signalled is not None and code not in (INTERRUPTED, TERMINATED):
                # A library swallowed our signal (an optional import that failed on it
                # and was skipped): the run went on, but it was asked to stop.
                code = stopped(_signalled)
        except KeyboardInterrupt as exc:  # Ctrl+C or SIGTERM, while importing too
            code = stopped(exc)
        except BrokenPipeError:
            code = broken_pipe()
        except SystemExit as exc:  # argparse: --help, or a wrong option (it said so)
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if not isinstance(exc.code, int | None):
                _say(str(exc.code))
        except Exception:  # after BrokenPipeError: an Exception too, handled above
            if _signalled is None:
                raise
            code = stopped(_signalled)  # a library's own error for our signal (above)
        _settle()
    except KeyboardInterrupt as exc:  # a second signal while stopping or exiting
        if code is None:
            code = TERMINATED if isinstance(exc, Terminated) else INTERRUPTED
    return 1 if code is None else code


def main() -> NoReturn:
    """The console script: run the CLI and end the process with its exit status.

    Every finally block ran on the way here and _settle flushed stdout: the process
    leaves at once, with the status decided, for two reasons. The interpreter's
    teardown frees every object a build made, one by one (0.75 s after a national
    build, whose site is in place by then). And CPython 3.11 marks a KeyboardInterrupt
    that escaped an exec() of a string as unhandled even once it is caught (dataclasses
    execs one per generated method while modules import), and then ends the process by
    SIGINT (-2) at exit instead of with our status. What the normal exit would still do
    for us is done here: the log handlers flushed and closed, stderr flushed (nothing
    of ours registers an exit handler; worker processes are stopped by then)."""
    code = run()
    with contextlib.suppress(Exception):
        logging.shutdown()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
