"""Pages and lists for every region of a level (settings.area_pages, issue 12).

A level's index page (/wijk/, /buurt/, /pc4/) lists its regions with a filter box
(static/filter.js narrows the table as one types; without JavaScript the whole list
shows). A gemeente page lists its wijken and a wijk page its buurten, each with a few
headline figures: p in the latest period of the first indicators, looked up in the
site data (no computation here), so a list costs one line per child.
"""

from __future__ import annotations

from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page, esc, link, table
from wijkmonitor.website.sitedata import SiteData

# How many indicators a list of children shows as headline figures: enough to compare
# at a glance, few enough to keep a list of hundreds of wijken light.
HEADLINE_INDICATORS = 3

LEVEL_WORDS = {
    "wijk": ("Wijk", "Wijken"),
    "buurt": ("Buurt", "Buurten"),
    "pc4": ("Postcodegebied", "Postcodegebieden"),
}


def level_word(site: SiteData, code: str) -> str:
    """What the region is, for the first sentence of its page."""
    return LEVEL_WORDS.get(site.level.get(code, ""), ("Aandachtswijk", ""))[0]


# The region in a sentence about its figures ("hoeveel procent de buurt boven ... ligt").
LEVEL_NOUNS = {"buurt": "de buurt", "pc4": "het postcodegebied"}


def level_noun(site: SiteData, code: str) -> str:
    """The region with its article, for sentences on its page; a wijk or focus area is
    "de wijk"."""
    return LEVEL_NOUNS.get(site.level.get(code, ""), "de wijk")


def filter_table(
    list_id: str, label: str, headers: list[str], rows: list[list[str]], align: str
) -> str:
    """A table with a labelled filter box above it and a live count of the shown rows."""
    count = f"{len(rows)} van {len(rows)}"
    box = (
        f'<div class="wm-filter" data-filter-list="{list_id}">\n'
        f'<label for="{list_id}-filter">{esc(label)}</label>\n'
        f'<input type="search" id="{list_id}-filter" autocomplete="off" '
        f'aria-controls="{list_id}">\n'
        f'<p id="{list_id}-count" aria-live="polite">{count}</p>\n</div>\n\n'
    )
    return box + f'<div id="{list_id}">\n\n' + table(headers, rows, align) + "\n</div>\n"


def _headline(site: SiteData) -> list:
    return list(site.indicators.values())[:HEADLINE_INDICATORS]


def _latest_p(site: SiteData, code: str, indicator) -> str:
    rows = site.series.get(code, {}).get(indicator.id)
    if not rows:
        return "."
    last = rows[-1]
    return fig.p_cell(site, last.deviation, last.deviation_status, indicator)


def children_section(site: SiteData, page: str, code: str) -> str:
    """The paged children of a gemeente (its wijken) or a wijk (its buurten), if any."""
    kids = site.children.get(code, [])
    if not kids:
        return ""
    by_level: dict[str, list[str]] = {}
    for kid in kids:
        by_level.setdefault(site.level.get(kid, ""), []).append(kid)
    inds = _headline(site)
    parts = []
    for level, codes in by_level.items():
        plural = LEVEL_WORDS.get(level, ("", "Gebieden"))[1]
        rows = [
            [link(site.region_name(c), page, site.page_of(c)), esc(c)]
            + [_latest_p(site, c, i) for i in inds]
            for c in codes
        ]
        headers = [LEVEL_WORDS.get(level, ("Gebied",))[0], "Code"]
        headers += [f"p {esc(i.title)}" for i in inds]
        parts.append(
            f"## {esc(plural)}\n\nDe afwijking p in de laatste meting van de eerste "
            f"indicatoren; elke {esc(LEVEL_WORDS.get(level, ('gebied',))[0].lower())} "
            "heeft een eigen pagina.\n\n"
            + filter_table(
                f"lijst-{level}",
                f"Zoek een {headers[0].lower()}",
                headers,
                rows,
                "ll" + "r" * len(inds),
            )
        )
    return "\n".join(parts)


def level_list(site: SiteData, page: str, level: str) -> str:
    """The filterable list of every region of a level with its gemeente."""
    codes = site.paged.get(level, [])
    rows = [
        [
            link(site.region_name(c), page, site.page_of(c)),
            esc(c),
            esc(site.region_name(site.gemeente_of(c))),
        ]
        for c in codes
    ]
    word = LEVEL_WORDS[level][0]
    return filter_table(
        f"index-{level}",
        f"Zoek een {word.lower()} of gemeente",
        [word, "Code", "Gemeente"],
        rows,
        "lll",
    )


def level_index(site: SiteData, level: str) -> Page:
    """/buurt/ or /pc4/: every region of the level (the wijken are listed on /wijk/)."""
    page = addr.level_index(level)
    title = LEVEL_WORDS[level][1]
    body = (
        level_list(site, page, level)
        if site.paged.get(level)
        else f"Deze monitor heeft geen {title.lower()}."
    )
    markdown = layout.page_markdown(site, page, title, body, figures=False)
    return Page(page, title, markdown, search="text", in_nav=False)
