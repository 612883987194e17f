"""Synthetic demo data for the default monitor: the 40 aandachtswijken, 2006-2012.

**These data are made up.** They look like the input of the CBS Outcomemonitor Wijkenaanpak
(counts per postcode area and per gemeente) so that the whole product can be shown and
tested without confidential microdata, but no figure for a single wijk or gemeente is real.

What is modelled
    Units are the 83 postcode areas (PC4) of the 40 aandachtswijken plus, per gemeente, the
    "rest" of the gemeente outside its aandachtswijken. A gemeente's count is the sum of its
    PC4s and its rest, so a gemeente always contains its aandachtswijken. Populations are
    rough approximations of the real sizes around 2007 (Amsterdam about 743,000 inhabitants
    and 400,000 households; the aandachtswijken together about 880,000 inhabitants, four
    fifths of them in the G4); how a wijk's population splits over its PC4s is random.
    From the population follow the other denominators (adults, the potential labour force
    of 15-64 by origin, pupils, households, dwellings, sales, births, couples) with
    plausible shares per segment and small random differences per unit.

    For every input variable of the catalogue the generator writes integer counts; for the
    given scores (Cito, the Leefbaarometer scores, the medicine index) it writes the score
    with three decimals and its weight variable. Variables split by origin (non-western,
    native, MOE-landers) add up: the total is the sum of the groups plus the other
    (western) residents. The Leefbaarometer appears every two years: odd years between two
    editions are written with status "." (not available).

How it is calibrated
    The report prints, per indicator and year, the deviation p of the aandachtswijken of
    the G4, G14 and G18 from the whole group, and the group's value (module
    :mod:`wijkmonitor.demo.report2012`). The generator works in four segments (G4 and G14,
    aandachtswijken and the rest) and, per indicator and year, solves for the segment
    values that reproduce the printed p of G4, G14 and G18 and the printed G18 level
    (:func:`wijkmonitor.demo.calibrate.solve_segments`). For the integration quotients it
    solves the shares of non-western and native residents together, so that both the total
    share and the quotient match. Indicators that the report shows only in a theme diagram
    get the printed G18 p at the Nulmeting and the latest period (interpolated between) and
    assumed levels. Within a segment, values are spread over the units with a persistent
    gemeente, wijk and PC4 effect, a trend per wijk (some wijken improve against their
    gemeente, others fall behind) and sampling noise that grows as counts get small; the
    segment totals are kept exactly (:func:`wijkmonitor.demo.calibrate.distribute`). Counts
    are rounded to integers, so computed group deviations differ from the printed ones only
    by rounding (see ``tests/test_demo_data.py`` for the measured difference). Small
    wijken have few pupils with a Cito score and few births, so the engine suppresses
    their figures.

Everything is drawn from one ``numpy.random.default_rng(seed)``: the same seed gives the
same data (and :func:`write` the same bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.tidy import COLUMNS as TIDY_COLUMNS
from wijkmonitor.demo import report2012
from wijkmonitor.demo.calibrate import (
    Family,
    Target,
    distribute,
    round_preserving,
    solve_segments,
)

YEARS = np.arange(2006, 2013)
OUTPUT = Path("data") / "synthetic_outcomemonitor.csv"

# ------------------------------------------------------------------------------ geography
# code: (name, group, inhabitants on 1-1-2007 (approximate), persons per household,
#        yearly growth, share of pupils whose school delivers Cito results (synthetic))
GEMEENTEN: dict[str, tuple[str, str, int, float, float, float]] = {
    "GM0014": ("Groningen", "G14", 181_000, 1.72, 0.006, 0.55),
    "GM0080": ("Leeuwarden", "G14", 92_000, 1.98, 0.004, 0.60),
    "GM0150": ("Deventer", "G14", 97_000, 2.22, 0.004, 0.62),
    "GM0153": ("Enschede", "G14", 155_000, 2.10, 0.002, 0.66),
    "GM0202": ("Arnhem", "G14", 142_000, 2.02, 0.005, 0.58),
    "GM0268": ("Nijmegen", "G14", 161_000, 1.95, 0.006, 0.62),
    "GM0307": ("Amersfoort", "G14", 139_000, 2.38, 0.008, 0.70),
    "GM0344": ("Utrecht", "G4", 289_000, 1.96, 0.018, 0.62),
    "GM0361": ("Alkmaar", "G14", 93_000, 2.15, 0.004, 0.62),
    "GM0363": ("Amsterdam", "G4", 743_000, 1.86, 0.008, 0.68),
    "GM0479": ("Zaanstad", "G14", 140_000, 2.30, 0.004, 0.62),
    "GM0505": ("Dordrecht", "G14", 119_000, 2.20, 0.000, 0.64),
    "GM0518": ("'s-Gravenhage", "G4", 476_000, 2.02, 0.010, 0.66),
    "GM0599": ("Rotterdam", "G4", 584_000, 2.00, 0.003, 0.66),
    "GM0606": ("Schiedam", "G14", 75_000, 2.08, 0.001, 0.60),
    "GM0772": ("Eindhoven", "G14", 209_000, 2.05, 0.006, 0.55),
    "GM0917": ("Heerlen", "G14", 90_000, 2.05, -0.004, 0.58),
    "GM0935": ("Maastricht", "G14", 118_000, 1.95, -0.001, 0.60),
}

# (gemeente, aandachtswijk as in Bijlage 1 of the report, synthetic inhabitants 2007, PC4s)
WIJKEN: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("GM0361", "Overdie", 7_000, ("1813",)),
    ("GM0307", "De Kruiskamp", 7_000, ("3814",)),
    ("GM0363", "Amsterdam Noord", 45_000, ("1024", "1031", "1032")),
    (
        "GM0363",
        "Nieuw-West",
        110_000,
        ("1061", "1062", "1063", "1064", "1065", "1067", "1068", "1069"),
    ),
    ("GM0363", "Bos en Lommer", 30_000, ("1055", "1056", "1057")),
    ("GM0363", "Amsterdam Oost", 35_000, ("1092", "1094")),
    ("GM0363", "Bijlmer", 30_000, ("1103", "1104")),
    ("GM0202", "Klarendal", 6_000, ("6822",)),
    ("GM0202", "Presikhaaf", 11_000, ("6826",)),
    ("GM0202", "Het Arnhemse Broek", 7_000, ("6828",)),
    ("GM0202", "Malburgen/Immerloo", 20_000, ("6832", "6833", "6841")),
    ("GM0150", "Rivierenwijk", 6_000, ("7417",)),
    ("GM0505", "Wielwijk/Crabbehof", 9_000, ("3317",)),
    ("GM0772", "Woensel West", 8_000, ("5621",)),
    ("GM0772", "Doornakkers", 7_000, ("5642",)),
    ("GM0772", "Bennekel", 5_000, ("5654",)),
    ("GM0153", "Velve-Lindenhof", 8_000, ("7533",)),
    ("GM0014", "Korrewegwijk", 10_000, ("9715",)),
    ("GM0014", "De Hoogte", 5_000, ("9716",)),
    ("GM0917", "Meezenbroek", 8_000, ("6415",)),
    ("GM0080", "Heechterp/Schieringen", 7_000, ("8924",)),
    ("GM0935", "Maastricht Noordoost", 18_000, ("6222", "6224")),
    ("GM0268", "Hatert", 7_000, ("6535",)),
    ("GM0599", "Rotterdam West", 75_000, ("3014", "3021", "3022", "3024", "3025", "3026", "3027")),
    ("GM0599", "Rotterdam Noord", 50_000, ("3031", "3033", "3034", "3035", "3036")),
    ("GM0599", "Bergpolder", 8_000, ("3038",)),
    ("GM0599", "Overschie", 10_000, ("3042",)),
    ("GM0599", "Oud Zuid", 70_000, ("3072", "3073", "3074", "3081", "3082", "3083")),
    ("GM0599", "Vreewijk", 14_000, ("3075",)),
    ("GM0599", "Zuidelijke Tuinsteden", 30_000, ("3085", "3086")),
    ("GM0606", "Nieuwland", 14_000, ("3118", "3119")),
    ("GM0518", "Stationsbuurt", 12_000, ("2515",)),
    ("GM0518", "Schilderswijk", 30_000, ("2525", "2526")),
    ("GM0518", "Den Haag Zuidwest", 70_000, ("2532", "2533", "2541", "2542", "2544", "2545")),
    ("GM0518", "Transvaal", 14_000, ("2572",)),
    ("GM0344", "Kanaleneiland", 16_000, ("3526", "3527")),
    ("GM0344", "Ondiep", 10_000, ("3552",)),
    ("GM0344", "Overvecht", 31_000, ("3561", "3562", "3563", "3564")),
    ("GM0344", "Zuilen Oost", 8_000, ("3554",)),
    ("GM0479", "Poelenburg", 9_000, ("1504",)),
)


@dataclass(frozen=True)
class Units:
    """The generator's units: 83 PC4s, then one "rest of the gemeente" per gemeente."""

    code: list[str]  # PC4 code, or the gemeente code for a rest unit
    gemeente: np.ndarray  # index into GEMEENTEN
    wijk: np.ndarray  # index into WIJKEN, -1 for a rest unit
    focus: np.ndarray  # bool
    segment: np.ndarray  # 0 G4 focus, 1 G4 rest, 2 G14 focus, 3 G14 rest

    @property
    def n(self) -> int:
        return len(self.code)


