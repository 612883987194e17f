"""A seeded synthetic monitor of national size, shared by the benchmarks and slow tests.

Regions follow CBS's shape: ``n_gemeenten`` gemeenten, wijken and buurten with
CBS-style codes (GM0001, WK000101, BU00010101). Every region gets figures for every
variable and year (CBS publishes all levels), and each indicator is a share of two
variables, so the monitor exercises the whole computation: pivot, deviation from the
gemeente and the changes. Synthetic: labelled so in monitor.yml.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

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


def regions(n_gemeenten: int, n_wijken: int, n_buurten: int, seed: int) -> pd.DataFrame:
    """Base regions with CBS-style codes; wijken and buurten spread over their parents."""
    rng = np.random.default_rng(seed)
    gm = np.arange(1, n_gemeenten + 1)
    gm_codes = np.char.add("GM", np.char.zfill(gm.astype(str), 4))
    wk_parent = np.sort(rng.integers(0, n_gemeenten, n_wijken))
    wk_parent[:n_gemeenten] = np.arange(n_gemeenten)  # every gemeente has a wijk
    wk_parent = np.sort(wk_parent)
    wk_seq = pd.Series(wk_parent).groupby(wk_parent).cumcount().to_numpy() + 1
    wk_codes = np.char.add(
        np.char.add("WK", np.char.zfill(gm[wk_parent].astype(str), 4)),
        np.char.zfill(wk_seq.astype(str), 2),
    )
    bu_parent = np.sort(rng.integers(0, n_wijken, n_buurten))
    bu_parent[:n_wijken] = np.arange(n_wijken)
    bu_parent = np.sort(bu_parent)
    bu_seq = pd.Series(bu_parent).groupby(bu_parent).cumcount().to_numpy() + 1
    bu_codes = np.char.add(
        np.char.add("BU", np.char.replace(wk_codes[bu_parent], "WK", "")),
        np.char.zfill((bu_seq % 100).astype(str), 2),
    )
    bu_codes = np.char.add(bu_codes, np.char.zfill((bu_seq // 100).astype(str), 1))
    return pd.DataFrame(
        {
            "code": np.concatenate([gm_codes, wk_codes, bu_codes]),
            "name": np.concatenate(
                [
                    np.char.add("Gemeente ", gm.astype(str)),
                    np.char.add("Wijk ", wk_codes),
                    np.char.add("Buurt ", bu_codes),
                ]
            ),
            "level": ["gemeente"] * n_gemeenten + ["wijk"] * n_wijken + ["buurt"] * n_buurten,
            "parent": np.concatenate(
                [[""] * n_gemeenten, gm_codes[wk_parent], wk_codes[bu_parent]]
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
) -> Path:
    """Write the monitor: regions, tidy data, indicators. ``focus_areas`` declares that many
    wijken as focus areas (composites of their buurten) for site-scale benchmarks."""
    rng = np.random.default_rng(seed)
    (root / "indicators").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "monitor.yml").write_text(
        "title: Synthetische landelijke monitor\nsynthetic: true\n", encoding="utf-8"
    )
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
    is_buurt = (base["level"] == "buurt").to_numpy()
    buurten = base[is_buurt]
    wijk_of = buurten["parent"].to_numpy()
    gemeente_of = pd.Series(base["parent"].to_numpy(), index=base["code"]).reindex(wijk_of)
    n_years = len(years)
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
        wijk = counts.groupby(wijk_of).sum()
        gemeente = counts.groupby(gemeente_of.to_numpy()).sum()
        allrows = pd.concat([gemeente, wijk, counts])
        long = allrows.stack().rename("value").reset_index()
        long.columns = ["region", "variable", "value"]
        long.insert(1, "period", year)
        frames.append(long)
    data = pd.concat(frames, ignore_index=True)
    data.to_csv(root / "data/synthetic.csv", index=False, lineterminator="\n")
    del n_years

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
