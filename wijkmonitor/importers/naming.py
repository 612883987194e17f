"""Column titles of StatLine tables -> stable snake_case variable ids.

The rule (deterministic, so the same title always gives the same id):

Mappings match titles with white space collapsed and case ignored. The rule:

1. Split off the unit: the last parenthesised group at the end of the title
   (``SES-WOA/Totaalscore/Gemiddelde score (Getal)`` -> unit ``Getal``).
2. Take the rest, replace accented letters by their plain letter (``Financiële`` ->
   ``Financiele``) and lower-case it.
3. Replace every run of characters other than a-z and 0-9 (slashes, spaces, hyphens,
   commas, ...) by one ``_``; strip ``_`` at both ends.
4. An id that would start with a digit gets the prefix ``v_``.
5. When two columns of one file get the same id, both get their unit appended
   (``%`` -> ``pct``, other units by steps 2-3); still equal is an error.

So ``SES-WOA/Totaalscore/Gemiddelde score (Getal)`` -> ``ses_woa_totaalscore_gemiddelde_score``
and ``Particuliere huishoudens (Aantal)`` -> ``particuliere_huishoudens``.

Before the rule, a built-in mapping gives the columns of CBS table 85163NED (SES-WOA
scores per wijk en buurt) short, readable ids; a user mapping (YAML ``{title: id}``)
overrides both.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

UNIT_RE = re.compile(r"^(?P<base>.*?)\s*\((?P<unit>[^()]*)\)\s*$")
VARIABLE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# CBS 85163NED "Sociaal-economische status; scores per wijk en buurt, regio-indeling 2021".
# Titles as the StatLine CSV export and the OData DataProperties (path + unit) write them.
SES_WOA_85163NED: dict[str, str] = {
    "Particuliere huishoudens (Aantal)": "particuliere_huishoudens",
    "SES-WOA/Totaalscore/Gemiddelde score (Getal)": "ses_woa_totaal_gemiddelde",
    "SES-WOA/Deelscore financiële welvaart/Gemiddelde score (Getal)": (
        "ses_woa_welvaart_gemiddelde"
    ),
    "SES-WOA/Deelscore opleidingsniveau/Gemiddelde score (Getal)": "ses_woa_opleiding_gemiddelde",
    "SES-WOA/Deelscore arbeidsverleden/Gemiddelde score (Getal)": "ses_woa_arbeid_gemiddelde",
    "Spreiding/Spreiding totaal/Waarde (Getal)": "ses_woa_totaal_spreiding",
    "Spreiding/Spreiding welvaart/Waarde (Getal)": "ses_woa_welvaart_spreiding",
    "Spreiding/Spreiding opleidingsniveau/Waarde (Getal)": "ses_woa_opleiding_spreiding",
    "Spreiding/Spreiding arbeidsverleden/Waarde (Getal)": "ses_woa_arbeid_spreiding",
    "Financiële Welvaart/Gemiddelde percentielgroep (Getal)": "welvaart_gemiddelde_percentielgroep",
    "Gestandaardiseerd inkomen/Gemiddelde percentielgroep (Getal)": (
        "inkomen_gemiddelde_percentielgroep"
    ),
    "Vermogen/Gemiddelde percentielgroep (Getal)": "vermogen_gemiddelde_percentielgroep",
    "Opleidingsniveau/Laag/Waarde (%)": "opleidingsniveau_laag_pct",
    "Opleidingsniveau/Middelbaar/Waarde (%)": "opleidingsniveau_middelbaar_pct",
    "Opleidingsniveau/Hoog/Waarde (%)": "opleidingsniveau_hoog_pct",
}


def normalise_title(title: str) -> str:
    """Collapse runs of white space, so padding in a header never changes the match."""
    return " ".join(title.split())


def _key(title: str) -> str:
    """Match key for mappings: white space collapsed, case ignored (the API writes units in
    lower case, ``(aantal)``, where the CSV export writes ``(Aantal)``)."""
    return normalise_title(title).casefold()


def split_unit(title: str) -> tuple[str, str]:
    """(title without unit, unit); unit "" when the title does not end in "(...)"."""
    match = UNIT_RE.match(normalise_title(title))
    if not match:
        return normalise_title(title), ""
    return match.group("base"), match.group("unit")


def slug(text: str) -> str:
    """Steps 2-3 of the rule: ASCII, lower case, non-alphanumeric runs -> "_"."""
    if text.strip() == "%":
        return "pct"
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")


def title_to_id(title: str) -> str:
    """Steps 1-4 of the rule for one title."""
    base, _unit = split_unit(title)
    ident = slug(base) or "kolom"
    return f"v_{ident}" if ident[0].isdigit() else ident


def variable_ids(
    titles: Sequence[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Map every measure title to its variable id: user override, built-in, then the rule.

    Raises ValueError when two titles end up with the same id even with their units.
    """
    overrides = {_key(k): v for k, v in (overrides or {}).items()}
    builtin = {_key(k): v for k, v in SES_WOA_85163NED.items()}
    result: dict[str, str] = {}
    ruled: list[str] = []
    for title in titles:
        key = _key(title)
        if key in overrides:
            result[title] = overrides[key]
        elif key in builtin:
            result[title] = builtin[key]
        else:
            result[title] = title_to_id(title)
            ruled.append(title)
    # Step 5: clashes among rule-made ids get their unit appended.
    # Counted once, not searched per title: an export of many columns must not hang.
    uses = Counter(result.values())
    clashing = {t for t in ruled if uses[result[t]] > 1}
    for title in clashing:
        unit = slug(split_unit(title)[1])
        if unit:
            result[title] = f"{result[title]}_{unit}"
    seen: dict[str, str] = {}
    for title, ident in result.items():
        if ident in seen:
            raise ValueError(f"columns {seen[ident]!r} and {title!r} both map to {ident!r}")
        seen[ident] = title
    return result