def _units() -> Units:
    gem_codes = list(GEMEENTEN)
    code, gem, wijk = [], [], []
    for w, (g, _, _, pc4s) in enumerate(WIJKEN):
        for pc in pc4s:
            code.append(pc)
            gem.append(gem_codes.index(g))
            wijk.append(w)
    n_pc4 = len(code)
    code += gem_codes
    gem += list(range(len(gem_codes)))
    wijk += [-1] * len(gem_codes)
    gem_a, focus = np.array(gem), np.arange(len(code)) < n_pc4
    g14 = np.array([GEMEENTEN[c][1] == "G14" for c in gem_codes])[gem_a]
    return Units(code, gem_a, np.array(wijk), focus, 2 * g14 + ~focus)


def _segment_frame(
    units: Units, by_segment: Sequence[float], trend: Sequence[float] = (0,) * 4
) -> np.ndarray:
    """(U, T) array: per-segment level plus a linear trend per year since 2007."""
    level = np.asarray(by_segment, dtype=float)[units.segment][:, None]
    slope = np.asarray(trend, dtype=float)[units.segment][:, None]
    return level + slope * (YEARS - 2007)[None, :]


def _jitter(rng: np.random.Generator, units: Units, sd: float) -> np.ndarray:
    """A persistent multiplicative unit effect, (U, 1)."""
    return np.exp(rng.normal(0.0, sd, units.n))[:, None]


