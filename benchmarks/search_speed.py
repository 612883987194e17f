"""Benchmark: how soon the site's search answers on a phone, at national size (issue 13).

Usage: python benchmarks/search_speed.py SITE_DIR [--query Q] [--runs 2] [--index FILE]
       python benchmarks/search_speed.py --national 3300 [--query Q]

Serves a built site (SITE_DIR, or with ``--national W`` a national monitor of W wijken
built here as in ``site_scale.py --national``) on 127.0.0.1, gzip-compressed as static
hosts serve it, and opens the home page in Debian's chromium at 390x844 with the CPU
throttled 4x (CDP Emulation.setCPUThrottlingRate) and the network at 2 MB/s and 150 ms
(CDP Network.emulateNetworkConditions). It opens the search with the header's search
icon, types a buurt's code and waits for the first ``.md-search-result__item``.

Material for MkDocs fetches search/search_index.json as soon as a page loads (over
http; only on file:// does it wait for the search to open) and hands it to the site's
search worker: wijkmonitor's (static/overrides/assets/javascripts/workers/
wijkmonitor-search.js), which looks up the pages indexed by their summary (area and
gemeente pages) itself and hands the pages of text to Material's own worker (lunr),
nested in it. It is ready once its lookup is built, and answers from the lookup alone
until lunr is ready (then the last query again). The worker's messages are timed in the
page (a wrapper around ``Worker``), so the figures split into: index downloaded, index
parsed and posted to the worker, worker ready, first result drawn. Two scenarios, each
in a fresh browser context (empty cache):

- eager: the user taps search as soon as the page has loaded and types at once (the
  worker is still building, so it gets only the query as it stands when it is ready);
- warm: the user types after the index is ready (every keystroke is a query, each a
  prefix search: "B" matches every buurt, and the worker answers them in turn).

Then, in a page without network limits, it times the worker alone: set up again from
the same data (the lookup built; lunr builds in its own worker meanwhile), and one query
at a time for prefixes of the typed query and a few common words.

CDP's CPU throttling slows the page's main thread; a web worker's thread is slowed far
less (a busy loop measured 3.2x slower on the main thread, 1.2-1.8x in a worker), so
the worker's figures here are nearer this machine's speed than a 4x slower phone's.

``--index FILE`` serves FILE as search/search_index.json, to compare a variant of the
index on the same site. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # tests.browsing: Debian's chromium through Playwright

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from tests.browsing import launch, serve  # noqa: E402

VIEWPORT = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
NETWORK = {  # CDP Network.emulateNetworkConditions: bytes per second, milliseconds
    "offline": False,
    "latency": 150,
    "downloadThroughput": 2_000_000,
    "uploadThroughput": 750_000,
}
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")
WORKER = "wijkmonitor-search.js"  # the site's search worker (see the module's docstring)

# Runs before the site's own scripts: timestamps (performance.now(), ms since the
# navigation started) of the messages between the page and Material's search worker,
# of every keystroke in the search box, of its first focus and of the first result
# item drawn. Message types are Material's: 0 setup, 1 ready, 2 query, 3 result.
PROBE = """(() => {
    const t = window.__wm = {posted: [], received: [], keys: [], focus: null, item: null};
    const Native = window.Worker;
    window.Worker = class extends Native {
        constructor(...args) {
            super(...args);
            t.worker = this;
            this.addEventListener('message', e => t.received.push(
                [e.data && e.data.type, performance.now(),
                 e.data && e.data.data && e.data.data.items
                     ? e.data.data.items.length : null]));
        }
        postMessage(message, ...rest) {
            t.posted.push([message && message.type, performance.now()]);
            if (message && message.type === 0) t.setup = message;
            return super.postMessage(message, ...rest);
        }
    };
    document.addEventListener('keydown', e => {
        if (e.target && e.target.matches && e.target.matches('[data-md-component=search-query]'))
            t.keys.push(performance.now());
    }, true);
    document.addEventListener('focusin', e => {
        if (t.focus === null && e.target.matches('[data-md-component=search-query]'))
            t.focus = performance.now();
    }, true);
    t.changes = [];  // every redraw of the result list
    new MutationObserver(records => {
        const now = performance.now();
        if (t.item === null && document.querySelector('.md-search-result__item'))
            t.item = now;
        if (records.some(r => r.target.closest && r.target.closest('.md-search-result__list')))
            t.changes.push(now);
    }).observe(document, {childList: true, subtree: true});
})();"""

INDEX_TIMING = """() => {
    const e = performance.getEntriesByType('resource')
        .find(r => r.name.endsWith('search/search_index.json'));
    return e ? {start: e.startTime, end: e.responseEnd, transfer: e.transferSize,
                encoded: e.encodedBodySize, decoded: e.decodedBodySize} : null;
}"""


# Every keystroke typed, and the worker has answered every query the page sent it.
ANSWERED = """n => {
    const t = window.__wm;
    const asked = t.posted.filter(m => m[0] === 2).length;
    return t.keys.length >= n && asked > 0
        && t.received.filter(m => m[0] === 3).length >= asked
        && t.posted.filter(m => m[0] === 2).pop()[1] > t.keys[t.keys.length - 1];
}"""
REDRAWN = """() => {
    const t = window.__wm;
    const last = t.received.filter(m => m[0] === 3).pop()[1];
    return t.changes.some(c => c >= last);
}"""


# Sends the worker one query at a time (as Material words it) and times each answer.
ASK = """async queries => {
    const t = window.__wm, out = [];
    for (const q of queries) {
        const answered = new Promise(resolve => t.worker.addEventListener('message',
            e => resolve(e.data), {once: true}));
        const start = performance.now();
        t.worker.postMessage({type: 2, data: q});
        const data = await answered;
        out.push([q, data.data.items.length, performance.now() - start]);
    }
    return out;
}"""


# Hands the worker the index again and times its setups (until it is ready).
REBUILD = """async n => {
    const t = window.__wm, out = [];
    for (let i = 0; i < n; i++) {
        const ready = new Promise(resolve => t.worker.addEventListener('message',
            e => resolve(e.data), {once: true}));
        const start = performance.now();
        t.worker.postMessage(t.setup);
        await ready;
        out.push(performance.now() - start);
    }
    return out;
}"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves text files gzip-compressed when the browser asks for it, as GitHub Pages,
    Netlify or nginx with gzip on do: the index crosses the network compressed."""

    cache: dict[Path, bytes] = {}
    index: Path | None = None
    material_only = False  # serve Material's own worker in place of wijkmonitor's

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if self.material_only and path.name == WORKER:
            path = path.with_name(parse_qs(urlsplit(self.path).query)["material"][0])
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in COMPRESSIBLE):
            super().do_GET()
            return
        if path.name == "search_index.json" and self.index is not None:
            path = self.index  # a variant of the index, to compare
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_gzip(
    directory: Path, index: Path | None = None, material_only: bool = False
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (gzip on; ``index`` in place of the site's
    search_index.json; with ``material_only`` Material's search worker in place of
    wijkmonitor's); yields the base URL."""

    class Handler(_Handler):
        pass

    Handler.index = index
    Handler.material_only = material_only  # (chromium asks for gzip: the branch above)
    with serve(directory, Handler) as url:
        yield url


