"""Read YAML while remembering the line of every key, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wijkmonitor.core.problems import Problem, ProblemsError

Loc = tuple[str | int, ...]


class LocatedYaml:
    """Parsed YAML data plus the line number of each key path (1-based)."""

    def __init__(self, data: Any, lines: dict[Loc, int], file: str):
        self.data = data
        self.lines = lines
        self.file = file

    def line(self, loc: Loc) -> int | None:
        """Line of the deepest known prefix of ``loc`` (a pydantic error location)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        field = ".".join(str(p) for p in loc) or None
        return Problem(self.file, self.line(loc), field, message)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, key.value)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines)


def load_yaml(path: Path, display: str) -> LocatedYaml:
    """Parse ``path``; a syntax error becomes a Problem with its line, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemsError(
            [Problem(display, None, None, f"not UTF-8 text ({exc.reason})")]
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = str(exc.problem or exc.context)
        if exc.context and exc.context_mark and exc.problem:
            reason += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ProblemsError(
            [Problem(display, line, None, f"YAML syntax error: {reason}")]
        ) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return LocatedYaml(data, lines, display)


def pydantic_problems(doc: LocatedYaml, error: Any, prefix: Loc = ()) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems that say what is allowed."""
    problems = []
    for err in error.errors():
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        value = err.get("input")
        if kind == "literal_error":
            expected = err["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
            message = f"{value!r} is not one of {expected}"
        elif kind == "extra_forbidden":
            message = "unknown key (a typo?)"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "string_pattern_mismatch":
            message = f"{value!r} does not match {err['ctx']['pattern']}"
        else:
            message = f"{err['msg']} (got {value!r})"
        problems.append(doc.problem(loc, message))
    return problems