def _count(x: np.ndarray) -> np.ndarray:
    return np.rint(x).astype(np.int64)


def _population(rng: np.random.Generator, units: Units) -> np.ndarray:
    gem = list(GEMEENTEN.values())
    pc4_pop = []
    for _, _, size, pc4s in WIJKEN:
        split = rng.dirichlet(np.full(len(pc4s), 6.0)) if len(pc4s) > 1 else np.ones(1)
        pc4_pop.extend(size * split)
    n_pc4 = len(pc4_pop)
    focus_by_gem = np.bincount(units.gemeente[:n_pc4], weights=pc4_pop, minlength=len(gem))
    rest_pop = np.array([g[2] for g in gem]) - focus_by_gem
    pop2007 = np.concatenate([pc4_pop, rest_pop])
    growth = np.array([g[4] for g in gem])[units.gemeente]
    growth = np.where(units.focus, 0.006 + rng.normal(0.0, 0.004, units.n), growth)
    return _count(pop2007[:, None] * (1.0 + growth[:, None]) ** (YEARS - 2007)[None, :])


def _denominators(rng: np.random.Generator, units: Units) -> dict[str, np.ndarray]:
    """Every count that serves as a denominator or weight, (U, T) integers."""
    gem = list(GEMEENTEN.values())
    d: dict[str, np.ndarray] = {}
    pop = d["inwoners"] = _population(rng, units)

    def part(parent, levels, trend=(0,) * 4, sd=0.03):
        return _count(parent * _segment_frame(units, levels, trend) * _jitter(rng, units, sd))

    d["inwoners_18_jaar_en_ouder"] = part(pop, (0.755, 0.800, 0.770, 0.795), (0, 0.001, 0, 0.001))
    pbb = d["potentiele_beroepsbevolking"] = part(
        pop, (0.690, 0.700, 0.670, 0.665), (0, -0.001, 0, -0.0015), 0.02
    )
    d["jongeren_15_26_jaar"] = part(pop, (0.165, 0.150, 0.180, 0.155))
    # origin of the potential labour force (non-western, MOE-landers, natives, other western)
    nw = _segment_frame(units, (0.53, 0.23, 0.28, 0.125), (0.004, 0.003, 0.004, 0.002))
    nw = np.clip(nw * _jitter(rng, units, 0.15), 0.03, 0.85)
    moe = _segment_frame(units, (0.011, 0.009, 0.009, 0.007), (0.002, 0.0005, 0.0015, 0.0004))
    moe = moe * _jitter(rng, units, 0.3)
    native = _segment_frame(units, (0.83, 0.84, 0.86, 0.885), (-0.002,) * 4)
    pbb_nw = d["potentiele_beroepsbevolking_niet_westers"] = _count(pbb * nw)
    pbb_moe = d["potentiele_beroepsbevolking_moe_landers"] = _count(pbb * moe)
    d["potentiele_beroepsbevolking_autochtoon"] = _count((pbb - pbb_nw - pbb_moe) * native)
    pupils = d["leerlingen_3e_leerjaar"] = part(pop, (0.0125, 0.0105, 0.0125, 0.0115), sd=0.08)
    nw_pupils = np.clip(nw * 1.2, 0.03, 0.92)
    d["leerlingen_3e_leerjaar_niet_westers"] = _count(pupils * nw_pupils)
    d["leerlingen_3e_leerjaar_autochtoon"] = _count(
        (pupils - d["leerlingen_3e_leerjaar_niet_westers"]) * native
    )
    d["leerlingen_tot_23_jaar"] = part(pop, (0.125, 0.110, 0.125, 0.120))
    participation = np.array([g[5] for g in gem])[units.gemeente][:, None]
    cito = pop * _segment_frame(units, (0.0125, 0.0105, 0.0125, 0.0115)) * participation
    d["cito_leerlingen"] = _count(
        cito * np.where(units.focus, 0.77, 1.0)[:, None] * _jitter(rng, units, 0.15)
    )
    d["pasgeborenen"] = part(pop, (0.0165, 0.0125, 0.0150, 0.0112), sd=0.10)
    hh_size = np.array([g[3] for g in gem])[units.gemeente][:, None]
    households = pop / hh_size * np.where(units.focus, 1.04, 1.0)[:, None]
    households = households * (1.0 + 0.004 * (YEARS - 2007))[None, :]  # smaller households
    d["huishoudens_met_inkomen"] = part(households, (0.965,) * 4, sd=0.01)
    d["paren"] = part(households, (0.350, 0.405, 0.380, 0.470), (-0.002,) * 4)
    dwellings = d["woningen_totaal"] = part(households, (1.03,) * 4, sd=0.02)
    # sales per dwelling collapsed after 2008 (G18: 57 thousand sales in 2006, 34 in 2011)
    sales_rate = np.array(
        [
            [0.0180, 0.0300, 0.0180, 0.0300],
            [0.0185, 0.0300, 0.0185, 0.0300],
            [0.0165, 0.0260, 0.0165, 0.0260],
            [0.0130, 0.0200, 0.0130, 0.0200],
            [0.0120, 0.0190, 0.0120, 0.0190],
            [0.0110, 0.0175, 0.0110, 0.0175],
            [0.0100, 0.0160, 0.0100, 0.0160],
        ]
    )
    d["verkochte_woningen"] = _count(
        dwellings * sales_rate.T[units.segment] * _jitter(rng, units, 0.2)
    )
    return d


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Simple:
    """An indicator with one numerator (count or score) over one denominator (or weight).

    transform: scale of the unit variation, "logit" (values between ``bounds``: shares, or
    a score on its scale) or "log" (positive values). scale: size of the persistent unit
    effects on it; trend: the spread of the wijken's yearly drift, relative to scale.
    divisor: the printed value is divisor x numerator / denominator (100 for a share in %,
    10,000 for a rate per 10,000, 1 for a mean or a score). offset: the shifted ratio's
    constant. score: the numerator is a given score, weighted by the denominator.
    noise: spread of one individual (score points, or relative for "log"), for the sampling
    noise of small units; for shares it follows from the binomial distribution.
    """

    indicator: str
    numerator: str
    denominator: str
    transform: str = "logit"
    scale: float = 0.25
    divisor: float = 100.0
    offset: float = 0.0
    score: bool = False
    noise: float = 0.0
    bounds: tuple[float, float] = (0.0, 1.0)
    trend: float = 0.08


