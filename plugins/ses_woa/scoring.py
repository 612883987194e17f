"""SES-WOA scores of households: fit the MCA once, store its coefficients, apply them.

Method (following CBS's published description; docs/methods.md §9): a Multiple Correspondence
Analysis on the three categorical household variables, first dimension only, fitted on
the households of one reference year (CBS: 2019).

From MCA to coefficients. With Q = 3 variables, the MCA row (principal) coordinate of a
household on dimension 1 equals the mean of the *standard* coordinates a_j of its three
categories (the transition formula ``f_i = (1/Q) * sum_j a_j``), and a_j = g_j / sqrt(λ),
g_j being the category's principal coordinate and λ the eigenvalue. So every category
gets the coefficient ``c_j = a_j / Q`` and

- total score of a household = c(welvaart decile) + c(opleiding) + c(arbeid)
  (= its MCA row coordinate);
- sub-score welvaart / opleiding / arbeid = the coefficient of its own category.

Orientation: the sign of an MCA axis is arbitrary; it is turned so that welfare decile 10
scores higher than decile 1. Centring: per variable the coefficients are shifted so that
their mean over the reference year's households is 0 (an MCA gives this already, up to
rounding), so the reference year's mean total and sub-scores are 0.

The coefficients are stored in a small versioned JSON file and applied unchanged to every
year: a year's scores never depend on the households of other years.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.plugins.ses_woa.households import CATEGORIES

FORMAT_VERSION = 1
# Sub-score name -> household column.
DIMENSION_COLUMNS = {"welvaart": "welvaart_decile", "opleiding": "opleiding", "arbeid": "arbeid"}
DIMENSIONS = ("totaal", *DIMENSION_COLUMNS)
METHOD = (
    "prince.MCA, 1 dimension, on welvaart_decile (10 classes), opleiding (5) and arbeid (7) "
    "of the reference year's households; coefficient = standard coordinate / 3 (so the total "
    "score is the MCA row coordinate), oriented so that a higher welfare decile scores "
    "higher, centred on the reference year's mean per variable"
)


@dataclass(frozen=True)
class Coefficients:
    """Per-category coefficients of the SES-WOA score, fitted on one reference year."""

    reference_year: int
    # household column -> {category (1..n): coefficient}
    categories: dict[str, dict[int, float]]
    eigenvalue: float
    total_inertia: float
    n_households: int
    method: str = METHOD
    source: str = ""
    format_version: int = FORMAT_VERSION
    notes: list[str] = field(default_factory=list)

    @property
    def explained_inertia(self) -> float:
        return self.eigenvalue / self.total_inertia if self.total_inertia else float("nan")


def fit(
    households: pd.DataFrame,
    reference_year: int | None = None,
    source: str = "",
    notes: list[str] | None = None,
) -> Coefficients:
    """Fit the MCA on one year's households (all rows when ``reference_year`` is None).

    Every category of every variable must occur in that year, or it would get no
    coefficient.
    """
    if reference_year is not None:
        households = households[households["period"] == reference_year]
    years = households["period"].unique()
    if len(years) != 1:
        raise ValueError(f"fit on one reference year; the households cover {sorted(years)}")
    columns = list(CATEGORIES)
    missing = [
        f"{column} {k}"
        for column, n in CATEGORIES.items()
        for k in sorted(set(range(1, n + 1)) - set(households[column].unique()))
    ]
    if missing:
        raise ValueError(f"categories without households in {int(years[0])}: {', '.join(missing)}")
    import prince  # slow to import (scikit-learn); only fitting needs it

    X = households[columns].astype("int64").reset_index(drop=True)
    mca = prince.MCA(n_components=1, engine="scipy", random_state=0).fit(X)
    eigenvalue = float(mca.eigenvalues_[0])
    principal = mca.column_coordinates(X)[0]
    coefficient = principal / (np.sqrt(eigenvalue) * len(columns))
    labels = principal.index.str.rsplit("__", n=1)
    table = pd.DataFrame(
        {
            "column": [label[0] for label in labels],
            "category": [int(label[1]) for label in labels],
            "coefficient": coefficient.to_numpy(),
        }
    )
    # Orient: the highest welfare decile scores above the lowest.
    welfare = table[table["column"] == "welvaart_decile"].set_index("category")["coefficient"]
    if welfare[CATEGORIES["welvaart_decile"]] < welfare[1]:
        table["coefficient"] = -table["coefficient"]
    # Centre each variable on the reference households' mean.
    share = pd.concat(
        [
            X[c].value_counts(normalize=True).rename_axis("category").reset_index().assign(column=c)
            for c in columns
        ]
    )
    table = table.merge(share, on=["column", "category"])
    mean = (table["coefficient"] * table["proportion"]).groupby(table["column"]).sum()
    table["coefficient"] -= table["column"].map(mean)
    categories = {
        column: dict(
            zip(group["category"].astype(int), group["coefficient"].astype(float), strict=True)
        )
        for column, group in table.sort_values(["column", "category"]).groupby("column", sort=False)
    }
    return Coefficients(
        reference_year=int(years[0]),
        categories={c: categories[c] for c in columns},
        eigenvalue=eigenvalue,
        total_inertia=float(mca.total_inertia_),
        n_households=len(X),
        source=source,
        notes=list(notes or []),
    )


def apply(households: pd.DataFrame, coefficients: Coefficients) -> pd.DataFrame:
    """Scores per household: columns totaal, welvaart, opleiding, arbeid (vectorised)."""
    scores = pd.DataFrame(index=households.index)
    for dimension, column in DIMENSION_COLUMNS.items():
        scores[dimension] = households[column].map(coefficients.categories[column]).astype(float)
    scores.insert(0, "totaal", scores[list(DIMENSION_COLUMNS)].sum(axis=1, min_count=3))
    return scores


def to_json(coefficients: Coefficients) -> str:
    """The stored form: small, versioned, readable, with a stable key order."""
    data = asdict(coefficients)
    data["explained_inertia"] = coefficients.explained_inertia
    data["categories"] = {
        column: {str(k): round(v, 12) for k, v in values.items()}
        for column, values in coefficients.categories.items()
    }
    order = [
        "format_version",
        "method",
        "reference_year",
        "source",
        "n_households",
        "eigenvalue",
        "total_inertia",
        "explained_inertia",
        "categories",
        "notes",
    ]
    return json.dumps({k: data[k] for k in order}, indent=2, ensure_ascii=False) + "\n"


def save_coefficients(coefficients: Coefficients, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(coefficients), encoding="utf-8")


def load_coefficients(path: Path, display: str | None = None) -> Coefficients:
    """Read a coefficients file; every problem names the key."""
    display = display or str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProblemsError([Problem(display, None, None, "file not found")]) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ProblemsError([Problem(display, None, None, f"cannot read as JSON: {exc}")]) from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        version = data.get("format_version") if isinstance(data, dict) else None
        raise ProblemsError(
            [
                Problem(
                    display,
                    None,
                    "format_version",
                    f"{version!r}: this version of wijkmonitor reads format_version "
                    f"{FORMAT_VERSION}",
                )
            ]
        )
    problems = []
    categories: dict[str, dict[int, float]] = {}
    given = data.get("categories")
    for column, n in CATEGORIES.items():
        values = given.get(column) if isinstance(given, dict) else None
        expected = {str(k) for k in range(1, n + 1)}
        if not isinstance(values, dict) or set(values) != expected:
            problems.append(
                Problem(display, None, f"categories.{column}", f"needs the classes 1-{n}")
            )
            continue
        if not all(isinstance(v, int | float) and np.isfinite(v) for v in values.values()):
            problems.append(Problem(display, None, f"categories.{column}", "needs numbers"))
            continue
        categories[column] = {int(k): float(v) for k, v in values.items()}
    for key in ("reference_year", "n_households"):
        if not isinstance(data.get(key), int):
            problems.append(Problem(display, None, key, "needs a whole number"))
    for key in ("eigenvalue", "total_inertia"):
        if not isinstance(data.get(key), int | float):
            problems.append(Problem(display, None, key, "needs a number"))
    if problems:
        raise ProblemsError(problems)
    return Coefficients(
        reference_year=data["reference_year"],
        categories=categories,
        eigenvalue=float(data["eigenvalue"]),
        total_inertia=float(data["total_inertia"]),
        n_households=data["n_households"],
        method=str(data.get("method", "")),
        source=str(data.get("source", "")),
        notes=list(data.get("notes", [])),
    )