def build_national(root: Path, n_wijken: int) -> Path:
    """A national monitor of ``n_wijken`` wijken with a page for every gemeente, wijk
    and buurt (the shape of ``site_scale.py --national``), built; returns the site."""
    import subprocess

    from site_scale import national_monitor

    monitor = national_monitor(root / "monitor", n_wijken)
    site = root / "site"
    wijkmonitor = str(Path(sys.executable).with_name("wijkmonitor"))
    start = time.perf_counter()
    subprocess.run([wijkmonitor, "build", str(monitor), "--site-dir", str(site)], check=True)
    print(f"built {n_wijken} wijken in {time.perf_counter() - start:.0f} s", flush=True)
    return site


def index_figures(path: Path) -> dict:
    """Size of a search index and what it holds."""
    raw = path.read_bytes()
    index = json.loads(raw)
    docs = index["docs"]
    kinds = Counter(d["location"].split("/")[0] if "/" in d["location"] else "" for d in docs)
    return {
        "bytes": len(raw),
        "gzip": len(gzip.compress(raw, compresslevel=6)),
        "docs": len(docs),
        "kinds": kinds,
        "text_chars": sum(len(d.get("text", "")) for d in docs),
        "title_chars": sum(len(d.get("title", "")) for d in docs),
        "config": index["config"],
        "buurten": [d["location"] for d in docs if d["location"].startswith("buurt/BU")],
    }