@dataclass(frozen=True)
class OriginSplit:
    """A share whose numerator is also split by origin, for an integration quotient.

    numerator / population name the base variables; the groups get the suffixes
    ``_niet_westers``, ``_autochtoon`` and (with ``moe``) ``_moe_landers``. Other western
    residents are assumed to behave like natives (factor ``kappa``).
    """

    main: str
    quotient: str
    numerator: str
    population: str
    moe: str | None = None
    quotient_per: float = 1.0
    kappa: float = 1.0
    scale: float = 0.25
    trend: float = 0.08


SIMPLE = (
    Simple("kleine_woningen", "woningen_klein", "woningen_totaal", scale=0.35),
    Simple("sociale_huurwoningen", "woningen_sociale_huur", "woningen_totaal", scale=0.45),
    Simple("meergezinswoningen", "woningen_meergezins", "woningen_totaal", scale=0.45, trend=0.15),
    Simple(
        "verkoopprijs_woningen",
        "verkoopprijzen_totaal",
        "verkochte_woningen",
        divisor=1.0,
        transform="log",
        scale=0.14,
        noise=0.35,
    ),
    Simple(
        "leefbaarheidsscore",
        "leefbaarheidsscore",
        "inwoners",
        scale=0.25,
        divisor=1.0,
        score=True,
        noise=20.0,
        bounds=(1.0, 7.0),
    ),
    Simple(
        "voorzieningenniveau",
        "leefbaarometer_voorzieningen",
        "inwoners",
        scale=0.3,
        offset=100.0,
        divisor=1.0,
        score=True,
        noise=100.0,
        bounds=(-50.0, 50.0),
    ),
    Simple(
        "voortijdig_schoolverlaters",
        "voortijdig_schoolverlaters",
        "leerlingen_tot_23_jaar",
        scale=0.25,
    ),
    Simple(
        "cito_score",
        "cito_score",
        "cito_leerlingen",
        scale=0.25,
        offset=200.0,
        divisor=1.0,
        score=True,
        noise=70.0,
        bounds=(-100.0, 100.0),
    ),
    Simple(
        "niet_werkend_werkzoekende_jongeren",
        "niet_werkend_werkzoekende_jongeren",
        "jongeren_15_26_jaar",
    ),
    Simple(
        "arbeidsongeschiktheidsuitkeringen",
        "ao_ontvangers",
        "potentiele_beroepsbevolking",
        scale=0.2,
    ),
    Simple("lage_inkomens", "huishoudens_laag_inkomen", "huishoudens_met_inkomen", scale=0.3),
    Simple(
        "wanbetalers_zorgverzekering",
        "wanbetalers_zorgverzekering",
        "inwoners_18_jaar_en_ouder",
        scale=0.3,
    ),
    Simple(
        "gestarte_schuldsaneringen",
        "schuldsaneringen_gestart",
        "inwoners_18_jaar_en_ouder",
        divisor=10_000.0,
        scale=0.25,
    ),
    Simple(
        "veiligheid_overlast_score",
        "leefbaarometer_veiligheid",
        "inwoners",
        scale=0.3,
        offset=100.0,
        divisor=1.0,
        score=True,
        noise=100.0,
        bounds=(-50.0, 50.0),
        trend=0.5,
    ),
    Simple("pasgeborenen_extra_zorg", "pasgeborenen_extra_zorg", "pasgeborenen", scale=0.15),
    Simple(
        "medicijngebruik_index",
        "medicijngebruik_index",
        "inwoners",
        transform="log",
        scale=0.05,
        divisor=1.0,
        score=True,
        noise=0.5,
        trend=0.25,
    ),
    Simple(
        "integratie_paren_niet_westerse_partner",
        "paren_een_niet_westerse_partner",
        "paren",
        scale=0.3,
    ),
)

