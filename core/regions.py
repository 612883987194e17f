"""Regions: base regions from ``data/regions.csv`` and composite areas from ``areas.yml``.

The result is one table of every region and area (code, name, level, parent,
gemeente, reference, kind) and a membership table that maps each of them onto the
base regions whose counts make it up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from wijkmonitor.core.model import Area, AreasFile
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml, pydantic_problems

LEVELS = ("gemeente", "wijk", "buurt", "pc4")
# Areas whose figures are given directly rather than summed from members (e.g. the
# report's group totals) may be listed in regions.csv too.
DIRECT_AREA_LEVELS = ("focus_area", "focus_total", "group")
REGION_COLUMNS = ["code", "name", "level", "parent"]
OPTIONAL_COLUMNS = ["reference"]


def read_base_regions(path: Path, display: str) -> pd.DataFrame:
    """Read ``regions.csv``; every problem names its row."""
    if not path.exists():
        raise ProblemsError(
            [Problem(display, None, None, "file is missing (code,name,level,parent)")]
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if list(frame.columns) not in (REGION_COLUMNS, REGION_COLUMNS + OPTIONAL_COLUMNS):
        message = f"columns must be {', '.join(REGION_COLUMNS)} and optionally reference"
        raise ProblemsError([Problem(display, 1, None, message)])
    if "reference" not in frame.columns:
        frame["reference"] = ""
    frame = frame.apply(lambda c: c.str.strip())
    problems = []
    line = frame.index + 2
    for i in frame.index[frame["code"] == ""]:
        problems.append(Problem(display, int(line[i]), "code", "is empty"))
    allowed = (*LEVELS, *DIRECT_AREA_LEVELS)
    for i in frame.index[~frame["level"].isin(allowed)]:
        message = f"{frame['level'][i]!r} is not one of {', '.join(allowed)}"
        problems.append(Problem(display, int(line[i]), "level", message))
    for i in frame.index[frame["code"].duplicated() & (frame["code"] != "")]:
        problems.append(
            Problem(display, int(line[i]), "code", f"{frame['code'][i]!r} is listed twice")
        )
    unknown_parent = (frame["parent"] != "") & ~frame["parent"].isin(frame["code"])
    for i in frame.index[unknown_parent]:
        message = f"{frame['parent'][i]!r} is not a listed code"
        problems.append(Problem(display, int(line[i]), "parent", message))
    unknown_reference = (frame["reference"] != "") & ~frame["reference"].isin(frame["code"])
    for i in frame.index[unknown_reference]:
        message = f"{frame['reference'][i]!r} is not a listed code"
        problems.append(Problem(display, int(line[i]), "reference", message))
    if problems:
        raise ProblemsError(problems)
    return frame.set_index("code")


def read_areas(path: Path, display: str) -> tuple[list[Area], LocatedYaml | None]:
    if not path.exists():
        return [], None
    doc = load_yaml(path, display)
    try:
        return AreasFile.model_validate(doc.data or {}).areas, doc
    except ValidationError as exc:
        raise ProblemsError(pydantic_problems(doc, exc)) from None


def _gemeente_of(base: pd.DataFrame) -> pd.Series:
    """The gemeente each base region lies in (itself for a gemeente), by walking parents."""
    gemeente = pd.Series(base.index.where(base["level"] == "gemeente", ""), index=base.index)
    cursor = base["parent"]
    for _ in range(len(LEVELS)):
        found = (gemeente == "") & cursor.map(base["level"]).eq("gemeente")
        gemeente = gemeente.mask(found, cursor)
        cursor = cursor.map(base["parent"]).fillna("")
    return gemeente


def build_regions(
    base: pd.DataFrame, areas: list[Area], doc: LocatedYaml | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (regions, membership).

    regions: index code; name, level, parent, gemeente, reference, kind.
    membership: region, base — every region and area mapped onto its base regions.
    """
    problems: list[Problem] = []

    def problem(loc: tuple, message: str) -> Problem:
        return doc.problem(loc, message) if doc else Problem("areas.yml", None, None, message)

    area_ids = [a.id for a in areas]
    known = set(base.index) | set(area_ids)
    seen: set[str] = set()
    for i, area in enumerate(areas):
        where = ("areas", i)
        if area.id in base.index or area.id in seen:
            problems.append(problem((*where, "id"), f"{area.id!r} is used twice"))
        seen.add(area.id)
        for j, member in enumerate(area.members):
            if member not in known:
                message = f"{member!r} is neither a code in data/regions.csv nor an area id"
                problems.append(problem((*where, "members", j), message))
        if area.reference is not None and area.reference not in known:
            message = f"{area.reference!r} is neither a code in data/regions.csv nor an area id"
            problems.append(problem((*where, "reference"), message))
    if problems:
        raise ProblemsError(problems)

    # Flatten composites of composites into base regions (depth-first, cycle-safe).
    direct = {a.id: a.members for a in areas}
    flat: dict[str, list[str]] = {}

    def flatten(area_id: str, trail: tuple[str, ...]) -> list[str]:
        if area_id in flat:
            return flat[area_id]
        if area_id in trail:
            cycle = " -> ".join((*trail, area_id))
            index = area_ids.index(area_id)
            raise ProblemsError([problem(("areas", index, "members"), f"cycle: {cycle}")])
        result: list[str] = []
        for member in direct[area_id]:
            result += flatten(member, (*trail, area_id)) if member in direct else [member]
        flat[area_id] = sorted(set(result))
        return flat[area_id]

    for area_id in area_ids:
        flatten(area_id, ())

    gemeente = _gemeente_of(base)
    base_table = pd.DataFrame(
        {
            "name": base["name"],
            "level": base["level"],
            "parent": base["parent"],
            "gemeente": gemeente,
            "reference": base["reference"].where(
                base["reference"] != "",
                gemeente.where(~base["level"].isin(("gemeente", "group")), ""),
            ),
            "kind": "base",
        }
    )
    membership = pd.DataFrame(
        [(a, b) for a, members in flat.items() for b in members], columns=["region", "base"]
    )
    area_gemeente = membership.assign(g=membership["base"].map(gemeente)).groupby("region")["g"]
    single = area_gemeente.nunique().eq(1)
    area_gemeente = area_gemeente.first().where(single, "")
    area_table = pd.DataFrame(
        {
            "name": [a.name for a in areas],
            "level": [a.kind for a in areas],
            "parent": "",
            "gemeente": [area_gemeente.get(a.id, "") for a in areas],
            "reference": [
                a.reference
                if a.reference is not None
                else (area_gemeente.get(a.id, "") if a.kind != "group" else "")
                for a in areas
            ],
            "kind": [a.kind for a in areas],
        },
        index=pd.Index(area_ids, name="code"),
    )
    regions = pd.concat([base_table, area_table])
    regions.index.name = "code"
    identity = pd.DataFrame({"region": base.index, "base": base.index})
    membership = pd.concat([identity, membership], ignore_index=True)
    return regions, membership
