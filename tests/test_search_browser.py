"""The site's search in a real browser (Debian's chromium through Playwright).

The site's search worker is wijkmonitor's (wijkmonitor/website/static/overrides/assets/
javascripts/workers/wijkmonitor-search.js): it looks up the pages indexed by their
summary (area and gemeente pages) by word prefix and hands the pages of text to
Material's own worker (lunr), nested in it. These tests type into the search box of the
demo site at phone size, and speak to the worker directly with documents made for the
case (accents, entities, the order of the two kinds of result).
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browsing import collect_errors

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def _config(html: str) -> dict:
    return json.loads(CONFIG.search(html).group(1))


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()


def _search(page, text: str) -> None:
    """Open the search as a reader on a phone does (the header's icon) and type."""
    page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.fill("")
    box.type(text, delay=20)  # Material queries on keyup


def _result_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > a:first-child", "els => els.map(a => a.href)"
    )
    return [urlsplit(h).path for h in hrefs]


def test_every_page_points_the_search_at_wijkmonitors_worker(demo):
    site = demo.site
    for path in (
        "index.html",
        "over/index.html",
        *sorted(p.relative_to(site).as_posix() for p in (site / "wijk").glob("*/index.html"))[:3],
    ):
        url = _config((site / path).read_text(encoding="utf-8"))["search"]
        worker = urlsplit(url)
        assert worker.path.endswith("assets/javascripts/workers/wijkmonitor-search.js"), path
        material = parse_qs(worker.query)["material"][0]
        assert re.fullmatch(r"search\.[0-9a-f]+\.min\.js", material), material
        assert (site / "assets/javascripts/workers" / material).is_file()
    assert (site / "assets/javascripts/workers/wijkmonitor-search.js").is_file()


def _distinct_area(demo) -> tuple[str, str, list[str], list[str]]:
    """An area of two words or more whose beginnings no other summary page's title
    shares: its code, name, folded words and the beginnings to type."""
    docs = json.loads((demo.site / "search/search_index.json").read_text())["docs"]
    titles = [d["title"] for d in docs if d.get("summary")]
    level = demo.monitor.regions["level"]
    for code, name in demo.monitor.regions.loc[level == "focus_area", "name"].items():
        words = re.findall(r"\w+", _fold(name))
        if len(words) < 2 or min(map(len, words)) < 4:
            continue
        prefixes = [w[: max(2, len(w) - 2)] for w in words]
        sharing = [
            t
            for t in titles
            if all(any(w.startswith(p) for w in re.findall(r"\w+", _fold(t))) for p in prefixes)
        ]
        if sharing == [name]:
            return code, name, words, prefixes
    pytest.fail("no area of the demo has a name of two distinct words")


def test_a_reader_finds_an_area_by_the_start_of_its_words_on_a_phone(demo, base_url, browser):
    code, name, words, prefixes = _distinct_area(demo)
    errors: list[str] = []
    page = browser.new_page(viewport=PHONE)
    collect_errors(page, errors)
    try:
        page.goto(base_url, wait_until="networkidle")
        _search(page, " ".join(prefixes))
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        page.wait_for_function(  # the last query's answer is drawn
            "() => document.querySelector('.md-search-result__item h1').textContent"
            f" .toLowerCase().startsWith({json.dumps(words[0][:2])})",
            timeout=10_000,
        )
        assert _result_links(page)[0].endswith(f"/wijk/{code}/")
        title = page.locator(".md-search-result__item h1").first.inner_html()
        marked = re.sub(r"\s+", " ", title).strip()
        expected = name
        for word, prefix in zip(re.findall(r"\w+", name), prefixes, strict=True):
            expected = expected.replace(
                word, f"<mark>{word[: len(prefix)]}</mark>{word[len(prefix) :]}", 1
            )
        assert marked == expected
        page.keyboard.press("Enter")  # Material opens the best result
        page.wait_for_url(re.compile(rf".*/wijk/{re.escape(code)}/.*"), timeout=10_000)
    finally:
        page.close()
    assert errors == []


def test_pages_of_text_are_found_by_lunr_with_dutch_stemming(demo, base_url, browser):
    # An indicator page (search mode "text") is lunr's: found by a word of its title.
    indicator = next(
        i for i in demo.monitor.indicators.values() if re.match(r"[A-Za-z]{8,}", i.title)
    )
    word = re.match(r"[A-Za-z]+", indicator.title).group(0)
    errors: list[str] = []
    page = browser.new_page(viewport=PHONE)
    collect_errors(page, errors)
    try:
        page.goto(base_url, wait_until="networkidle")
        _search(page, word.lower())
        page.wait_for_function(
            "path => [...document.querySelectorAll('.md-search-result__item > a')]"
            ".some(a => new URL(a.href).pathname.endsWith(path))",
            arg=f"/indicator/{indicator.id}/",
            timeout=10_000,
        )
    finally:
        page.close()
    assert errors == []