ORIGIN_SPLIT = (
    OriginSplit(
        "havo_vwo_3e_leerjaar",
        "integratie_havo_vwo",
        "leerlingen_3e_leerjaar_havo_vwo",
        "leerlingen_3e_leerjaar",
        quotient_per=100.0,
        scale=0.2,
    ),
    OriginSplit(
        "werkloosheidsuitkeringen",
        "integratie_werkloosheidsuitkeringen",
        "ww_ontvangers",
        "potentiele_beroepsbevolking",
        scale=0.2,
    ),
    OriginSplit(
        "niet_werkend_werkzoekenden",
        "integratie_niet_werkend_werkzoekenden",
        "niet_werkend_werkzoekenden",
        "potentiele_beroepsbevolking",
    ),
    OriginSplit(
        "langdurig_bijstandsafhankelijken",
        "integratie_langdurig_bijstand",
        "langdurig_bijstandsontvangers",
        "potentiele_beroepsbevolking",
        scale=0.3,
    ),
    OriginSplit(
        "inkomsten_uit_arbeid",
        "integratie_inkomsten_uit_arbeid",
        "personen_met_inkomsten_uit_arbeid",
        "potentiele_beroepsbevolking",
        moe="inkomsten_uit_arbeid_moe_landers",
        scale=0.12,
        trend=0.3,
    ),
)

# G18 levels where the printed figures are rounded too coarsely to follow year by year
# (a score of 4 or 5 on the 1-7 scale; 2 or 3 %); chosen to round to the printed values.
LEVEL_OVERRIDES: dict[str, dict[int, float]] = {
    "leefbaarheidsscore": {2006: 4.45, 2008: 4.55, 2010: 4.60},
    "wanbetalers_zorgverzekering": {
        2007: 2.3,
        2008: 2.8,
        2009: 3.0,
        2010: 4.0,
        2011: 3.1,
        2012: 3.4,
    },
}

