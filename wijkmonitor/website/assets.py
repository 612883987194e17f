"""The site's own static files: CSS, the chart script and one copy of Vega/Vega-Lite/vega-embed.

Nothing is loaded from another host: the JavaScript libraries come from vl-convert's
bundle (the same versions altair's specs are written for) and are written into the
site once.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from pathlib import Path

import vl_convert

from wijkmonitor.website.charts import chart_config
from wijkmonitor.website.numbers import D3_LOCALE
from wijkmonitor.website.user_cache import user_cache_dir, write_cached

STATIC = Path(__file__).parent / "static"
# The bundle's file name beside charts.js, which imports it only on pages with a chart.
VEGA_FILE = "vega.js"
# Strings in the bundle that name a host but are never fetched: the editor of the
# "open in editor" action (disabled), a schema identifier and an issue link in a message.
# Blanked so the site holds no address of another host.
_UNUSED_URLS = (
    "https://vega.github.io/editor/",
    "https://vega.github.io/schema/vega/v6.json",
    "https://github.com/vega/vega-lite/issues/2415",
)


# What the bundle's module does: set window.vegaEmbed, and window.vega and
# window.vegaLite, with which charts.js draws a chart in several tasks. (vl-convert's
# default snippet sets window.vega and window.vegaLite to null: it imports the default
# exports, which Vega and Vega-Lite do not have.) The imports are resolved inside
# vl-convert, never fetched, and must name exactly the versions vega-embed uses: another
# version fails to bundle or would put a second copy in the bundle.
_JSDELIVR = "https://cdn.jsdelivr.net/npm"
_BUNDLE_SNIPPET = (
    'import * as vegaModule from "{cdn}/vega@{vega}/+esm";\n'
    'import * as vegaLiteModule from "{cdn}/vega-lite@{vega_lite}/+esm";\n'
    "window.vegaEmbed = vegaEmbed;\n"
    "window.vega = vegaModule;\n"
    "window.vegaLite = vegaLiteModule;\n"
)
# Part of the cache key: a cached bundle from another snippet is not this bundle.
_SNIPPET_VERSION = 3
# V8's explicit compile hint (Chrome 136+; a comment to other browsers): compile every
# function of the bundle while the file is streamed in, on a background thread, instead
# of each on the main thread when first called. Drawing the first chart calls thousands
# of them (Vega-Lite's compiler, Vega's parser, dataflow and renderer); compiled lazily
# they made its steps 100-200 ms long tasks on a slowed-down phone, with the hint about
# half (issue 15). It must be the file's first line.
COMPILE_HINT = "//# allFunctionsCalledOnLoad\n"


def _bundle() -> str:
    """vl-convert's bundle with _BUNDLE_SNIPPET; without it (only vega-embed) when the
    exact Vega-Lite version cannot be found (charts.js then lets vega-embed compile)."""
    vl_version = vl_convert.get_vegalite_versions()[-1]  # "6.4": the bundle's default
    plain = vl_convert.javascript_bundle(vl_version=vl_version)
    # vl-convert names only major.minor; the patch release is the version constant
    # Vega-Lite's own code carries.
    found = sorted(set(re.findall(rf'"({re.escape(vl_version)}\.\d+)"', plain)))
    if len(found) != 1:
        return plain
    snippet = _BUNDLE_SNIPPET.format(
        cdn=_JSDELIVR, vega=vl_convert.get_vega_version(), vega_lite=found[0]
    )
    try:
        bundle = vl_convert.javascript_bundle(snippet, vl_version=vl_version)
    except BaseException as error:  # a wrong version panics in Rust (PanicException)
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        return plain
    # One copy of each library: a snippet that named another copy would double the size.
    return bundle if len(bundle) < 1.2 * len(plain) else plain


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one ES module that sets window.vegaEmbed,
    window.vega and window.vegaLite.

    Bundling takes vl-convert a few seconds, so the result is kept in the user's cache
    per vl-convert version (the bundle is the same bytes for the same version).
    """
    version = metadata.version("vl-convert-python")
    cached = user_cache_dir() / f"vega-bundle-{version}-{_SNIPPET_VERSION}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    bundle = _bundle()
    for url in _UNUSED_URLS:
        bundle = bundle.replace(url, "")
    write_cached(cached, bundle)  # if it cannot be written: bundled again next time
    return bundle


def chart_script() -> str:
    """charts.js with the Dutch number locale, the shared chart config and the bundle's
    file name put in."""
    text = (STATIC / "charts.js").read_text(encoding="utf-8")
    config = json.dumps(chart_config(), ensure_ascii=False, sort_keys=True)
    return (
        text.replace("__LOCALE__", json.dumps(D3_LOCALE, ensure_ascii=False))
        .replace("__CONFIG__", config)
        .replace("__BUNDLE__", json.dumps(f"./{VEGA_FILE}"))
    )


def site_assets() -> dict[str, str]:
    """File name -> text of every asset under assets/wijkmonitor/.

    Pages load only charts.js (and the CSS); charts.js imports the bundle itself.
    """
    return {
        VEGA_FILE: COMPILE_HINT + vega_bundle(),
        "charts.js": chart_script(),
        # The filter boxes of the lists of regions (page_levels.py): small, on every page.
        "filter.js": (STATIC / "filter.js").read_text(encoding="utf-8"),
        "wijkmonitor.css": (STATIC / "wijkmonitor.css").read_text(encoding="utf-8"),
    }


def theme_overrides() -> Path:
    """Template overrides every build uses (a sitemap without build dates)."""
    return STATIC / "overrides"
