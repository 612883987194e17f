"""The G4 example monitor on real geography: seeded synthetic figures for real regions.

Regions are every wijk and buurt of Amsterdam, Rotterdam, 's-Gravenhage and Utrecht with
their real 2014 CBS codes and names, read from the boundary files in ``examples/geo/``
(origin and licence in its README.md). The figures are SYNTHETIC: counts per buurt and
year drawn from a seeded generator with a wijk-level effect plus buurt noise, so maps show
plausible spatial structure. Some buurten are small, so their shares fall under the
indicators' ``min_denominator`` (methods §6), and a few cells are secret (``x``).

By default only buurten carry figures: wijken and gemeenten are derived from their
buurten by the engine ("derived parents", methods §8). ``--with-parents`` also writes
wijk and gemeente rows as the sums of their buurten (and the inwoners-weighted mean of the
score), the way CBS publishes every level, for engines without derived parents.

    python -m wijkmonitor.demo.g4 examples/g4 [--with-parents]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

G4 = ("GM0363", "GM0599", "GM0518", "GM0344")
YEARS = range(2016, 2021)
# Buurten of the 2014 file whose wijk is not in the 2014 wijk file (left out).
ORPHANS = ("BU05992540",)
SEED = 2014
# The boundary files relative to a monitor directory in examples/ (examples/geo/README.md).
GEO = Path(__file__).resolve().parents[2] / "examples" / "geo"

# (variable, its denominator variable or None, mean share, spread of the wijk effect)
# Shares are drawn per buurt around a wijk effect on the logit scale.
SHARES = (
    ("sociale_huurwoningen", "woningen", 0.42, 0.9),
    ("meergezinswoningen", "woningen", 0.70, 1.0),
    ("ww_ontvangers", "potentiele_beroepsbevolking", 0.035, 0.5),
    ("bijstandsontvangers", "potentiele_beroepsbevolking", 0.06, 0.8),
    ("huishoudens_laag_inkomen", "huishoudens_met_inkomen", 0.45, 0.6),
    ("wanbetalers_zorgverzekering", "verzekerden_18_plus", 0.05, 0.7),
)
# Denominators as multiples of a buurt's inwoners.
BASES = {
    "woningen": 0.48,
    "potentiele_beroepsbevolking": 0.70,
    "huishoudens_met_inkomen": 0.47,
    "verzekerden_18_plus": 0.80,
}


def _geometries(name: str) -> pd.DataFrame:
    data = json.loads((GEO / name).read_text(encoding="utf-8"))
    props = [g["properties"] for g in data["objects"]["layer"]["geometries"]]
    return pd.DataFrame(props)[["statcode", "statnaam"]].rename(
        columns={"statcode": "code", "statnaam": "name"}
    )


def regions() -> pd.DataFrame:
    """Gemeenten, wijken and buurten of the G4 with real 2014 codes and names; parents
    follow from the codes (BUggggwwbb -> WKggggww -> GMgggg, examples/geo/README.md)."""
    digits = [code[2:] for code in G4]
    gemeenten = _geometries("gemeenten_2015.topojson")
    gemeenten = gemeenten[gemeenten["code"].isin(G4)].assign(level="gemeente", parent="")
    wijken = _geometries("wijken_2014.topojson")
    wijken = wijken[wijken["code"].str[2:6].isin(digits)]
    wijken = wijken.assign(level="wijk", parent="GM" + wijken["code"].str[2:6])
    buurten = _geometries("buurten_2014.topojson")
    buurten = buurten[buurten["code"].str[2:6].isin(digits)]
    buurten = buurten.assign(level="buurt", parent="WK" + buurten["code"].str[2:8])
    # Every buurt's wijk must be in the wijk file. One is not: BU05992540 (Rivium), whose
    # wijk WK059925 has no shape in wijken_2014.topojson; a buurt without its wijk would
    # make regions.csv invalid, so such buurten are left out (ORPHANS, tested).
    orphans = ~buurten["parent"].isin(wijken["code"])
    if set(buurten.loc[orphans, "code"]) != set(ORPHANS):
        raise ValueError(f"buurten without their wijk: {sorted(buurten.loc[orphans, 'code'])}")
    buurten = buurten[~orphans]
    if len(gemeenten) != len(G4):
        raise ValueError("a G4 gemeente is missing from gemeenten_2015.topojson")
    out = pd.concat(
        [gemeenten.sort_values("code"), wijken.sort_values("code"), buurten.sort_values("code")]
    )
    return out[["code", "name", "level", "parent"]].reset_index(drop=True)


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def buurt_counts(base: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Tidy rows (region, period, variable, value, status) for every buurt and year."""
    rng = np.random.default_rng(seed)
    buurten = base[base["level"] == "buurt"].reset_index(drop=True)
    wijk_codes, wijk_of = np.unique(buurten["parent"].to_numpy(), return_inverse=True)
    n, n_wijken = len(buurten), len(wijk_codes)
    # Buurt sizes: mostly 500-5,000 inwoners, about one in twelve tiny (industrial
    # estates, parks) so its shares fall under min_denominator.
    inwoners = rng.lognormal(7.3, 0.8, n)
    tiny = rng.random(n) < 0.08
    inwoners[tiny] = rng.integers(5, 120, tiny.sum())
    # A wijk's deprivation moves all its shares together (plus one effect per variable).
    deprivation = rng.normal(0, 1, n_wijken)
    columns: dict[str, list[np.ndarray]] = {}
    for y, _year in enumerate(YEARS):
        size = rng.poisson(inwoners * (1 + 0.008 * y))
        year_cols = {"inwoners": size}
        for var, factor in BASES.items():
            year_cols[var] = rng.binomial(size, factor)
        for var, denominator, mean, spread in SHARES:
            if y == 0:
                effect = spread * (0.7 * deprivation + 0.3 * rng.normal(0, 1, n_wijken))
                columns.setdefault(f"_{var}_logit", []).append(
                    _logit(mean) + effect[wijk_of] + rng.normal(0, 0.35, n)
                )
            logit = columns[f"_{var}_logit"][0] - 0.03 * y
            year_cols[var] = rng.binomial(year_cols[denominator], 1 / (1 + np.exp(-logit)))
        # Leefbaarometer score 1-7: higher where deprivation is lower.
        score = 4.6 - 0.5 * deprivation[wijk_of] + rng.normal(0, 0.25, n) + 0.02 * y
        year_cols["leefbaarheidsscore"] = np.clip(score, 1, 7).round(2)
        for var, values in year_cols.items():
            columns.setdefault(var, []).append(values)
    frames = []
    for y, year in enumerate(YEARS):
        wide = pd.DataFrame(
            {var: values[y] for var, values in columns.items() if not var.startswith("_")},
            index=buurten["code"].to_numpy(),
        )
        long = wide.stack().rename("value").reset_index()
        long.columns = ["region", "variable", "value"]
        long.insert(1, "period", year)
        frames.append(long)
    data = pd.concat(frames, ignore_index=True)
    data["status"] = ""
    # A few secret cells (x), as CBS marks figures it may not publish.
    secret = rng.choice(len(data), 12, replace=False)
    data.loc[secret, "status"] = "x"
    return data