# Indicators without a group table (only the G18 p of a theme diagram): assumed G18 levels
# per year, p of G14 minus p of G4, and the level of G14 relative to G4.
THEME_ONLY_ASSUMED: dict[str, tuple[tuple[float, ...], float, float]] = {
    "kleine_woningen": ((38.5, 38.3, 38.0, 37.8, 37.5), 12.0, 0.80),
    "meergezinswoningen": ((61.0, 60.8, 60.5, 60.3, 60.0), 40.0, 0.55),
    "niet_werkend_werkzoekende_jongeren": ((4.6, 3.5, 3.4, 3.7, 3.8, 3.6), 18.0, 0.92),
    "arbeidsongeschiktheidsuitkeringen": ((7.6, 7.5, 7.4, 7.3, 7.2, 7.1), 8.0, 1.15),
}


def periods(indicator: str) -> list[int]:
    """The years the report has a figure for (the years the demo data cover)."""
    if indicator in report2012.THEME_ONLY:
        first, last, _, _ = report2012.THEME_ONLY[indicator]
        return list(range(first, last + 1))
    return sorted(report2012.group_series(indicator, "G18", "p"))


def _targets(
    indicator: str, family: int, scale: float = 1.0, offset: float = 0.0
) -> dict[int, list[Target]]:
    """Per year the four equations for one indicator: printed p's and G18 level.

    Levels are divided by ``scale`` (rate per 10,000, quotient per 100) and shifted by
    ``offset`` (a shifted ratio compares value + offset).
    """
    out: dict[int, list[Target]] = {}
    if indicator in report2012.THEME_ONLY:
        first, last, p_first, p_last = report2012.THEME_ONLY[indicator]
        levels, dp, rr = THEME_ONLY_ASSUMED[indicator]
        for i, year in enumerate(range(first, last + 1)):
            p18 = p_first + (p_last - p_first) * (year - first) / (last - first)
            out[year] = [
                Target(family, "p:G18", p18),
                Target(family, "level:G18", levels[i] / scale + offset),
                Target(family, "dp", dp),
                Target(family, "rr", rr),
            ]
        return out
    level = dict(report2012.group_series(indicator, "G18", "ref"))
    level.update(LEVEL_OVERRIDES.get(indicator, {}))
    for year in periods(indicator):
        out[year] = [
            Target(family, f"p:{g}", report2012.group_series(indicator, g, "p")[year])
            for g in ("G4", "G14", "G18")
        ] + [Target(family, "level:G18", level[year] / scale + offset)]
    return out


def _first_level(targets: dict[int, list[Target]], family: int) -> float:
    """The first G18 level target of a family: a starting point for the solver."""
    first = targets[min(targets)]
    return next(t.value for t in first if t.family == family and t.metric.startswith("level"))


def _effects(
    rng: np.random.Generator, units: Units, scale: float, trend: float = 0.08
) -> np.ndarray:
    """Persistent unit variation on the transformed scale, (U, T).

    A gemeente effect (shared by its wijken and its rest), a wijk effect and a PC4 effect,
    and a linear trend per wijk so that wijken develop differently against their gemeente.
    """
    n_gem, n_wijk = len(GEMEENTEN), len(WIJKEN)
    gem = rng.normal(0.0, 0.5 * scale, n_gem)[units.gemeente]
    wijk_level = rng.normal(0.0, scale, n_wijk)
    wijk_trend = rng.normal(0.0, trend * scale, n_wijk)
    own = rng.normal(0.0, scale, units.n) * np.where(units.focus, 0.4, 0.2)
    own_trend = rng.normal(0.0, 0.02 * scale, units.n)
    w = np.maximum(units.wijk, 0)
    level = gem + own + np.where(units.focus, wijk_level[w], 0.0)
    trend = own_trend + np.where(units.focus, wijk_trend[w], 0.0)
    return level[:, None] + trend[:, None] * (YEARS - 2009)[None, :]


def _sampling(rng: np.random.Generator, sd: np.ndarray) -> np.ndarray:
    return rng.normal(0.0, 1.0, sd.shape) * sd


def _by_segment(units: Units, x: np.ndarray) -> np.ndarray:
    """(4, T) sums over the units of each segment."""
    return np.stack([x[units.segment == s].sum(axis=0) for s in range(4)])


