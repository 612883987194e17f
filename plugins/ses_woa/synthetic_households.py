"""SYNTHETIC household file for the SES-WOA demo: made up, seeded, reproducible.

Part of the SES-WOA plugin (``wijkmonitor ses-woa synthetic`` writes it), so that the
plugin with its data generator can be left out or replaced as a whole.

Nothing here is real data. The generator places a sample of private households in the
regions of a monitor's ``data/regions.csv`` for the years 2014-2019, with the three
categorical variables the SES-WOA score uses (see
:mod:`wijkmonitor.plugins.ses_woa.households`). It exists so that the demo monitor can
show the SES-WOA indicators end to end; its figures say nothing about any real area.

The model, deliberately simple:

- every household has a latent socio-economic position z ~ N(mu, sd) of its region and
  year; the three variables are noisy, discretised readings of z: welfare decile
  (national deciles of z + noise), education level 1-5 (z + noise cut at fixed national
  shares) and labour history 1-7 (pensioners 6 and students 7 drawn at random,
  self-employed 4 partly at random, the others 1 long-term benefit < 2 short-term
  benefit < 3 flexible work < 5 permanent work by z + noise);
- each gemeente gets its own level mu (drawn once); each small region (a PC4 or buurt:
  in the default monitor these are the PC4s of the aandachtswijken) lies 0.5-1.1 below
  its gemeente, with its own spread (0.75-1.15 x) and its own trend, so some catch up
  and others fall behind; everything improves slowly (+0.02 a year);
- households "in the rest of the gemeente" carry the gemeente code; their number is
  twice the sample in the gemeente's small regions (at least 1 500), so the gemeente's
  mean is not dominated by its focus areas. About 150 households per small region and
  year: a sample, small enough to commit, large enough for a minimum of 50.

``generate(regions, seed)`` gives the same rows for the same regions and seed on every
machine; :func:`write_gzip_csv` writes them as gzip with a zero timestamp, so the bytes
are reproducible too.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

YEARS = tuple(range(2014, 2020))
WELFARE_NOISE = 0.7
EDUCATION_NOISE = 1.0
LABOUR_NOISE = 1.0
# Cumulative national shares of education levels 1-4 (level 5 is the rest).
EDUCATION_SHARES = (0.08, 0.30, 0.62, 0.86)
# Cumulative national shares of labour classes 1, 2, 3 among the ordered classes (5 = rest).
LABOUR_SHARES = (0.10, 0.22, 0.45)
PENSIONER, STUDENT, SELF_EMPLOYED = 0.22, 0.05, 0.08


def _thresholds(shares: tuple[float, ...], noise: float) -> np.ndarray:
    """Cut points of z + N(0, noise) at the given national cumulative shares (z ~ N(0, 1))."""
    dist = NormalDist(0.0, float(np.sqrt(1.0 + noise**2)))
    return np.array([dist.inv_cdf(p) for p in shares])


def _region_table(regions: pd.DataFrame, per_small_region: int, rng) -> pd.DataFrame:
    """One row per place households live in: small regions and each gemeente's rest."""
    table = regions.reset_index() if "code" not in regions.columns else regions.copy()
    table = (
        table[["code", "level", "parent"]].astype(str).sort_values("code").reset_index(drop=True)
    )
    parents = set(table["parent"])
    gemeenten = table[table["level"] == "gemeente"].reset_index(drop=True)
    small = table[(table["level"] != "gemeente") & ~table["code"].isin(parents)].reset_index(
        drop=True
    )
    # The gemeente of a small region: walk up the parents (a few levels at most).
    parent = table.set_index("code")["parent"]
    gemeente = small["parent"]
    for _ in range(3):
        gemeente = gemeente.where(gemeente.isin(gemeenten["code"]), gemeente.map(parent))
    small["gemeente"] = gemeente.fillna("")
    small = small[small["gemeente"].isin(gemeenten["code"])].reset_index(drop=True)

    g = pd.DataFrame(
        {
            "code": gemeenten["code"],
            "gemeente": gemeenten["code"],
            "mu": rng.uniform(-0.25, 0.25, len(gemeenten)),
            "sd": rng.uniform(0.95, 1.10, len(gemeenten)),
            "trend": 0.02,
        }
    )
    s = pd.DataFrame(
        {
            "code": small["code"],
            "gemeente": small["gemeente"],
            "gap": rng.uniform(0.5, 1.1, len(small)),
            "sd_factor": rng.uniform(0.75, 1.15, len(small)),
            "trend": 0.02 + rng.uniform(-0.02, 0.05, len(small)),
            "size": rng.integers(per_small_region - 50, per_small_region + 51, len(small)),
        }
    )
    s = s.merge(g[["code", "mu", "sd"]].rename(columns={"code": "gemeente"}), on="gemeente")
    s["mu"] = s["mu"] - s["gap"]
    s["sd"] = s["sd"] * s["sd_factor"]
    small_total = s.groupby("gemeente")["size"].sum().reindex(g["code"]).fillna(0).to_numpy()
    g["size"] = np.maximum(1500, np.round(2.0 * small_total)).astype(int)
    return pd.concat([s[g.columns], g], ignore_index=True)


def generate(
    regions: pd.DataFrame,
    seed: int = 2019,
    years: tuple[int, ...] = YEARS,
    per_small_region: int = 150,
) -> pd.DataFrame:
    """SYNTHETIC households: household_id, region, period, welvaart_decile, opleiding, arbeid.

    ``regions`` is a regions table (code,name,level,parent; ``code`` as column or index).
    """
    rng = np.random.default_rng(seed)
    places = _region_table(regions, per_small_region, rng)
    frames = []
    for year in years:  # one vectorised draw per year
        size = places["size"].to_numpy()
        row = np.repeat(np.arange(len(places)), size)
        mu = (places["mu"] + places["trend"] * (year - years[0])).to_numpy()[row]
        z = rng.normal(mu, places["sd"].to_numpy()[row])
        n = len(z)
        welfare_cuts = _thresholds(tuple(np.arange(1, 10) / 10), WELFARE_NOISE)
        welvaart = np.digitize(z + rng.normal(0, WELFARE_NOISE, n), welfare_cuts) + 1
        opleiding = (
            np.digitize(
                z + rng.normal(0, EDUCATION_NOISE, n),
                _thresholds(EDUCATION_SHARES, EDUCATION_NOISE),
            )
            + 1
        )
        ordered = np.array([1, 2, 3, 5])[
            np.digitize(
                z + rng.normal(0, LABOUR_NOISE, n), _thresholds(LABOUR_SHARES, LABOUR_NOISE)
            )
        ]
        u = rng.random(n)
        arbeid = np.select(
            [u < PENSIONER, u < PENSIONER + STUDENT, u < PENSIONER + STUDENT + SELF_EMPLOYED],
            [6, 7, 4],
            default=ordered,
        )
        number = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(6)
        frames.append(
            pd.DataFrame(
                {
                    "household_id": "h" + number,
                    "region": places["code"].to_numpy()[row],
                    "period": year,
                    "welvaart_decile": welvaart.astype("int8"),
                    "opleiding": opleiding.astype("int8"),
                    "arbeid": arbeid.astype("int8"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def write_gzip_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV, gzipped with mtime 0 and no file name in the header: reproducible bytes."""
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
