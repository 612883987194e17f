"""The site's own static files: CSS, the chart script and one copy of Vega/Vega-Lite/vega-embed.

Nothing is loaded from another host: the JavaScript libraries come from vl-convert's
bundle (the same versions altair's specs are written for) and are written into the
site once.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import vl_convert

from wijkmonitor.website.numbers import D3_LOCALE

STATIC = Path(__file__).parent / "static"
# Strings in the bundle that name a host but are never fetched: the editor of the
# "open in editor" action (disabled), a schema identifier and an issue link in a message.
# Blanked so the site holds no address of another host.
_UNUSED_URLS = (
    "https://vega.github.io/editor/",
    "https://vega.github.io/schema/vega/v6.json",
    "https://github.com/vega/vega-lite/issues/2415",
)


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one ES module that sets window.vegaEmbed."""
    bundle = vl_convert.javascript_bundle()
    for url in _UNUSED_URLS:
        bundle = bundle.replace(url, "")
    return bundle


def chart_script() -> str:
    text = (STATIC / "charts.js").read_text(encoding="utf-8")
    return text.replace("__LOCALE__", json.dumps(D3_LOCALE, ensure_ascii=False))


def site_assets() -> dict[str, str]:
    """File name -> text of every asset under assets/wijkmonitor/."""
    return {
        "vega.js": vega_bundle(),
        "charts.js": chart_script(),
        "wijkmonitor.css": (STATIC / "wijkmonitor.css").read_text(encoding="utf-8"),
    }


def theme_overrides() -> Path:
    """Template overrides every build uses (a sitemap without build dates)."""
    return STATIC / "overrides"