def _solve_years(
    indicator_targets: dict[int, list[Target]], families, den_seg, free, tied, start
) -> dict[str, np.ndarray]:
    """Segment values (4, T) per subgroup; NaN in years without targets."""
    subs = list(free) + list(tied)
    out = {s: np.full((4, len(YEARS)), np.nan) for s in subs}
    for year, targets in sorted(indicator_targets.items()):
        t = int(np.flatnonzero(YEARS == year)[0])
        solved = solve_segments(
            {s: den_seg[s][:, t] for s in subs},
            families,
            targets,
            free,
            tied,
            {s: np.full(4, start[s]) for s in free},
        )
        for s in subs:
            out[s][:, t] = solved[s]
    return out


def _logit_noise(rng, share_seg: np.ndarray, units: Units, den: np.ndarray) -> np.ndarray:
    p = np.clip(np.nan_to_num(share_seg[units.segment], nan=0.5), 1e-6, 1 - 1e-6)
    n = np.maximum(den, 1)
    return _sampling(rng, np.minimum(np.sqrt(1.0 / (n * p) + 1.0 / (n * (1.0 - p))), 1.5))


def _simple(rng, spec: Simple, units: Units, den: dict[str, np.ndarray]) -> np.ndarray:
    """Unit values (U, T) of a Simple indicator: numerator counts or scores."""
    weight = den[spec.denominator]
    level_offset = spec.offset if spec.score else 0.0
    targets = _targets(spec.indicator, 0, spec.divisor, level_offset)
    seg = (
        _solve_years(
            targets,
            [Family("share", ("x",))],
            {"x": _by_segment(units, weight)},
            ["x"],
            {},
            {"x": _first_level(targets, 0)},
        )["x"]
        - level_offset
    )
    effect = _effects(rng, units, spec.scale, spec.trend)
    n = np.maximum(weight, 1)
    lo, hi = spec.bounds
    if spec.transform == "log":
        effect = effect + _sampling(rng, spec.noise / np.sqrt(n))
    elif spec.score:  # points of one pupil or inhabitant, on the logit of the position
        p = np.clip((np.nan_to_num(seg, nan=lo) - lo) / (hi - lo), 0.01, 0.99)[units.segment]
        effect = effect + _sampling(rng, spec.noise / np.sqrt(n) / ((hi - lo) * p * (1 - p)))
    else:
        effect = effect + _logit_noise(rng, seg, units, weight)
    fill = (lo + hi) / 2 if spec.transform == "logit" else 1.0  # years without a figure
    values = distribute(
        np.nan_to_num(seg, nan=fill), units.segment, weight, effect, spec.transform, spec.bounds
    )
    if spec.score:
        return np.round(values, 3)
    return round_preserving(values * weight, units.segment)