def default_query(figures: dict) -> str:
    """A buurt's code (as the generator makes them: BU + 8 digits), from the middle."""
    buurten = figures["buurten"]
    if not buurten:
        raise SystemExit("the site has no buurt pages in its search index; pass --query")
    return buurten[len(buurten) // 2].split("/")[1]


def _phone(browser: object, cpu: float) -> tuple:
    """A phone's browser context, its page (with the probe) and a CDP session on it,
    the CPU slowed ``cpu`` times."""
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.add_init_script(PROBE)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    return context, page, cdp


def one_run(browser: object, url: str, query: str, warm: bool, cpu: float) -> dict:
    """Open the home page on a throttled phone, search for ``query``; page timestamps."""
    context, page, cdp = _phone(browser, cpu)
    try:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        page.goto(url, wait_until="load", timeout=300_000)
        loaded = page.evaluate("() => performance.now()")
        if warm:
            page.wait_for_function(
                "() => window.__wm.received.some(m => m[0] === 1)", timeout=300_000
            )
        page.tap("header label[for=__search]")
        page.wait_for_selector("[data-md-component=search-query]:focus", timeout=60_000)
        page.keyboard.type(query, delay=120)
        page.wait_for_selector(".md-search-result__item", timeout=300_000)
        page.wait_for_function(ANSWERED, arg=len(query), timeout=300_000)
        try:  # the list redrawn with that answer (not if it equals the one shown)
            page.wait_for_function(REDRAWN, timeout=5_000)
        except PlaywrightTimeout:
            pass
        probe = page.evaluate("() => window.__wm")
        probe["loaded"] = loaded
        probe["index"] = page.evaluate(INDEX_TIMING)
        probe["query"] = query
        return probe
    finally:
        context.close()


def query_costs(browser: object, url: str, queries: list[str], cpu: float) -> list:
    """Worker time of each query (no typing, nothing else queued), on the throttled phone."""
    context, page, cdp = _phone(browser, cpu)
    try:
        page.goto(url, wait_until="load", timeout=300_000)
        page.wait_for_function("() => window.__wm.received.some(m => m[0] === 1)", timeout=300_000)
        page.wait_for_timeout(1000)  # the page's own first query answered
        costs = page.evaluate(ASK, queries)
        return page.evaluate(REBUILD, 3), costs
    finally:
        context.close()


def phases(probe: dict) -> dict[str, float]:
    """Milliseconds from navigation start (and between steps) out of one run's probe."""

    def first(messages: list, kind: int) -> float | None:
        return next((t for m, t, *_ in messages if m == kind), None)

    setup = first(probe["posted"], 0)
    ready = first(probe["received"], 1)
    index = probe["index"] or {}
    last_key = probe["keys"][-1]
    answer = [t for m, t, *_ in probe["received"] if m == 3][-1]
    drawn = next((c for c in probe["changes"] if c >= answer), answer)
    return {
        "page loaded": probe["loaded"],
        "index requested": index.get("start"),
        "index downloaded": index.get("end"),
        "index posted to worker (parsed)": setup,
        "worker ready (lookup built)": ready,
        "search box focused": probe["focus"],
        "last keystroke": last_key,
        "first result drawn": probe["item"],
        "first result after focus": probe["item"] - probe["focus"],
        "queries sent": sum(1 for m, *_ in probe["posted"] if m == 2),
        "worker answered the whole query": answer,
        "its results drawn": drawn,
        "whole query answered after last keystroke": drawn - last_key,
        "worker setup (ready - posted)": ready - setup if ready and setup else None,
        "setups sent": sum(1 for m, *_ in probe["posted"] if m == 0),
        "index transfer bytes": index.get("transfer"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site directory")
    parser.add_argument("--national", type=int, metavar="W", help="build W wijken here")
    parser.add_argument("--query", help="what to type (default: a buurt's code)")
    parser.add_argument("--cpu", type=float, default=CPU_SLOWDOWN, help="CPU slowdown (default 4)")
    parser.add_argument(
        "--index", type=Path, help="serve this search_index.json instead (to compare)"
    )
    parser.add_argument(
        "--material",
        action="store_true",
        help="serve Material's own search worker in place of wijkmonitor's (to compare)",
    )
    parser.add_argument(
        "--runs", type=int, default=2, help="runs per scenario (median; 0: worker figures only)"
    )
    args = parser.parse_args()
    if (args.site is None) == (args.national is None):
        parser.error("give a site directory or --national W")

    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-search-") as tmp:
        site = args.site if args.site else build_national(Path(tmp), args.national)
        figures = index_figures(args.index or site / "search" / "search_index.json")
        query = args.query or default_query(figures)
        pages = sum(1 for _ in site.rglob("index.html"))
        print(f"site: {site} ({pages:,} pages)")
        print(
            f"search_index.json: {figures['bytes']:,} bytes, gzip {figures['gzip']:,} bytes; "
            f"{figures['docs']:,} documents ({figures['title_chars']:,} title characters, "
            f"{figures['text_chars']:,} text characters)"
        )
        kinds = ", ".join(f"{k or 'home'} {n:,}" for k, n in figures["kinds"].most_common(6))
        print(f"documents by section: {kinds}")
        print(f"lunr config: {json.dumps(figures['config'])}")
        print(
            f"phone {VIEWPORT['width']}x{VIEWPORT['height']}, CPU {args.cpu:g}x slower, "
            f"{NETWORK['downloadThroughput'] / 1e6:g} MB/s, {NETWORK['latency']} ms; "
            f"query {query!r}, typed at 120 ms per key"
        )
        results: dict[str, list[dict]] = {"eager": [], "warm": []}
        with serve_gzip(site, args.index, args.material) as url, launch() as browser:
            for run in range(args.runs):
                for scenario in results:
                    probe = one_run(browser, url, query, warm=scenario == "warm", cpu=args.cpu)
                    results[scenario].append(phases(probe))
                    print(f"  run {run + 1} {scenario}: {json.dumps(probe_summary(probe))}")
            codes = [query[:n] for n in (1, 2, 4, 6, len(query))]
            other = ["buurt", "gemeente 0001", "wijk"]
            build, costs = query_costs(browser, url, [*dict.fromkeys(codes + other)], args.cpu)
        builds = ", ".join(f"{ms:,.0f}" for ms in build)
        print(f"\nworker set up again (lookup built; lunr in its own worker): {builds} ms")
        print("worker time per query (results, ms), one at a time, nothing queued:")
        for q, n, ms in costs:
            print(f"  {q!r:<18} {n:>7,} results {ms:>8,.0f} ms")
        for scenario, runs in results.items():
            if not runs:  # --runs 0: the worker's figures only
                continue
            print(f"\n{scenario} (median of {len(runs)}; ms since navigation start):")
            for name in runs[0]:
                values = [r[name] for r in runs if r[name] is not None]
                if values:
                    print(f"  {name:<36} {statistics.median(values):>10,.0f}")


def probe_summary(probe: dict) -> dict:
    """The raw timestamps of one run, rounded, for the log."""
    return {
        "posted": [[m, round(t)] for m, t in probe["posted"]],
        "received": [[m, round(t), n] for m, t, n in probe["received"]],
        "focus": round(probe["focus"]),
        "keys": [round(t) for t in probe["keys"]],
        "changes": [round(t) for t in probe["changes"]],
        "item": round(probe["item"]),
    }


if __name__ == "__main__":
    main()
