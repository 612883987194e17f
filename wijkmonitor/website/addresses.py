"""Where every page and download of the site lives (its path in the docs tree).

The one place that knows the site's URL layout: pages, plugins and the build ask here.
"""

from __future__ import annotations

from wijkmonitor.core.model import Indicator
from wijkmonitor.website.markup import link

HOME = "index.md"
THEMES = "thema/index.md"
AREAS = "wijk/index.md"
GEMEENTEN = "gemeente/index.md"
INDICATORS = "indicator/index.md"
DEFINITIONS = "definities/index.md"
DOWNLOADS = "downloads/index.md"
GLOSSARY = "begrippen/index.md"
RESULTS_CSV = "downloads/results.csv"
CHANGES_CSV = "downloads/changes.csv"
INDICATORS_JSON = "downloads/indicators.json"


def download(name: str) -> str:
    """A file under /downloads/ (the build's own or a plugin's)."""
    return f"downloads/{name}"


def map_shapes(level: str) -> str:
    """The TopoJSON of one level's shapes, written once; every map refers to it by URL."""
    return f"kaart/{level}.topojson"


def theme_page(theme_id: str) -> str:
    return f"thema/{theme_id}/index.md"


def area_page(code: str) -> str:
    return f"wijk/{code}/index.md"


# The base levels whose regions get a page of their own (settings.area_pages), each
# with an index page; a base wijk shares /wijk/ with the focus areas (the loader refuses
# an area id that is also a code, in any case: core/regions.py).
LEVEL_FOLDERS = {"wijk": "wijk", "buurt": "buurt", "pc4": "pc4"}


def region_page(level: str, code: str) -> str:
    """The page of a focus area (any composite) or a base region of a paged level."""
    return f"{LEVEL_FOLDERS.get(level, 'wijk')}/{code}/index.md"


def level_index(level: str) -> str:
    """The index page of one level's regions (/wijk/ is also the focus areas' index)."""
    return f"{LEVEL_FOLDERS[level]}/index.md"


def gemeente_page(code: str) -> str:
    return f"gemeente/{code}/index.md"


def indicator_page(ind_id: str) -> str:
    return f"indicator/{ind_id}/index.md"


def profile_pdf(code: str) -> str:
    """The printable profile of an area (built only when asked: ``build --pdf``)."""
    return f"downloads/profiel/{code}.pdf"


def yaml_copy(ind_id: str) -> str:
    return f"definities/yaml/{ind_id}.yml"


def indicator_link(page: str, indicator: Indicator) -> str:
    return link(indicator.title, page, indicator_page(indicator.id))
