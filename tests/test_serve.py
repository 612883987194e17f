"""`wijkmonitor serve`: the live preview serves the site and rebuilds on a change."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from wijkmonitor.new_monitor import init_monitor


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = _get(url)
        if page is not None and text in page:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_an_indicator_changes(tmp_path: Path):
    monitor = tmp_path / "monitor"
    init_monitor(monitor)
    indicator = next(p for p in (monitor / "indicators").glob("*.yml") if p.name != "themes.yml")
    ind_id = indicator.stem
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "wijkmonitor", "serve", str(monitor), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/indicator/{ind_id}/"
        assert _wait_for(url, "<html", 120), "the preview did not come up"
        text = indicator.read_text(encoding="utf-8")
        title_line = next(line for line in text.splitlines() if line.startswith("title:"))
        indicator.write_text(
            text.replace(title_line, "title: Gewijzigde titel voor de preview"), encoding="utf-8"
        )
        assert _wait_for(url, "Gewijzigde titel voor de preview", 120), "no rebuild seen"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