def with_parents(base: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """Add wijk and gemeente rows: counts summed, the score weighted by inwoners. A
    parent with a secret child gets ``x`` for that variable and period (never a partial
    sum); its true total is withheld like CBS's secondary suppression."""
    parent_of = pd.Series(base["parent"].to_numpy(), index=base["code"])
    out = [data]
    child = data
    for _level in ("wijk", "gemeente"):
        child = child.assign(parent=parent_of.reindex(child["region"]).to_numpy())
        weights = child[child["variable"] == "inwoners"][["region", "period", "value"]]
        child = child.merge(
            weights.rename(columns={"value": "_w"}), on=["region", "period"], how="left"
        )
        is_score = child["variable"] == "leefbaarheidsscore"
        child["_sum"] = np.where(is_score, child["value"] * child["_w"], child["value"])
        child["_x"] = child["status"] == "x"
        keys = ["parent", "period", "variable"]
        grouped = child.groupby(keys, sort=True).agg(value=("_sum", "sum"), secret=("_x", "any"))
        weight = child[~is_score].groupby(keys)["value"].sum()
        totals = weight.xs("inwoners", level="variable").rename("_total")
        grouped = grouped.reset_index().merge(totals.reset_index(), on=["parent", "period"])
        score = grouped["variable"] == "leefbaarheidsscore"
        grouped.loc[score, "value"] = (grouped["value"] / grouped["_total"])[score].round(2)
        grouped["status"] = np.where(grouped["secret"], "x", "")
        parents = grouped.rename(columns={"parent": "region"})[
            ["region", "period", "variable", "value", "status"]
        ]
        out.append(parents)
        child = parents
    return pd.concat(out[1:][::-1] + [data], ignore_index=True)


def _value_column(data: pd.DataFrame) -> pd.Series:
    """Counts as integers, the score with two decimals, secret cells empty."""
    score = data["variable"] == "leefbaarheidsscore"
    text = data["value"].round().astype("int64").astype(str)
    text[score] = data.loc[score, "value"].map("{:.2f}".format)
    text[data["status"] == "x"] = ""
    return text


def write_data(root: Path, *, parents: bool = False, seed: int = SEED) -> None:
    """Write data/regions.csv and data/g4_synthetisch.csv into the monitor directory."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    base = regions()
    base.to_csv(root / "data/regions.csv", index=False, lineterminator="\n")
    data = buurt_counts(base, seed)
    if parents:
        data = with_parents(base, data)
    data = data.assign(value=_value_column(data))
    data.to_csv(root / "data/g4_synthetisch.csv", index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="the monitor directory (examples/g4)")
    parser.add_argument(
        "--with-parents",
        action="store_true",
        help="also write wijk and gemeente rows as sums of their buurten",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write_data(args.directory, parents=args.with_parents, seed=args.seed)


if __name__ == "__main__":
    main()
