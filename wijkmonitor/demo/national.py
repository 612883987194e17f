"""A seeded synthetic monitor of national size, shared by the benchmarks and slow tests.

Regions follow CBS's shape: ``n_gemeenten`` gemeenten, wijken and buurten with
CBS-style codes (GM0001, WK000101, BU00010101). Every region gets figures for every
variable and year (CBS publishes all levels), and each indicator is a share of two
variables, so the monitor exercises the whole computation: pivot, deviation from the
gemeente and the changes. Synthetic: labelled so in monitor.yml.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

INDICATOR = """\
id: {id}
title: Synthetische indicator {n}
theme: synthetisch
definition: Synthetisch aandeel voor het meten van snelheid.
direction: {direction}
unit: "%"
formula:
  kind: share
  numerator: teller_{n}
  denominator: noemer_{d}
comparison:
  kind: ratio
source: synthetisch (benchmark)
measurement_moment:
  kind: peilmoment
  date: 1 januari
min_denominator: 20
"""


def _children(rng: np.random.Generator, n_parents: int, n_children: int) -> np.ndarray:
    """Parent position of each child, sorted; every parent gets one when there are enough."""
    parent = rng.integers(0, n_parents, n_children)
    if n_children >= n_parents:
        parent[:n_parents] = np.arange(n_parents)
    return np.sort(parent)


def _codes(prefix: str, parent_digits: pd.Series, parent: np.ndarray, width: int) -> pd.Series:
    """CBS-style codes: prefix + the parent's digits + a sequence number within the parent."""
    sequence = pd.Series(parent).groupby(parent).cumcount() + 1
    digits = parent_digits.iloc[parent].reset_index(drop=True)
    return prefix + digits + sequence.astype(str).str.zfill(width)


def regions(n_gemeenten: int, n_wijken: int, n_buurten: int, seed: int) -> pd.DataFrame:
    """Base regions with CBS-style codes; wijken and buurten spread over their parents."""
    rng = np.random.default_rng(seed)
    gm_digits = pd.Series(np.arange(1, n_gemeenten + 1)).astype(str).str.zfill(4)
    gm_codes = "GM" + gm_digits
    wk_parent = _children(rng, n_gemeenten, n_wijken)
    wk_codes = _codes("WK", gm_digits, wk_parent, 2)
    bu_parent = _children(rng, n_wijken, n_buurten)
    bu_codes = _codes("BU", wk_codes.str[2:], bu_parent, 2)
    return pd.DataFrame(
        {
            "code": pd.concat([gm_codes, wk_codes, bu_codes], ignore_index=True),
            "name": pd.concat(
                ["Gemeente " + gm_digits, "Wijk " + wk_codes, "Buurt " + bu_codes],
                ignore_index=True,
            ),
            "level": ["gemeente"] * n_gemeenten + ["wijk"] * n_wijken + ["buurt"] * n_buurten,
            "parent": pd.concat(
                [
                    pd.Series([""] * n_gemeenten),
                    gm_codes.iloc[wk_parent].reset_index(drop=True),
                    wk_codes.iloc[bu_parent].reset_index(drop=True),
                ],
                ignore_index=True,
            ),
        }
    )


def write_monitor(
    root: Path,
    *,
    n_gemeenten: int = 355,
    n_wijken: int = 3300,
    n_buurten: int = 14000,
    n_indicators: int = 40,
    years: range = range(2014, 2024),
    seed: int = 1,
    focus_areas: int = 0,
    area_pages: Sequence[str] = (),
    site_config: Path | None = None,
) -> Path:
    """Write the monitor: regions, tidy data, indicators. ``focus_areas`` declares that many
    wijken as focus areas (composites of their buurten) for site-scale benchmarks;
    ``area_pages`` the levels whose every region gets a page (settings.area_pages);
    ``site_config`` a mkdocs.yml whose settings the monitor takes, without its ``nav``
    (the pages it lists are that site's own)."""
    rng = np.random.default_rng(seed)
    (root / "indicators").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    settings = f"settings:\n  area_pages: [{', '.join(area_pages)}]\n" if area_pages else ""
    (root / "monitor.yml").write_text(
        "title: Synthetische landelijke monitor\nsynthetic: true\n" + settings, encoding="utf-8"
    )
    if site_config is not None:
        config = yaml.safe_load(site_config.read_text(encoding="utf-8"))
        config.pop("nav", None)
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "indicators/themes.yml").write_text(
        "- id: synthetisch\n  title: Synthetisch\n", encoding="utf-8"
    )
    n_denominators = max(1, n_indicators // 8)
    for n in range(n_indicators):
        text = INDICATOR.format(
            id=f"indicator_{n:02d}",
            n=n,
            d=n % n_denominators,
            direction="lower_is_better" if n % 2 else "higher_is_better",
        )
        (root / f"indicators/indicator_{n:02d}.yml").write_text(text, encoding="utf-8")
    base = regions(n_gemeenten, n_wijken, n_buurten, seed)
    base.to_csv(root / "data/regions.csv", index=False, lineterminator="\n")

    # Buurt counts; wijk and gemeente counts are sums, as in CBS's tables.
    # The finest level carries the counts; the levels above are their sums.
    finest = "buurt" if n_buurten else "wijk"
    buurten = base[(base["level"] == finest).to_numpy()]
    parent_of = pd.Series(base["parent"].to_numpy(), index=base["code"])
    wijk_of = buurten["parent"].to_numpy() if n_buurten else buurten["code"].to_numpy()
    gemeente_of = parent_of.reindex(wijk_of)
    size = rng.lognormal(6.5, 1.0, len(buurten)).round() + 5
    share = rng.beta(2, 12, (n_indicators, len(buurten)))
    frames = []
    for y, year in enumerate(years):
        drift = 1 + 0.01 * y
        denominators = {d: rng.poisson(size * drift * (1 + 0.1 * d)) for d in range(n_denominators)}
        columns = {f"noemer_{d}": v for d, v in denominators.items()}
        for n in range(n_indicators):
            p = np.clip(share[n] * (1 - 0.01 * y), 0, 1)
            columns[f"teller_{n}"] = rng.binomial(denominators[n % n_denominators], p)
        counts = pd.DataFrame(columns, index=buurten["code"].to_numpy())
        gemeente = counts.groupby(gemeente_of.to_numpy()).sum()
        levels = [gemeente, counts.groupby(wijk_of).sum()] + ([counts] if n_buurten else [])
        allrows = pd.concat(levels)
        long = allrows.stack().rename("value").reset_index()
        long.columns = ["region", "variable", "value"]
        long.insert(1, "period", year)
        frames.append(long)
    data = pd.concat(frames, ignore_index=True)
    data.to_csv(root / "data/synthetic.csv", index=False, lineterminator="\n")

    if focus_areas:
        wijken = base[base["level"] == "wijk"]["code"].to_numpy()[:focus_areas]
        lines = ["areas:"]
        for code in wijken:
            lines += [
                f"  - id: focus-{code.lower()}",
                f"    name: Focusgebied {code}",
                "    kind: focus_area",
                f"    members: [{code}]",
            ]
        (root / "areas.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
