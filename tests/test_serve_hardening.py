"""`wijkmonitor serve` survives whatever an editor does to the inputs (issue 16).

Arguments that cannot work are refused before the first build (the bad-input corpus,
cases 190-198, holds the port, host and --site-dir cases); here what the corpus cannot
express: a port in use, a real preview process whose builds fail in every way an edit
can make them fail, the HTTP side, signals, and the formatting of machine errors.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import INDICATOR, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.website import build as build_module
from wijkmonitor.website.serve import PreviewState, Stopped, attempt_build, failure_lines

SECONDS = 60  # per wait; a build of the small monitor takes about one second


def test_a_port_in_use_is_named_before_building(small_monitor: Path, monkeypatch, capsys):
    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("serve built the site before it had its port")

    monkeypatch.setattr(build_module, "build_site", no_build)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", str(small_monitor), "--port", str(port)])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"wijkmonitor serve: 127.0.0.1:{port} is in use; pass another --port"
    ]


def test_an_existing_directory_that_is_not_a_site_stops_serve(small_monitor: Path, capsys):
    """No edit of the inputs can fix it, so serve exits instead of waiting for one."""
    elsewhere = small_monitor.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("mine\n")
    code = main(["serve", str(small_monitor), "--site-dir", str(elsewhere), "--port", "0"])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{elsewhere}: --site-dir: exists and is not a site built by wijkmonitor (it has no "
        ".wijkmonitor-site); choose a new or empty directory"
    )
    assert (elsewhere / "notes.txt").read_text() == "mine\n"


# ---------------------------------------------------------------- a real preview


class Preview:
    """A `wijkmonitor serve` process on 127.0.0.1 (any free port), its output in files."""

    def __init__(self, monitor: Path, tmp: Path):
        self.out, self.err = tmp / "stdout.txt", tmp / "stderr.txt"
        self.scratch = tmp / "scratch"  # TMPDIR: where the preview's site goes
        self.scratch.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "WIJKMONITOR_DEBUG"}
        env["TMPDIR"] = str(self.scratch)
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wijkmonitor", "serve", str(monitor), "--port", "0"],
                stdout=out,
                stderr=err,
                env=env,
            )
        found = self.wait(lambda: re.search(r"Serving (http://127\.0\.0\.1:\d+/)", self.stdout()))
        self.url = found.group(1)

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def wait(self, condition: Callable[[], object], seconds: float = SECONDS) -> object:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve ended:\n{self.stderr()}"
            result = condition()
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError(f"timed out; stdout:\n{self.stdout()}\nstderr:\n{self.stderr()}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def failures(self) -> int:
        return self.stderr().count("build failed after")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def _edit(path: Path, text: str) -> None:
    # A new size as well as a new time, so the change is seen on coarse clocks too.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_preview_survives_every_failing_build(tmp_path: Path):
    monitor = write_monitor(
        tmp_path / "monitor",
        **{"indicators/werkzoekenden.yml": INDICATOR.replace("lower_is_better", "upwards")},
    )
    indicator_page = "indicator/werkzoekenden/"
    mkdocs_yml = (monitor / "mkdocs.yml").read_text(encoding="utf-8")
    preview = Preview(monitor, tmp_path)
    try:
        # 1. The first build fails on the monitor: serve waits, saying why, on the page too.
        problem = (
            "indicators/werkzoekenden.yml:5: direction: 'upwards' is not one of "
            "higher_is_better, lower_is_better, neutral"
        )
        preview.wait(lambda: preview.failures() == 1)
        lines = preview.stderr().splitlines()
        assert problem in lines
        assert lines[-1].endswith("s; waiting for a change to the inputs")
        status, page = preview.get("")
        assert status == 503
        assert problem.replace("'", "&#x27;") in page

        # 2. Fixed: the site is built and served.
        _edit(monitor / "indicators/werkzoekenden.yml", INDICATOR)
        preview.wait(lambda: preview.get(indicator_page)[0] == 200)
        assert "Niet-werkende werkzoekenden" in preview.get(indicator_page)[1]
        assert re.search(r"^\d+ pages in \d+\.\d s -> ", preview.stdout(), re.M)

        # 3. Each edit that breaks the build: reported in one line, the last good site stays.
        # (Hooks live beside mkdocs.yml: mkdocs.yml is watched, and Python's __pycache__
        # of a hook stays out of the watched folders. mkdocs loads a hook file once per
        # process, so each step names a new one.)
        with_hook = mkdocs_yml + "\nhooks:\n  - hooks.py\n"
        broken = [
            (  # a bug in the publisher's own mkdocs hook
                {
                    "hooks.py": (
                        "def on_page_markdown(markdown, **kwargs):\n"
                        "    raise ValueError('kapotte hook')\n"
                    ),
                    "mkdocs.yml": with_hook,
                },
                "wijkmonitor serve: the build raised ValueError: kapotte hook (from a hook or "
                "plugin, or a bug in wijkmonitor; WIJKMONITOR_DEBUG=1 shows the traceback)",
            ),
            (  # a hook that exits the process
                {
                    "exit_hook.py": (
                        "import sys\n\n\ndef on_page_markdown(markdown, **kwargs):\n"
                        "    sys.exit(3)\n"
                    ),
                    "mkdocs.yml": mkdocs_yml + "\nhooks:\n  - exit_hook.py\n",
                },
                "wijkmonitor serve: the build raised SystemExit: 3 (from a hook or "
                "plugin, or a bug in wijkmonitor; WIJKMONITOR_DEBUG=1 shows the traceback)",
            ),
            (  # mkdocs' strict mode refuses a hand-written page with a dead link
                {"mkdocs.yml": mkdocs_yml, "site_src/extra.md": "# Extra\n\n[kaart](nergens.md)\n"},
                "Doc file 'extra.md' contains a link 'nergens.md', but the target is not "
                "found among documentation files.",
            ),
        ]
        for files, line in broken:
            for name, text in files.items():
                _edit(monitor / name, text)
            preview.wait(lambda line=line: line in preview.stderr().splitlines())
            preview.wait(lambda: preview.stderr().endswith("s; still serving the previous site\n"))
            status, page = preview.get(indicator_page)
            assert status == 200 and "Niet-werkende werkzoekenden" in page

        # 4. The HTTP side: nonsense and a browser that hangs up change nothing.
        port = int(preview.url.rsplit(":", 1)[1].strip("/"))
        for request, answer in [
            (b"BREW /pot HTTP/1.1\r\n\r\n", b"HTTP/1.0 501"),
            (b"GET /" + b"x" * 70000 + b" HTTP/1.1\r\n\r\n", b"HTTP/1.0 414"),
            (b"GET / HTTP/1.1\r\nHost \xff\x00\r\n\r\n", b"HTTP/1.0 200"),
        ]:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(request)
                assert raw.recv(100).startswith(answer), request[:20]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(f"GET /{indicator_page} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert preview.get("../../../etc/passwd")[0] == 404

        # 5. Fixed again, with a new title: the new site is served.
        (monitor / "site_src/extra.md").unlink()
        (monitor / "hooks.py").unlink()
        (monitor / "exit_hook.py").unlink()
        _edit(
            monitor / "indicators/werkzoekenden.yml",
            INDICATOR.replace("Niet-werkende werkzoekenden", "Gewijzigde titel"),
        )
        preview.wait(lambda: "Gewijzigde titel" in preview.get(indicator_page)[1])

        # 6. SIGTERM stops it like Ctrl+C: exit 143, the temporary site removed.
        preview.process.send_signal(signal.SIGTERM)
        assert preview.process.wait(timeout=30) == 143
        assert list(preview.scratch.iterdir()) == []
        assert "Traceback" not in preview.stderr()
        assert "internal error" not in preview.stderr()
    finally:
        preview.stop()


# ---------------------------------------------------------------- the pieces


def test_a_machine_error_names_the_file_relative_to_the_monitor(small_monitor: Path):
    try:
        (small_monitor / "data" / "gone.csv").read_bytes()
    except OSError as exc:
        error = exc
    assert failure_lines(error, small_monitor) == [
        "wijkmonitor: data/gone.csv: No such file or directory"
    ]


def _raise(exc: BaseException) -> Callable[[], str]:
    def build() -> str:
        raise exc

    return build


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), Stopped()])
def test_ctrl_c_and_sigterm_still_stop_a_build(stop: BaseException, tmp_path: Path):
    with pytest.raises(type(stop)):
        attempt_build(_raise(stop), PreviewState(), tmp_path)


def test_a_failed_build_keeps_the_site_a_good_one_made(tmp_path: Path, capsys):
    state = PreviewState()
    assert attempt_build(lambda: "12 pages", state, tmp_path)
    assert state.ready
    assert not attempt_build(_raise(RuntimeError("stuk")), state, tmp_path)
    assert state.ready  # still serving the previous site
    out, err = capsys.readouterr()
    assert out == "12 pages\n"
    assert err.splitlines()[0] == (
        "wijkmonitor serve: the build raised RuntimeError: stuk (from a hook or plugin, "
        "or a bug in wijkmonitor; WIJKMONITOR_DEBUG=1 shows the traceback)"
    )
