"""Dutch wording of the results: labels of classes and directions, and computed sentences."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wijkmonitor.core.changes import gap_unchanged
from wijkmonitor.website.numbers import fmt_int, fmt_number, fmt_percent_change

DEVELOPMENT_LABELS = {
    "favourable": "gunstig",
    "unfavourable": "ongunstig",
    "no_change": "geen verandering",
    "better_and_staying_better": "blijft beter",
    "insufficient_data": "geen uitspraak",
    "not_applicable": "beschrijvend",
}
# Signs beside the coloured labels, so the class reads without colour: up = the position
# improved, down = it worsened, = no change; the open forms where nothing is claimed.
DEVELOPMENT_SYMBOLS = {
    "favourable": "▲",
    "unfavourable": "▼",
    "no_change": "=",
    "better_and_staying_better": "△",
    "insufficient_data": "?",
    "not_applicable": "·",
}
# Signs of the position in charts: better or worse than the reference given the direction.
POSITION_SYMBOLS = {"gunstig": "▲", "ongunstig": "▼", "neutraal": "●"}
# In counting sentences: "in 7 wijken blijvend beter".
COUNT_LABELS = {
    **DEVELOPMENT_LABELS,
    "better_and_staying_better": "blijvend beter",
    "insufficient_data": "geen uitspraak mogelijk",
}
# Order of the columns when classes are counted (as in the report).
DEVELOPMENT_ORDER = list(DEVELOPMENT_LABELS)

DEVELOPMENT_EXPLAINED = {
    "favourable": "de positie ten opzichte van het referentiegebied is verbeterd",
    "unfavourable": "de positie ten opzichte van het referentiegebied is verslechterd",
    "no_change": (
        "de afwijking veranderde minder dan de drempel voor ‘geen verandering’, of niet "
        "meer dan bij deze aantallen door toeval kan"
    ),
    "better_and_staying_better": "het gebied deed het bij de nulmeting al beter dan het "
    "referentiegebied en doet dat nog steeds",
    "insufficient_data": "bij de nulmeting of de laatste meting is er geen (publiceerbaar) cijfer",
    "not_applicable": "beschrijvend kenmerk zonder voorkeursrichting",
}

DIRECTION_LABELS = {
    "higher_is_better": "hoger is gunstiger",
    "lower_is_better": "lager is gunstiger",
    "neutral": "beschrijvend (geen voorkeursrichting)",
}

MEASUREMENT_LABELS = {
    "peilmoment": "peilmoment (stand op een datum)",
    "jaarcijfer": "jaarcijfer (over een jaar)",
    "jaartotaal": "jaartotaal (totaal over een jaar)",
}

POSITION_LABELS = {1: "gunstig", -1: "ongunstig", 0: "neutraal"}


def position(p: float, sign: float) -> str:
    """Where an area stands given the direction: gunstig, ongunstig or neutraal."""
    if p is None or math.isnan(p) or sign == 0 or p == 0:
        return "neutraal"
    signed = p * sign
    return POSITION_LABELS[(signed > 0) - (signed < 0)]


def positions(p: np.ndarray, sign: float) -> np.ndarray:
    """Vectorised :func:`position`."""
    s = np.sign(np.nan_to_num(np.asarray(p, dtype=float)) * sign).astype(int)
    return np.array([POSITION_LABELS[0], POSITION_LABELS[1], POSITION_LABELS[-1]])[s]


def reference_phrase(name: str) -> str:
    return f"het gemiddelde van {name}"


@dataclass(frozen=True)
class GapChange:
    """The change of one area's gap since the baseline (a row of Results.changes)."""

    baseline: int
    latest: int
    p_baseline: float
    p_latest: float
    gap_change: float
    gap_note: str


def _p(value: float, decimals: int) -> str:
    return fmt_number(value, decimals, signed=True)


def gap_sentence(gap: GapChange, sign: float, area: str, reference: str, decimals: int = 1) -> str:
    """One sentence on how the gap to the reference changed, direction-aware, in Dutch."""
    b, latest = gap.baseline, gap.latest
    ref = reference_phrase(reference)
    if math.isnan(gap.p_baseline) or math.isnan(gap.p_latest):
        return f"Geen uitspraak mogelijk: voor {b} of {latest} is er geen (publiceerbaar) cijfer."
    trail = f" (p van {_p(gap.p_baseline, decimals)} in {b} naar {_p(gap.p_latest, decimals)} in {latest})."
    if gap.gap_note == "baseline_zero":
        return f"In {b} was er geen verschil met {ref}" + trail
    if gap.gap_note == "sign_change":
        if sign == 0:
            return f"{area} staat sinds {b} aan de andere kant van {ref}" + trail
        if gap.p_latest * sign > 0:
            return f"{area} heeft {ref} ingehaald" + trail
        return f"{area} is achter geraakt bij {ref}" + trail
    if sign == 0:
        word = "Het verschil"
    elif gap.p_baseline * sign < 0:
        word = "De achterstand"
    else:
        word = "De voorsprong"
    if gap.p_latest == 0:
        return f"{word} ten opzichte van {ref} is sinds de nulmeting ({b}) verdwenen" + trail
    change = gap.gap_change
    if gap_unchanged(change):
        return f"{word} ten opzichte van {ref} is sinds de nulmeting ({b}) gelijk gebleven" + trail
    size = "kleiner" if change < 0 else "groter"
    return (
        f"{word} ten opzichte van {ref} is sinds de nulmeting ({b}) "
        f"met {fmt_percent_change(change)} {size} geworden" + trail
    )


def counted(n: int, one: str, many: str) -> str:
    """A number of things, in Dutch notation: "1 wijk", "1.234 buurten"."""
    return f"{fmt_int(n)} {one if n == 1 else many}"


def listing(parts: list[str]) -> str:
    """Items in a sentence: "a", "a en b", "a, b en c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def count_sentence(counts: dict[str, int]) -> str:
    """ "in 22 wijken gunstig, in 12 ongunstig, in 6 geen verandering" (classes with counts > 0)."""
    parts = []
    for key in DEVELOPMENT_ORDER:
        n = counts.get(key, 0)
        if n:
            noun = ("wijk " if n == 1 else "wijken ") if not parts else ""
            parts.append(f"in {n} {noun}{COUNT_LABELS[key]}")
    if not parts:
        return "geen wijken met een ontwikkeling"
    return listing(parts)
