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
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml, pydantic_problems, read_utf8

LEVELS = ("gemeente", "wijk", "buurt", "pc4")
# Areas whose figures are given directly rather than summed from members (e.g. the
# report's group totals) may be listed in regions.csv too.
DIRECT_AREA_LEVELS = ("focus_area", "focus_total", "group")
REGION_COLUMNS = ["code", "name", "level", "parent"]
OPTIONAL_COLUMNS = ["reference"]
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]*"


def read_base_regions(path: Path, display: str) -> pd.DataFrame:
    """Read ``regions.csv``; every problem names its row."""
    if not path.exists():
        message = "is missing; it lists the base regions: code,name,level,parent"
        raise ProblemsError([Problem(display, None, "file", message)])
    frame = _read_regions_csv(path, display)
    if "reference" not in frame.columns:
        frame["reference"] = ""
    frame = frame.apply(lambda c: c.str.strip())
    problems = []
    line = frame.index + 2

    def rows(mask: pd.Series, field: str, message) -> None:
        hits = frame.index[mask]
        for i in hits[:MAX_REPORTED]:
            problems.append(Problem(display, int(line[i]), field, message(i)))
        problems.extend(and_more(len(hits), display, field, "more like the above"))

    rows(frame["code"] == "", "code", lambda i: "is empty; every region needs a code")
    # Codes become file names and addresses on the site (/gemeente/GM0363/).
    bad_code = (frame["code"] != "") & ~frame["code"].str.fullmatch(CODE_PATTERN)
    rows(
        bad_code,
        "code",
        lambda i: (
            f"{frame['code'][i]!r} is not allowed; a code has letters, digits, '_' "
            "and '-' only (e.g. GM0363, WK036300, 1024)"
        ),
    )
    allowed = (*LEVELS, *DIRECT_AREA_LEVELS)
    rows(
        ~frame["level"].isin(allowed),
        "level",
        lambda i: f"{frame['level'][i]!r} is not one of {', '.join(allowed)}",
    )
    first_line = line.to_series(index=frame.index).groupby(frame["code"]).transform("first")
    rows(
        frame["code"].duplicated() & (frame["code"] != ""),
        "code",
        lambda i: f"{frame['code'][i]!r} is listed twice (also on line {first_line[i]})",
    )
    unknown_parent = (frame["parent"] != "") & ~frame["parent"].isin(frame["code"])
    rows(
        unknown_parent,
        "parent",
        lambda i: f"{frame['parent'][i]!r} is not a listed code (leave it empty for a gemeente)",
    )
    unknown_reference = (frame["reference"] != "") & ~frame["reference"].isin(frame["code"])
    rows(
        unknown_reference,
        "reference",
        lambda i: f"{frame['reference'][i]!r} is not a listed code",
    )
    if problems:
        raise ProblemsError(problems)
    cycles = _in_parent_cycle(frame)
    parent = dict(zip(frame["code"], frame["parent"], strict=True))
    rows(cycles, "parent", lambda i: f"the parents go round in a cycle: {_chain(frame, i, parent)}")
    if problems:
        raise ProblemsError(problems)
    return frame.set_index("code")


def _read_regions_csv(path: Path, display: str) -> pd.DataFrame:
    columns = f"{','.join(REGION_COLUMNS)}[,reference]"
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        # pandas decodes in chunks: decode the whole file to say where it goes wrong.
        read_utf8(path, display)
        raise
    except pd.errors.EmptyDataError:
        message = f"the file is empty; the first line must be {columns}"
        raise ProblemsError([Problem(display, 1, "header", message)]) from None
    except pd.errors.ParserError as exc:
        raise ProblemsError([Problem(display, None, "csv", f"not valid CSV: {exc}")]) from None
    if list(frame.columns) not in (REGION_COLUMNS, REGION_COLUMNS + OPTIONAL_COLUMNS):
        missing = [c for c in REGION_COLUMNS if c not in frame.columns]
        message = f"columns must be {columns}"
        if missing:
            message += f"; missing: {', '.join(missing)}"
        unknown = [c for c in frame.columns if c not in REGION_COLUMNS + OPTIONAL_COLUMNS]
        if unknown:
            message += f"; unknown: {', '.join(map(str, unknown))}"
        raise ProblemsError([Problem(display, 1, "header", message)])
    if frame.empty:
        message = "the file has a header but no regions; list at least the gemeente"
        raise ProblemsError([Problem(display, 1, "rows", message)])
    return frame


def _in_parent_cycle(frame: pd.DataFrame) -> pd.Series:
    """Rows whose chain of parents never ends (vectorised: pointer doubling)."""
    parent = pd.Series(frame["parent"].to_numpy(), index=frame["code"].to_numpy())
    parent = parent[~parent.index.duplicated()]
    cursor = frame["parent"]
    steps = 1
    while steps <= len(frame):
        cursor = cursor.map(parent).fillna("")
        parent = parent.map(parent).fillna("").where(parent != "", "")
        steps *= 2
    return cursor != ""


def _chain(frame: pd.DataFrame, i: int, parent: dict[str, str]) -> str:
    code = frame["code"][i]
    chain = [code]
    while parent.get(chain[-1]) and parent[chain[-1]] not in chain:
        chain.append(parent[chain[-1]])
    chain.append(parent.get(chain[-1], ""))
    return " -> ".join(chain)


def read_areas(path: Path, display: str) -> tuple[list[Area], LocatedYaml | None]:
    if not path.exists():
        return [], None
    doc = load_yaml(path, display)
    if doc.data is not None and not isinstance(doc.data, dict):
        message = "must be a mapping with the key areas (a list of areas), or empty"
        raise ProblemsError([Problem(display, 1, "top level", message)])
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
    seen: dict[str, int] = {}
    for i, area in enumerate(areas):
        where = ("areas", i)
        if area.id in base.index:
            message = f"{area.id!r} is also a code in data/regions.csv; choose another id"
            problems.append(problem((*where, "id"), message))
        elif area.id in seen:
            first = doc.line(("areas", seen[area.id], "id")) if doc else None
            message = f"{area.id!r} is already the id of the area on line {first}"
            problems.append(problem((*where, "id"), message))
        seen.setdefault(area.id, i)
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
