"""Turn the report's printed group tables into this example monitor's input files.

Run once (``python convert.py``); its outputs are committed. Input:
``printed/report_2012_group_tables.csv`` — every yearly group table of the CBS report
"Outcomemonitor Wijkenaanpak" (2012), transcribed. Per indicator, group (G18, G4, G14)
and year it holds the printed figure of the group's aandachtswijken together
(``focus``), of the group as a whole (``reference``) and the printed deviation p.

The report prints only these figures, not the counts behind them, so every
indicator here is a given figure (formula kind ``value``) and the example checks the
comparison step: p from the printed focus and reference figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).parent

THEMES = {
    "wonen_en_leefbaarheid": "Wonen en leefbaarheid",
    "leren": "Leren",
    "werken": "Werken",
    "inkomen_en_schuldenproblematiek": "Inkomen en schuldenproblematiek",
    "veiligheid": "Veiligheid",
    "gezondheid": "Gezondheid",
    "integratie": "Integratie",
}

# id: (theme, title, direction, unit, comparison, baseline)
INDICATORS = {
    "sociale_huurwoningen": (
        "wonen_en_leefbaarheid",
        "Sociale huurwoningen",
        "lower",
        "%",
        {},
        2007,
    ),
    "verkoopprijs_woningen": (
        "wonen_en_leefbaarheid",
        "Gemiddelde verkoopprijs woningen",
        "higher",
        "x 1.000 euro",
        {},
        2006,
    ),
    "leefbaarheidsscore": (
        "wonen_en_leefbaarheid",
        "Leefbaarheidsscore (1-7)",
        "higher",
        "score",
        {},
        2006,
    ),
    "voorzieningenniveau": (
        "wonen_en_leefbaarheid",
        "Leefbaarometer: voorzieningen",
        "higher",
        "score",
        {"offset": 100},
        2006,
    ),
    "havo_vwo_3e_leerjaar": (
        "leren",
        "Leerlingen in het 3e leerjaar havo/vwo",
        "higher",
        "%",
        {},
        2006,
    ),
    "voortijdig_schoolverlaters": ("leren", "Voortijdig schoolverlaters", "lower", "%", {}, 2006),
    "cito_score": ("leren", "Cito-eindtoets", "higher", "score", {"offset": 200}, 2007),
    "inkomsten_uit_arbeid": ("werken", "Inkomsten uit arbeid", "higher", "%", {}, 2007),
    "niet_werkend_werkzoekenden": ("werken", "Niet-werkende werkzoekenden", "lower", "%", {}, 2007),
    "werkloosheidsuitkeringen": ("werken", "Werkloosheidsuitkeringen", "lower", "%", {}, 2007),
    "langdurig_bijstandsafhankelijken": (
        "werken",
        "Langdurig bijstandsafhankelijken",
        "lower",
        "%",
        {},
        2007,
    ),
    "inkomsten_uit_arbeid_moe_landers": (
        "werken",
        "Inkomsten uit arbeid, MOE-landers",
        "higher",
        "%",
        {},
        2007,
    ),
    "lage_inkomens": (
        "inkomen_en_schuldenproblematiek",
        "Huishoudens met een laag inkomen",
        "lower",
        "%",
        {},
        2006,
    ),
    "wanbetalers_zorgverzekering": (
        "inkomen_en_schuldenproblematiek",
        "Wanbetalers zorgverzekering",
        "lower",
        "%",
        {},
        2007,
    ),
    "gestarte_schuldsaneringen": (
        "inkomen_en_schuldenproblematiek",
        "Gestarte schuldsaneringen",
        "lower",
        "per 10.000 inwoners van 18 jaar en ouder",
        {},
        2006,
    ),
    "veiligheid_overlast_score": (
        "veiligheid",
        "Leefbaarometer: overlast en veiligheid",
        "higher",
        "score",
        {"offset": 100},
        2006,
    ),
    "pasgeborenen_extra_zorg": (
        "gezondheid",
        "Pasgeborenen met extra zorg",
        "lower",
        "%",
        {},
        2006,
    ),
    "medicijngebruik_index": ("gezondheid", "Medicijngebruik (index)", "lower", "index", {}, 2007),
    "integratie_havo_vwo": (
        "integratie",
        "Havo/vwo: niet-westers t.o.v. autochtoon",
        "higher",
        "per 100 autochtonen",
        {"quotient": True},
        2006,
    ),
    "integratie_werkloosheidsuitkeringen": (
        "integratie",
        "WW: niet-westers t.o.v. autochtoon",
        "lower",
        "quotiënt x 100",
        {"quotient": True},
        2007,
    ),
    "integratie_niet_werkend_werkzoekenden": (
        "integratie",
        "Werkzoekenden: niet-westers t.o.v. autochtoon",
        "lower",
        "quotiënt x 100",
        {"quotient": True},
        2007,
    ),
    "integratie_langdurig_bijstand": (
        "integratie",
        "Langdurige bijstand: niet-westers t.o.v. autochtoon",
        "lower",
        "quotiënt x 100",
        {"quotient": True},
        2007,
    ),
    "integratie_inkomsten_uit_arbeid": (
        "integratie",
        "Inkomsten uit arbeid: niet-westers t.o.v. autochtoon",
        "higher",
        "quotiënt x 100",
        {"quotient": True},
        2007,
    ),
    "integratie_paren_niet_westerse_partner": (
        "integratie",
        "Paren met één niet-westerse partner",
        "higher",
        "quotiënt x 100",
        {"quotient": True},
        2007,
    ),
}

GROUPS = {"G18": "G18", "G4": "G4", "G14": "G14"}


def comparison(spec: dict) -> dict:
    if spec.get("quotient"):
        return {"kind": "quotient_ratio"}
    if "offset" in spec:
        return {"kind": "shifted_ratio", "offset": spec["offset"]}
    return {"kind": "ratio"}


def main() -> None:
    printed = pd.read_csv(HERE / "printed/report_2012_group_tables.csv", dtype=str)
    figures = printed[printed["series"].isin(["focus", "reference"])]
    region = figures["group"] + figures["series"].map(
        {"focus": "-aandachtswijken", "reference": ""}
    )
    tidy = pd.DataFrame(
        {
            "region": region,
            "period": figures["period"],
            "variable": figures["indicator"],
            "value": figures["value"],
        }
    ).sort_values(["variable", "region", "period"])
    tidy.to_csv(HERE / "data/report_2012_group_figures.csv", index=False, lineterminator="\n")

    rows = []
    for group in GROUPS:
        rows.append((group, group, "group", "", ""))
        rows.append(
            (
                f"{group}-aandachtswijken",
                f"{group}, totaal aandachtswijken",
                "focus_total",
                "",
                group,
            )
        )
    pd.DataFrame(rows, columns=["code", "name", "level", "parent", "reference"]).to_csv(
        HERE / "data/regions.csv", index=False, lineterminator="\n"
    )

    themes = [{"id": k, "title": v} for k, v in THEMES.items()]
    (HERE / "indicators/themes.yml").write_text(
        yaml.safe_dump(themes, allow_unicode=True, sort_keys=False)
    )
    periods = printed.groupby("indicator")["period"].agg(lambda s: sorted({int(p) for p in s}))
    for ind_id, (theme, title, direction, unit, spec, baseline) in INDICATORS.items():
        doc = {
            "id": ind_id,
            "title": title,
            "theme": theme,
            "definition": f"{title}, zoals gedrukt in de groepstabellen van het rapport (2012).",
            "direction": f"{direction}_is_better",
            "unit": unit,
            "formula": {"kind": "value", "variable": ind_id},
            "comparison": comparison(spec),
            "source": "CBS, Outcomemonitor Wijkenaanpak (2012), groepstabellen",
            "measurement_moment": {"kind": "peilmoment", "date": "zie Bijlage 2 van het rapport"},
            "periods": periods[ind_id],
            "baseline_period": baseline,
            "decimals": 1,
        }
        if ind_id == "leefbaarheidsscore":
            doc["notes"] = (
                "De verschuiving c voor de schaal 1-7 is uit de gedrukte cijfers niet terug te "
                "vinden (de invoer is op hele getallen afgerond). Aangenomen: c = 0, een gewone "
                "verhouding; alle negen gedrukte afwijkingen vallen binnen de afronding."
            )
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=88)
        (HERE / f"indicators/{ind_id}.yml").write_text(text)


if __name__ == "__main__":
    main()
