"""Regions: base regions from ``data/regions.csv`` and composite areas from ``areas.yml``.

The result is one table of every region and area (code, name, level, parent,
gemeente, reference, kind) and a membership table that maps each of them onto the
base regions whose counts make it up.

The file format of ``regions.csv`` (``code,name,level,parent[,reference]``) is owned
here: :func:`read_regions_csv` is its one reader (the monitor loader and the importers'
``--regions``), :func:`write_regions_csv` its one writer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from wijkmonitor.core.arrowstrings import is_in
from wijkmonitor.core.atomic import replacing
from wijkmonitor.core.csvfile import (
    RowLines,
    csv_problems,
    field_count_problems,
    read_csv_bytes,
    refuse_binary,
)
from wijkmonitor.core.inputfiles import read_input
from wijkmonitor.core.model import BIDI_CONTROLS, Area, AreasFile
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml, pydantic_problems

LEVELS = ("gemeente", "wijk", "buurt", "pc4")
# Areas whose figures are given directly rather than summed from members (e.g. the
# report's group totals) may be listed in regions.csv too.
DIRECT_AREA_LEVELS = ("focus_area", "focus_total", "group")
REGION_COLUMNS = ["code", "name", "level", "parent"]
OPTIONAL_COLUMNS = ["reference"]
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]*"
SELF_REFERENCE = (
    "a region compared with itself has p = 0 in every year; the reference is the wider "
    "area it is compared with (its gemeente or a group), or leave it empty"
)
CASE_CLASH = (
    "both become page addresses, which are one and the same on a case-insensitive file "
    "system (Windows, macOS); make them differ in more than case"
)


def read_base_regions(path: Path, display: str) -> pd.DataFrame:
    """Read ``regions.csv``; every problem names its row."""
    if not path.exists():
        message = "is missing; it lists the base regions: code,name,level,parent"
        raise ProblemsError([Problem(display, None, "file", message)])
    frame = read_regions_csv(path, display)
    if "reference" not in frame.columns:
        frame["reference"] = ""
    frame = frame.apply(lambda c: c.str.strip())
    problems = []
    line = pd.Index(frame.attrs["lines"])  # the real lines, by position

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
        ~is_in(frame["level"], allowed),
        "level",
        lambda i: f"{frame['level'][i]!r} is not one of {', '.join(allowed)}",
    )
    first_line = line.to_series(index=frame.index).groupby(frame["code"]).transform("first")
    rows(
        frame["code"].duplicated() & (frame["code"] != ""),
        "code",
        lambda i: f"{frame['code'][i]!r} is listed twice (also on line {first_line[i]})",
    )
    unknown_parent = (frame["parent"] != "") & ~is_in(frame["parent"], frame["code"])
    rows(
        unknown_parent,
        "parent",
        lambda i: f"{frame['parent'][i]!r} is not a listed code (leave it empty for a gemeente)",
    )
    unknown_reference = (frame["reference"] != "") & ~is_in(frame["reference"], frame["code"])
    rows(
        unknown_reference,
        "reference",
        lambda i: f"{frame['reference'][i]!r} is not a listed code",
    )
    rows(
        (frame["reference"] != "") & (frame["reference"] == frame["code"]),
        "reference",
        lambda i: f"{frame['code'][i]!r} is the row's own code: {SELF_REFERENCE}",
    )
    # Codes become page addresses: on a case-insensitive file system (Windows, macOS)
    # GM0363 and gm0363 are one page, and one region's figures would overwrite the other's.
    folded = frame["code"].str.casefold()
    first_code = frame["code"].groupby(folded).transform("first")
    first_case_line = line.to_series(index=frame.index).groupby(folded).transform("first")
    rows(
        (frame["code"] != first_code) & (frame["code"] != ""),
        "code",
        lambda i: (
            f"{frame['code'][i]!r} differs from {first_code[i]!r} (line {first_case_line[i]}) "
            f"only in upper/lower case; {CASE_CLASH}"
        ),
    )
    if problems:
        raise ProblemsError(problems)
    cycles = _in_parent_cycle(frame)
    parent = dict(zip(frame["code"], frame["parent"], strict=True))
    rows(cycles, "parent", lambda i: f"the parents go round in a cycle: {_chain(frame, i, parent)}")
    if problems:
        raise ProblemsError(problems)
    return frame.set_index("code")


def read_regions_csv(path: Path, display: str, *, rows_required: bool = True) -> pd.DataFrame:
    """The rows of a regions file as text, as written (fields not stripped): the file
    format only (encoding, columns, field counts), not what the rows say, which
    :func:`read_base_regions` checks. ``attrs["lines"]`` holds the real line of each row
    (blank lines and names with a quoted line break in them count).

    Without ``rows_required`` a header without rows is fine: an importer adds the rows.
    """
    columns = f"{','.join(REGION_COLUMNS)}[,reference]"
    data = read_input(path, display)
    refuse_binary(data, display)
    with csv_problems(data, display, f"the file is empty; the first line must be {columns}"):
        frame = read_csv_bytes(data, display, dtype=str, keep_default_na=False)
    if list(frame.columns) not in (REGION_COLUMNS, REGION_COLUMNS + OPTIONAL_COLUMNS):
        missing = [c for c in REGION_COLUMNS if c not in frame.columns]
        message = f"columns must be {columns}"
        if missing:
            message += f"; missing: {', '.join(missing)}"
        unknown = [c for c in frame.columns if c not in REGION_COLUMNS + OPTIONAL_COLUMNS]
        if unknown:
            message += f"; unknown: {', '.join(map(str, unknown))}"
        raise ProblemsError([Problem(display, 1, "header", message)])
    problems = field_count_problems(data, display, len(frame.columns), len(frame))
    if problems:
        raise ProblemsError(problems)
    if frame.empty and rows_required:
        message = "the file has a header but no regions; list at least the gemeente"
        raise ProblemsError([Problem(display, 1, "rows", message)])
    # A few thousand rows at most: their lines are cheap to find up front.
    frame.attrs["lines"] = RowLines(data, display, len(frame))(np.arange(len(frame)))
    return frame


def write_regions_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a regions file: the columns REGION_COLUMNS, and ``reference`` when the frame
    has it, every field as text. Written beside and renamed, so a failed run leaves the
    previous file whole."""
    columns = REGION_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in frame.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing([path]) as (partial,):
        frame[columns].fillna("").to_csv(partial, index=False)


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
    problems = _declared_area_problems(base, areas, doc)
    if problems:
        raise ProblemsError(problems)
    area_ids = [a.id for a in areas]

    def problem(loc: tuple, message: str) -> Problem:
        return doc.problem(loc, message) if doc else Problem("areas.yml", None, None, message)

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
    # Text from the monitor's files loses its bidi controls where it enters the model.
    names = base["name"].str.replace(BIDI_CONTROLS, "", regex=True)
    base_table = pd.DataFrame(
        {
            "name": names,
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
    ancestors = _ancestors(base)
    problems = _overlapping_members(areas, membership, ancestors, problem)
    problems += _references_inside(base, areas, membership, ancestors, problem)
    if problems:
        raise ProblemsError(problems)
    return regions, membership


# What to do about a reference that is the region itself (or covers the same regions).
SELF_REFERENCE_FIX = (
    "the reference is the wider area it is compared with (its gemeente or a group), or "
    "leave it out to compare with its gemeente"
)


def _declared_area_problems(
    base: pd.DataFrame, areas: list[Area], doc: LocatedYaml | None
) -> list[Problem]:
    """Problems of areas.yml that need no flattening: ids, members and references as
    written (a loop over the declared areas, not over data)."""
    problems: list[Problem] = []

    def problem(loc: tuple, message: str) -> Problem:
        return doc.problem(loc, message) if doc else Problem("areas.yml", None, None, message)

    def line_of(i: int) -> int | None:
        return doc.line(("areas", i, "id")) if doc else None

    known = set(base.index) | {a.id for a in areas}
    # Ids and codes become page addresses: ids that differ only in case are one page on
    # a case-insensitive file system.
    folded_codes = {}
    for position, code in enumerate(base.index):
        folded_codes.setdefault(code.casefold(), (code, position + 2))
    seen: dict[str, int] = {}
    folded_ids: dict[str, int] = {}
    for i, area in enumerate(areas):
        where = ("areas", i)
        folded = area.id.casefold()
        if area.id in base.index:
            message = f"{area.id!r} is also a code in data/regions.csv; choose another id"
            problems.append(problem((*where, "id"), message))
        elif area.id in seen:
            message = f"{area.id!r} is already the id of the area on line {line_of(seen[area.id])}"
            problems.append(problem((*where, "id"), message))
        elif folded in folded_codes:
            code, line = folded_codes[folded]
            message = (
                f"{area.id!r} differs from the code {code!r} (data/regions.csv:{line}) only "
                f"in upper/lower case; {CASE_CLASH}"
            )
            problems.append(problem((*where, "id"), message))
        elif folded in folded_ids:
            first = areas[folded_ids[folded]].id
            message = (
                f"{area.id!r} differs from the id {first!r} (line "
                f"{line_of(folded_ids[folded])}) only in upper/lower case; {CASE_CLASH}"
            )
            problems.append(problem((*where, "id"), message))
        seen.setdefault(area.id, i)
        folded_ids.setdefault(folded, i)
        listed: set[str] = set()
        for j, member in enumerate(area.members):
            if member not in known:
                message = f"{member!r} is neither a code in data/regions.csv nor an area id"
                problems.append(problem((*where, "members", j), message))
            elif member in listed:
                message = f"{member!r} is listed twice; list each member once"
                problems.append(problem((*where, "members", j), message))
            listed.add(member)
        if area.reference is None:
            continue
        if area.reference not in known:
            message = f"{area.reference!r} is neither a code in data/regions.csv nor an area id"
            problems.append(problem((*where, "reference"), message))
        elif area.reference == area.id:
            message = (
                f"{area.reference!r} is this area itself; compared with itself, p is 0 in "
                f"every year: {SELF_REFERENCE_FIX}"
            )
            problems.append(problem((*where, "reference"), message))
    return problems


def _ancestors(base: pd.DataFrame) -> pd.DataFrame:
    """code, ancestor: every base region with itself and every region above it (parent
    cycles are rejected before this)."""
    codes = base.index.to_numpy()
    parent = base["parent"]
    cursor = parent.to_numpy()
    parts = [pd.DataFrame({"code": codes, "ancestor": codes})]
    while (cursor != "").any():
        above = cursor != ""
        parts.append(pd.DataFrame({"code": codes[above], "ancestor": cursor[above]}))
        cursor = pd.Series(cursor).map(parent).fillna("").to_numpy()
    return pd.concat(parts, ignore_index=True)


def _few(codes: list[str], shown: int = 5) -> str:
    """Some codes, then how many there are in all: '1001, 1002 and 8 more (10 regions)'."""
    if len(codes) <= shown:
        return ", ".join(codes)
    return f"{', '.join(codes[:shown])} and {len(codes) - shown} more ({len(codes)} regions)"


def _overlapping_members(
    areas: list[Area], membership: pd.DataFrame, ancestors: pd.DataFrame, problem
) -> list[Problem]:
    """Pairs of members of one area that share a region (GM0001 and 1001, which lies in
    it; two focus areas with the same PC4): a region counted twice makes every figure of
    the area wrong. Vectorised: joins over the members' base regions and their ancestors."""
    items = pd.DataFrame(
        [(i, j, m) for i, a in enumerate(areas) for j, m in enumerate(a.members)],
        columns=["area", "item", "member"],
    )
    covered = items.merge(membership, left_on="member", right_on="region")
    covered = covered[["area", "item", "member", "base"]]
    # A base region of one member that is (or lies in) a base region of another member.
    lying_in = covered.merge(ancestors, left_on="base", right_on="code")
    others = covered.rename(columns={"item": "other", "member": "other_member", "base": "ancestor"})
    hits = lying_in.merge(others, on=["area", "ancestor"])
    hits = hits[hits["item"] != hits["other"]]
    if hits.empty:
        return []
    first = hits[["item", "other"]].min(axis=1)
    second = hits[["item", "other"]].max(axis=1)
    shared = (
        hits.assign(first=first, second=second)
        .groupby(["area", "first", "second"])["base"]
        .agg(lambda s: sorted(set(s)))  # one group per overlapping pair: a problem each
    )
    problems = []
    for (i, j, k), codes in shared.items():
        a, b = areas[i].members[j], areas[i].members[k]
        message = (
            f"{a!r} and {b!r} overlap: both cover {_few(codes)}; a region counted twice "
            "makes every figure of the area wrong: list each region once"
        )
        problems.append(problem(("areas", i, "members", k), message))
    return problems


def _inside(pairs: pd.DataFrame, membership: pd.DataFrame, ancestors: pd.DataFrame) -> pd.Series:
    """Per pair (inner, outer): whether every base region of ``inner`` is, or lies in, a
    base region of ``outer`` (index as ``pairs``)."""
    pairs = pairs.reset_index(drop=True).rename_axis("pair").reset_index()
    inner = pairs.merge(membership, left_on="inner", right_on="region")[["pair", "outer", "base"]]
    up = inner.merge(ancestors, left_on="base", right_on="code")
    outer = membership.rename(columns={"region": "outer", "base": "ancestor"})
    covered = up.merge(outer, on=["outer", "ancestor"])[["pair", "base"]].drop_duplicates()
    n_covered = covered.groupby("pair").size()
    n_inner = inner.groupby("pair").size()
    return n_covered.reindex(pairs["pair"], fill_value=0) == n_inner.reindex(pairs["pair"])


def _references_inside(
    base: pd.DataFrame,
    areas: list[Area],
    membership: pd.DataFrame,
    ancestors: pd.DataFrame,
    problem,
) -> list[Problem]:
    """Declared references that lie inside their region: the region itself under another
    name (an area of one member compared with that member), or a part of it (a focus
    area compared with one of its own PC4s). A region is compared with a wider area (a
    wijk with its gemeente); compared with itself p is 0 every year, and compared with a
    part of itself p measures nothing about it. Two regions that reference each other
    are fine (two neighbourhoods compared with each other)."""
    declared = base["reference"] != ""
    rows = pd.DataFrame(
        {
            "region": base.index[declared],
            "reference": base["reference"][declared].to_numpy(),
            "area": -1,
            "line": np.flatnonzero(declared.to_numpy()) + 2,
        }
    )
    listed = [(a.id, a.reference, i, 0) for i, a in enumerate(areas) if a.reference is not None]
    pairs = pd.concat(
        [rows, pd.DataFrame(listed, columns=["region", "reference", "area", "line"])],
        ignore_index=True,
    )
    pairs = pairs[pairs["region"] != pairs["reference"]].reset_index(drop=True)
    if pairs.empty:
        return []
    ref_inside = _inside(
        pairs.rename(columns={"reference": "inner", "region": "outer"}), membership, ancestors
    ).to_numpy()
    region_inside = _inside(
        pairs.rename(columns={"region": "inner", "reference": "outer"}), membership, ancestors
    ).to_numpy()
    problems = []
    for row, same in zip(
        pairs[ref_inside].itertuples(index=False), region_inside[ref_inside], strict=True
    ):  # one problem each
        if same:
            message = (
                f"{row.reference!r} covers the same regions as {row.region!r}; compared with "
                f"itself, p is 0 in every year: {SELF_REFERENCE_FIX}"
            )
        else:
            message = (
                f"{row.reference!r} lies inside {row.region!r}; compared with a part of "
                f"itself, p says nothing about it: {SELF_REFERENCE_FIX}"
            )
        if row.area >= 0:
            problems.append(problem(("areas", row.area, "reference"), message))
        else:
            problems.append(Problem("data/regions.csv", int(row.line), "reference", message))
    return problems


def reference_warnings(
    regions: pd.DataFrame, membership: pd.DataFrame, areas: list[Area], doc: LocatedYaml | None
) -> list[Problem]:
    """Regions that get no p because nothing says what they are compared with: an area
    whose members lie in more than one gemeente (or in none) and that declares no
    reference, or a region of data/regions.csv with no gemeente above it and no
    reference. Not wrong figures, so warnings: the publisher should hear why."""
    compared = regions["reference"] != ""
    exempt = regions["level"].isin(("gemeente", "group"))
    lost = regions.index[~compared & ~exempt]
    if lost.empty:
        return []
    warnings = []
    declared = {a.id: i for i, a in enumerate(areas)}
    lost_areas = [code for code in lost if code in declared]
    in_areas = membership[membership["region"].isin(lost_areas)]
    gemeenten = (
        in_areas.assign(g=in_areas["base"].map(regions["gemeente"]))
        .query("g != ''")
        .groupby("region")["g"]
        .agg(lambda g: sorted(set(g)))  # one group per area without a reference
    )
    for code in lost_areas:
        where = ("areas", declared[code], "reference")
        spread = gemeenten.get(code, [])
        if len(spread) > 1:
            message = (
                f"the members of {code!r} lie in more than one gemeente ({_few(spread)}), so "
                "it has no gemeente to be compared with and gets no p; give it a reference "
                "(e.g. a group of these gemeenten)"
            )
        else:
            message = (
                f"the members of {code!r} lie in no gemeente, so it is compared with nothing "
                "and gets no p; give it a reference"
            )
        found = doc.problem(where, message) if doc else Problem("areas.yml", None, None, message)
        warnings.append(replace(found, warning=True))
    lost_base = [code for code in lost if code not in declared]
    position = pd.Index(regions.index[regions["kind"] == "base"]).get_indexer(lost_base)
    for code, row in list(zip(lost_base, position + 2, strict=True))[:MAX_REPORTED]:
        message = (
            f"{code!r} has no gemeente above it and no reference, so it is compared with "
            "nothing and gets no p; give it a parent gemeente or a reference"
        )
        warnings.append(Problem("data/regions.csv", int(row), "reference", message, warning=True))
    more = and_more(len(lost_base), "data/regions.csv", "reference", "more without a reference")
    return warnings + [replace(w, warning=True) for w in more]