def _origin_split(
    rng, spec: OriginSplit, units: Units, den: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Numerator counts (U, T) by origin and in total for an OriginSplit indicator."""
    pop = spec.population
    groups = ["nw", "aut"] + (["moe"] if spec.moe else [])
    den_g = {"nw": den[f"{pop}_niet_westers"], "aut": den[f"{pop}_autochtoon"]}
    if spec.moe:
        den_g["moe"] = den[f"{pop}_moe_landers"]
    den_g["other"] = den[pop] - sum(den_g.values())
    families = [Family("share", (*groups, "other")), Family("quotient", ("nw", "aut"))]
    if spec.moe:
        families.append(Family("share", ("moe",)))
    targets = _targets(spec.main, 0, 100.0)
    for year, extra in _targets(spec.quotient, 1, spec.quotient_per).items():
        targets[year] = targets[year] + extra
    if spec.moe:
        for year, extra in _targets(spec.moe, 2, 100.0).items():
            targets[year] = targets[year] + extra
    level, q = _first_level(targets, 0), _first_level(targets, 1)
    start = {"nw": level * q**0.5, "aut": level / q**0.5, "moe": level}
    seg = _solve_years(
        targets,
        families,
        {g: _by_segment(units, d) for g, d in den_g.items()},
        groups,
        {"other": ("aut", spec.kappa)},
        start,
    )
    common = _effects(rng, units, spec.scale, spec.trend)
    out = {}
    for g in [*groups, "other"]:
        effect = common + rng.normal(0.0, 0.3 * spec.scale, units.n)[:, None]
        effect = effect + _logit_noise(rng, seg[g], units, den_g[g])
        share = distribute(np.nan_to_num(seg[g], nan=0.5), units.segment, den_g[g], effect, "logit")
        out[g] = round_preserving(share * den_g[g], units.segment)
    suffix = {"nw": "_niet_westers", "aut": "_autochtoon", "moe": "_moe_landers"}
    result = {f"{spec.numerator}{suffix[g]}": out[g] for g in groups}
    result[spec.numerator] = sum(out.values())
    return result


# --------------------------------------------------------------------------- assembly


def _years_of_use() -> tuple[dict[str, set[int]], set[str]]:
    """Variable -> the years some indicator needs it; and the score variables."""
    years: dict[str, set[int]] = {}
    scores: set[str] = set()

    def use(var: str, indicator: str) -> None:
        years.setdefault(var, set()).update(periods(indicator))

    for s in SIMPLE:
        use(s.numerator, s.indicator)
        use(s.denominator, s.indicator)
        if s.score:
            scores.add(s.numerator)
    for o in ORIGIN_SPLIT:
        use(o.numerator, o.main)
        use(o.population, o.main)
        for suffix in ("_niet_westers", "_autochtoon"):
            use(o.numerator + suffix, o.quotient)
            use(o.population + suffix, o.quotient)
        if o.moe:
            use(o.numerator + "_moe_landers", o.moe)
            use(o.population + "_moe_landers", o.moe)
    return years, scores


def generate(seed: int = 2012) -> pd.DataFrame:
    """The synthetic demo data in the tidy format: region, period, variable, value, status.

    One row per PC4 or gemeente, year and input variable; counts are whole numbers, given
    scores have three decimals; years between two Leefbaarometer editions have status "."
    and no value. Sorted by region, period and variable.
    """
    rng = np.random.default_rng(seed)
    units = _units()
    den = _denominators(rng, units)
    values: dict[str, np.ndarray] = dict(den)
    for spec in SIMPLE:
        values[spec.numerator] = _simple(rng, spec, units, den)
    for spec in ORIGIN_SPLIT:
        values.update(_origin_split(rng, spec, units, den))

    years, scores = _years_of_use()
    weights = {s.numerator: s.denominator for s in SIMPLE if s.score}
    n_pc4 = int(units.focus.sum())
    frames = []
    for var in sorted(years):
        x = values[var].astype(float)
        if var in scores:  # gemeente = weighted mean of its PC4s and its rest
            w = values[weights[var]].astype(float)
            num = np.stack(
                [np.bincount(units.gemeente, weights=(x * w)[:, t]) for t in range(len(YEARS))],
                axis=1,
            )
            tot = np.stack(
                [np.bincount(units.gemeente, weights=w[:, t]) for t in range(len(YEARS))], axis=1
            )
            gem = np.round(num / tot, 3)
        else:
            gem = np.stack(
                [np.bincount(units.gemeente, weights=x[:, t]) for t in range(len(YEARS))], axis=1
            )
        region_values = np.vstack([x[:n_pc4], gem])
        regions = units.code[:n_pc4] + list(GEMEENTEN)
        wanted = sorted(years[var])
        span = range(min(wanted), max(wanted) + 1)
        cols = [int(np.flatnonzero(YEARS == y)[0]) for y in span]
        frame = pd.DataFrame(region_values[:, cols], index=regions, columns=list(span))
        long = frame.stack().rename("value").reset_index()
        long.columns = ["region", "period", "value"]
        long["variable"] = var
        missing = ~long["period"].isin(wanted)  # between two Leefbaarometer editions
        long.loc[missing, "value"] = np.nan
        long["status"] = np.where(missing, ".", "")
        frames.append(long)
    data = pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]
    data["period"] = data["period"].astype(np.int64)
    return data.sort_values(["region", "period", "variable"], ignore_index=True)


def score_variables() -> set[str]:
    """The variables that hold a given score (written with decimals), not a count."""
    return {s.numerator for s in SIMPLE if s.score}


def to_csv_text(data: pd.DataFrame) -> str:
    """The tidy data as CSV text: counts as integers, scores with three decimals."""
    is_score = data["variable"].isin(score_variables()).to_numpy()
    v = data["value"].to_numpy()
    text = np.where(
        np.isnan(v),
        "",
        np.where(is_score, [f"{x:.3f}" for x in v], [f"{x:.0f}" for x in v]),
    )
    out = pd.DataFrame(
        {
            "region": data["region"],
            "period": data["period"].astype(str),
            "variable": data["variable"],
            "value": text,
            "status": data["status"],
        }
    )
    return out.to_csv(index=False, lineterminator="\n")


def write(monitor_dir: Path, seed: int = 2012) -> Path:
    """Write ``data/synthetic_outcomemonitor.csv`` under ``monitor_dir``; return its path."""
    path = Path(monitor_dir) / OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv_text(generate(seed)).encode("utf-8"))
    return path
