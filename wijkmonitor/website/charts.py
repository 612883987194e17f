"""Vega-Lite chart specs, made from templates defined once with altair (chart_templates.py).

A national monitor has thousands of pages; building an altair object per chart
would dominate the build. Each template is an altair chart turned into a dict once;
a chart is that dict with its data, title, description and height swapped in at
the top level (no deep copies). Fields the templates read:

- ``label``: category on the axis (indicator, year or area), ``order``: its position;
- ``p``: the deviation from the reference; ``positie``: gunstig | ongunstig | neutraal;
- ``meting``: nulmeting | laatste meting (theme diagram); ``tekst``: formatted p for tooltips.

Colour never carries the meaning alone: every bar is labelled with a sign (▲ gunstig,
▼ ongunstig, ● beschrijvend) and its p, the legend shows the same signs, and the green
and orange are a bluish green and an orange that differ in lightness as well as hue, so
readers with a red-green colour vision deficiency tell them apart. Vega's own ARIA
output is off: the chart container is one image with a text alternative (markup.figure).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wijkmonitor.core.significance import VERDICT_LABELS, VERDICTS
from wijkmonitor.website.markup import Serialized, json_text
from wijkmonitor.website.page_keys import code_key, digest
from wijkmonitor.website.user_cache import user_cache_dir, write_cached

# Bluish green 6.3:1 and orange 3.2:1 against white, 2:1 against each other.
GREEN, ORANGE, GREY = "#006d57", "#d97800", "#8c8c8c"
POSITION_DOMAIN = ["gunstig", "ongunstig", "neutraal"]
# The sign of a position, as a Vega expression (texts.POSITION_SYMBOLS in Python).
SIGN = "datum.positie === 'gunstig' ? '▲' : datum.positie === 'ongunstig' ? '▼' : '●'"
LEGEND_LABELS = (
    "datum.label === 'gunstig' ? '▲ gunstig' : datum.label === 'ongunstig' ? '▼ ongunstig' "
    ": '● beschrijvend'"
)
MEETING_DOMAIN = ["nulmeting", "laatste meting"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

Spec = dict[str, Any]

# Vega expressions evaluated in the browser, for the width of the page the chart is on:
# on a phone, titles, labels and legends take what the chart has, never more.
NARROW = "containerSize()[0] < 600"
FIT_WIDTH = {"expr": "max(containerSize()[0] - 8, 120)"}


# The spine chart's verdicts (core/significance.py): favourable green and unfavourable
# orange as everywhere on the site, a descriptive difference grey, and a white or light
# mark for no difference and no comparison; every verdict has its own shape as well
# (triangles up and down as the site's ▲ and ▼, a circle, a diamond).
SPINE_DOMAIN = [VERDICT_LABELS[v] for v in VERDICTS]
_SPINE_STYLE = {
    "better": (GREEN, "triangle-up"),
    "similar": ("#ffffff", "circle"),
    "worse": (ORANGE, "triangle-down"),
    "higher": (GREY, "triangle-up"),
    "lower": (GREY, "triangle-down"),
    "not_compared": ("#d9d9d9", "diamond"),
}
SPINE_COLOURS = [_SPINE_STYLE[v][0] for v in VERDICTS]
SPINE_SHAPES = [_SPINE_STYLE[v][1] for v in VERDICTS]
# Room for the indicator names beside the rows (pixels); a phone keeps most of its width
# for the rows, and the table under the chart has every name in full.
SPINE_LABEL_LIMIT = {"expr": f"{NARROW} ? 120 : 300"}
SPINE_ROW_HEIGHT = 24


# The templates are made with altair (chart_templates.py): importing it and making them
# cost a build 0.35-0.65 s. They depend on nothing but the code, so they are kept in the
# user's cache (user_cache.py), in a file named by page_keys.code_key (wijkmonitor's own
# files, every plugin's, the libraries' versions) and checked by a digest of its text;
# a file that is missing, unreadable or fails the check is made again.
TEMPLATE_NAMES = ("config", "theme", "yearly", "areas", "spine")


@functools.cache
def templates() -> dict[str, Serialized]:
    """Every chart template by name, and the shared config (``"config"``): from the user's
    cache, or made (and cached). Once per process: forked page writers share them."""
    path = user_cache_dir() / f"chart-templates-{code_key()[:32]}.json"
    specs = _read_templates(path)
    if specs is None:
        from wijkmonitor.website import chart_templates

        text = json_text(chart_templates.make())
        write_cached(path, json_text({"templates": text, "digest": digest(text)}))
        specs = json.loads(text)  # as a cached build reads them: the same bytes follow
    return {name: _serialized(spec) for name, spec in specs.items()}


def _read_templates(path: Path) -> dict[str, Spec] | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        text = stored["templates"]
        if digest(text) != stored["digest"]:
            return None
        specs = json.loads(text)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(specs, dict) or sorted(specs) != sorted(TEMPLATE_NAMES):
        return None
    return specs if all(isinstance(spec, dict) for spec in specs.values()) else None


def _serialized(spec: Spec) -> Serialized:
    # A national site fills each template some 17,000 times, and serializing its layers,
    # encodings and scales was most of the JSON: its values are serialized once, here.
    template = Serialized(spec)
    template.known = {key: (value, json_text(value)) for key, value in spec.items()}
    return template


def make_templates() -> None:
    """Have every chart template now, before page writers fork."""
    templates()


def chart_config() -> Spec:
    """The Vega-Lite config of every chart (fonts, axes, titles, legend; no ARIA)."""
    return dict(templates()["config"])


def theme_template() -> Serialized:
    """Theme diagram: per indicator two horizontal bars of p, baseline and latest."""
    return templates()["theme"]


def yearly_template() -> Serialized:
    """Yearly bars of p for one area and indicator."""
    return templates()["yearly"]


def areas_template() -> Serialized:
    """Horizontal bars of p, one per area, in the order of ``order``."""
    return templates()["areas"]


def spine_template() -> Serialized:
    """Spine chart: per indicator the spread over comparable areas, the reference on the
    centre line and the area as a mark of its verdict (chart_templates.spine)."""
    return templates()["spine"]


def _fill(
    template: Serialized,
    rows: Sequence[dict],
    title: str,
    subtitle: str,
    description: str,
    height: int | None = None,
) -> Spec:
    spec = Serialized(template)
    spec.known = template.known
    spec["data"] = {"values": list(rows)}
    spec["description"] = description
    # One clause a line ("afwijking van X in %", "0 = gelijk aan X"): short enough for a
    # phone's width, where a longer line would be cut.
    spec["title"] = {"text": title, "subtitle": [part for part in subtitle.split("; ") if part]}
    if height is not None:
        spec["height"] = height
    return spec


def theme_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    n = len({r["label"] for r in rows})
    return _fill(theme_template(), rows, title, subtitle, description, height=max(60, 34 * n))


def yearly_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    return _fill(yearly_template(), rows, title, subtitle, description)


def areas_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    return _fill(
        areas_template(), rows, title, subtitle, description, height=max(60, 18 * len(rows))
    )


def spine_chart(
    rows: Sequence[dict], title: str, subtitle: Sequence[str], description: str
) -> Spec:
    """A spine chart; ``subtitle`` is a few short lines (they fit a phone's width)."""
    n = len({r["label"] for r in rows})
    spec = _fill(spine_template(), rows, title, "", description, height=SPINE_ROW_HEIGHT * n)
    # A long name is cut short with an ellipsis rather than clipped by a narrow page.
    spec["title"] = {
        "text": title,
        "subtitle": list(subtitle),
        "limit": {"expr": "containerSize()[0] - 8"},
    }
    return spec
