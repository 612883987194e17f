"""Writing files so that a reader never sees half of one: write beside, then rename."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside ``targets`` to write to. When the block ends without an
    error, each replaces its target (a rename); otherwise they are removed and the
    targets stay as they were: never a half-written file, nor a new file beside an old."""
    temporary = [t.with_name(f".{t.name}.{os.getpid()}.tmp") for t in targets]
    try:
        yield temporary
        for path, target in zip(temporary, targets, strict=True):
            os.replace(path, target)
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