# Documents made for the case, as Material's search plugin writes them (HTML, escaped),
# the summary pages marked as wijkmonitor's adapter marks them.
DOCS = [
    {
        "location": "wijk/a/",
        "title": "Súdwest-Fryslân Centrum",
        "text": "<p>Wijk in de gemeente Súdwest-Fryslân.</p>",
        "summary": True,
    },
    {
        "location": "wijk/b/",
        "title": "Kop &amp; Staart &lt;b&gt;",
        "text": "<p>Buurt bij het Centrum.</p>",
        "summary": True,
    },
    {"location": "wijk/c/", "title": "Centrumkwartier", "text": "", "summary": True},
    {"location": "over/", "title": "Over de centra", "text": "<p>Over het centrum van steden.</p>"},
]

# Sets up a worker from the page's own configuration and asks it the queries once lunr
# (Material's worker, nested) can answer too: until then the worker answers from its
# lookup alone, and the last query again once lunr is ready.
ASK = """async ({docs, queries, lunrQuery}) => {
    const config = JSON.parse(document.getElementById('__config').textContent);
    const worker = new Worker(new URL(config.search, location.href));
    const next = () => new Promise(r => worker.addEventListener('message',
        e => r(e.data), {once: true}));
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    let ready = next();
    worker.postMessage({type: 0, data: {config: {lang: ['nl'], separator: '[\\\\s\\\\-]+',
        pipeline: ['stopWordFilter'], fields: {title: {boost: 1000}, text: {boost: 1}}},
        docs, options: {suggest: false}}});
    const out = {ready: (await ready).type, answers: {}, tries: 0};
    // Lunr is ready when a query of the text page finds it.
    for (;;) {
        const answer = next();
        worker.postMessage({type: 2, data: lunrQuery});
        const data = (await answer).data;
        out.tries++;
        if (data.items.some(group => group.some(i => i.location === 'over/'))) break;
        if (out.tries > 100) return out;
        await sleep(100);
    }
    await sleep(200);  // a second answer to the last query, if one comes, is let pass
    for (const query of queries) {
        const answer = next();
        worker.postMessage({type: 2, data: query});
        out.answers[query] = (await answer).data;
    }
    worker.terminate();
    return out;
}"""


def _locations(answer: dict) -> list[str]:
    return [group[0]["location"] for group in answer["items"]]


def test_the_worker_looks_up_summaries_and_leaves_text_to_lunr(base_url, browser):
    errors: list[str] = []
    page = browser.new_page(viewport=PHONE)
    collect_errors(page, errors)
    try:
        page.goto(base_url, wait_until="networkidle")
        out = page.evaluate(
            ASK,
            {
                "docs": DOCS,
                "lunrQuery": "centra",
                "queries": ["centrum", "sudw centrum", "kop &", "b", "SÚDWEST", "onbekend"],
            },
        )
    finally:
        page.close()
    assert errors == []
    assert out["ready"] == 1 and out["tries"] <= 100
    answers = out["answers"]
    by_location = {q: {g[0]["location"]: g[0] for g in a["items"]} for q, a in answers.items()}

    # Summary pages whose title holds every word first (whole word before prefix), then
    # lunr's pages of text, then the summary pages found by their text only.
    assert _locations(answers["centrum"]) == ["wijk/a/", "wijk/c/", "over/", "wijk/b/"]
    scores = [g[0]["score"] for g in answers["centrum"]["items"]]
    assert scores == sorted(scores, reverse=True)  # Material's Enter opens the highest
    assert by_location["centrum"]["wijk/a/"]["title"] == "Súdwest-Fryslân <mark>Centrum</mark>"
    assert by_location["centrum"]["wijk/c/"]["title"] == "<mark>Centrum</mark>kwartier"
    assert by_location["centrum"]["wijk/b/"]["text"] == "<p>Buurt bij het <mark>Centrum</mark>.</p>"
    assert by_location["centrum"]["wijk/a/"]["terms"] == {"centrum": True}

    # Accents are folded for matching and kept in what is shown.
    assert _locations(answers["sudw centrum"])[0] == "wijk/a/"
    assert by_location["sudw centrum"]["wijk/a/"]["title"] == (
        "<mark>Súdw</mark>est-Fryslân <mark>Centrum</mark>"
    )
    assert by_location["sudw centrum"]["wijk/a/"]["text"] == (
        "<p>Wijk in de gemeente <mark>Súdw</mark>est-Fryslân.</p>"
    )
    assert _locations(answers["SÚDWEST"]) == ["wijk/a/"]

    # Entities stay whole: a mark never cuts one, and nothing is unescaped.
    assert by_location["kop &"]["wijk/b/"]["title"] == "<mark>Kop</mark> &amp; Staart &lt;b&gt;"
    assert by_location["b"]["wijk/b/"]["title"] == "Kop &amp; Staart &lt;<mark>b</mark>&gt;"
    assert (
        by_location["b"]["wijk/b/"]["text"]
        == "<p><mark>B</mark>uurt <mark>b</mark>ij het Centrum.</p>"
    )

    assert answers["onbekend"]["items"] == []
