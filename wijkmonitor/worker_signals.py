"""How a forked or spawned worker process treats the signals its parent handles."""

from __future__ import annotations

import signal


def leave_signals_to_parent() -> None:
    """Ctrl+C and SIGTERM are the parent's to handle: it stops the workers (with SIGTERM,
    which must simply end them) and cleans up. A worker that handled them itself would
    print a traceback per process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
