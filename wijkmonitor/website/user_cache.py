"""The user's cache: what wijkmonitor makes from its own code and libraries alone (the
Vega bundle, the chart templates), kept between builds and shared by every monitor.

``$XDG_CACHE_HOME/wijkmonitor`` (``~/.cache/wijkmonitor`` when it is unset or not an
absolute path, as the XDG base directory spec says). Safe to delete: anything missing
is made again. A file is named by what it was made from, so a stale one is never read.
"""

from __future__ import annotations

import os
from pathlib import Path

from wijkmonitor.core.atomic import replacing


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored (XDG base directory spec)
        base = Path.home() / ".cache"
    return Path(base) / "wijkmonitor"


def write_cached(path: Path, text: str) -> bool:
    """Write ``path`` whole or not at all (another build may read it meanwhile); False
    when the cache cannot be written (the caller makes it again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing([path]) as (partial,):
            partial.write_text(text, encoding="utf-8")
    except OSError:
        return False
    return True
