"""Read YAML while remembering the line of every key, so errors can point at it."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer

from wijkmonitor.core.inputfiles import MAX_YAML_BYTES, read_input
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


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], twice: list[tuple]) -> None:
    """Record the line of every key path; keys given twice in one mapping go to ``twice``."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            child = (*loc, key.value)
            line = key.start_mark.line + 1
            if key.value in seen:
                field = ".".join(str(p) for p in child)
                message = (
                    f"the key is also on line {seen[key.value]} "
                    "(YAML would silently keep only the last one)"
                )
                twice.append((line, field, message))
            seen[key.value] = line
            lines[child] = line
            _walk(value, child, lines, twice)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, twice)


def decoding_problem(data: bytes, exc: UnicodeDecodeError, display: str) -> Problem:
    """Where a file stops being UTF-8: the line and the byte, and what to do about it."""
    line = data.count(b"\n", 0, exc.start) + 1
    byte = data[exc.start : exc.start + 1].hex()
    hint = ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        hint = " (the file looks like UTF-16)"
    return Problem(
        display,
        line,
        "encoding",
        f"byte 0x{byte} is not UTF-8{hint}; save the file as UTF-8",
    )


def read_utf8(path: Path, display: str, max_bytes: int | None = None) -> str:
    """The text of ``path``; a file that is not UTF-8 (a BOM is fine), is not a regular
    file, cannot be read or (with ``max_bytes``) is too large is a Problem."""
    data = read_input(path, display, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsError([decoding_problem(data, exc, display)]) from None


def syntax_problem(exc: yaml.YAMLError, display: str) -> Problem:
    """A YAML syntax error as a Problem with the line it was found on."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(display, None, None, f"YAML error: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    reason = str(exc.problem or exc.context)
    if "'\\t'" in reason:
        reason += " (indent with spaces, not tabs)"
    if reason == "mapping values are not allowed here":
        reason += " (a text with ': ' in it needs quotes, or a key is indented too far)"
    if exc.context and exc.context_mark and exc.problem:
        reason += f" ({exc.context} started on line {exc.context_mark.line + 1})"
    return Problem(display, line, None, f"YAML syntax error: {reason}")


# Deeper than any monitor or mkdocs file needs, and far below Python's recursion limit
# (PyYAML composes recursively: a file of 5,000 '[' would otherwise crash it).
MAX_DEPTH = 100
# mkdocs.yml may use aliases, but not to blow a few lines up into millions of values.
MAX_EXPANDED = 100_000


if yaml.__with_libyaml__:

    class _LibyamlLoader(Composer, yaml.CSafeLoader):
        """libyaml (C) scans and parses; PyYAML's own composer builds the node tree from
        its events, so the checks of ``_Checks.compose_node`` see every event with its
        line, as with the pure loader, at a sixth of the time (3,300 areas: 0.1 s, not
        0.6 s). libyaml's own composer is no faster: the time is in scanning."""

        def __init__(self, stream: str):
            yaml.CSafeLoader.__init__(self, stream)
            Composer.__init__(self)

else:  # PyYAML built without libyaml: the same checks on the pure-Python loader, slower.
    _LibyamlLoader = None


class _Checks:
    """Checks of the node tree while composing it, before anything is constructed:
    nesting depth, and aliases (refused, or with ``max_expanded`` limited in how far
    they expand the document). Mixed into a loader (pure or libyaml)."""

    def __init__(self, text: str, display: str, max_expanded: int | None):
        super().__init__(text)
        self.display = display
        self.max_expanded = max_expanded
        self.depth = 0
        self.aliases: list[tuple[yaml.Event, yaml.Node]] = []
        # The first anchor (&name) of a file where aliases are refused: harmless alone,
        # but the rule is one, and an anchor without its alias is half a copy-paste.
        self.anchor: yaml.Event | None = None
        # Anchors whose value is being composed: an alias to one of them is a loop
        # (``&a [*a]``), which PyYAML builds as a value that contains itself.
        self.open: list[str | None] = []

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if self.max_expanded is None:
                raise ProblemsError([_refused(self.display, event, _alias(event))])
            if event.anchor in self.open:
                message = (
                    f"is inside the value of its own anchor '&{event.anchor}', so the value "
                    "would contain itself without end; write the values out"
                )
                line = event.start_mark.line + 1
                raise ProblemsError([Problem(self.display, line, _alias(event), message)])
            node = super().compose_node(parent, index)
            self.aliases.append((event, node))
            return node
        if self.depth >= MAX_DEPTH:
            message = f"more than {MAX_DEPTH} levels deep; a monitor's files need a few"
            raise ProblemsError(
                [Problem(self.display, event.start_mark.line + 1, "YAML nesting", message)]
            )
        anchor = getattr(event, "anchor", None)
        if self.max_expanded is None and self.anchor is None and anchor:
            self.anchor = event
        self.depth += 1
        self.open.append(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.open.pop()


class _CheckedLoader(_Checks, yaml.SafeLoader):
    """The pure-Python loader with the checks: the syntax errors that users read come
    from here, worded and placed as they always were (libyaml words them differently)."""


if _LibyamlLoader is not None:

    class _FastCheckedLoader(_Checks, _LibyamlLoader):
        """libyaml's parser with the checks: what a monitor's files are read with."""

    _LOADERS: tuple[type[_Checks], ...] = (_FastCheckedLoader, _CheckedLoader)
else:
    _LOADERS = (_CheckedLoader,)


def _alias(event: yaml.Event) -> str:
    return f"YAML alias '*{event.anchor}'"


def _refused(display: str, event: yaml.Event, field: str) -> Problem:
    message = "anchors and aliases are not allowed in monitor files; write the values out"
    return Problem(display, event.start_mark.line + 1, field, message)


def _expanded(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for with every alias written out (memoised: an
    alias is the same node object as its anchor, so this is linear in the file). An
    alias points back at a value earlier in the file and never at one it is inside
    (refused while composing), so the recursion is no deeper than the file's nesting."""
    key = id(node)
    if key not in sizes:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        sizes[key] = 1 + sum(_expanded(child, sizes) for child in children)
    return sizes[key]


def compose_checked(
    text: str, display: str, max_expanded: int | None = None
) -> tuple[yaml.Node | None, _Checks]:
    """The node tree of ``text`` (one document), checked: a syntax error, nesting deeper
    than MAX_DEPTH, or an anchor or alias is a Problem with its line. With ``max_expanded``
    aliases are allowed while writing them out gives at most that many values.
    Returns the loader too, to construct the data from the same tree; dispose it."""
    for make in _LOADERS:
        loader = make(text, display, max_expanded)
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            loader.dispose()
            if make is _CheckedLoader:
                raise ProblemsError([syntax_problem(exc, display)]) from None
            # libyaml found a syntax error: compose again with the pure loader, which
            # words and places it as always (or, should libyaml refuse what PyYAML
            # accepts, gives the tree as before). Only broken files parse twice.
            continue
        except ProblemsError:
            loader.dispose()
            raise
        return _checked_tree(node, loader, display, max_expanded)
    raise AssertionError("the last loader is the pure one, which returns or raises")


def _checked_tree(
    node: yaml.Node | None, loader: _Checks, display: str, max_expanded: int | None
) -> tuple[yaml.Node | None, _Checks]:
    """The checks that need the whole tree: an anchor without alias, and how far the
    aliases expand the document."""
    if loader.anchor is not None:  # an alias would have been refused above
        loader.dispose()
        field = f"YAML anchor '&{loader.anchor.anchor}'"
        raise ProblemsError([_refused(display, loader.anchor, field)])
    if node is not None and max_expanded is not None and loader.aliases:
        sizes: dict[int, int] = {}
        if _expanded(node, sizes) > max_expanded:
            event, _ = max(loader.aliases, key=lambda item: _expanded(item[1], sizes))
            message = (
                f"writing the aliases out gives more than {max_expanded:,} values; "
                "write the values out, or use fewer nested aliases"
            )
            loader.dispose()
            raise ProblemsError(
                [Problem(display, event.start_mark.line + 1, _alias(event), message)]
            )
    return node, loader


def load_yaml(path: Path, display: str) -> LocatedYaml:
    """Parse ``path``; a syntax error becomes a Problem with its line, never a traceback.

    Monitor files are small and plain: at most MAX_YAML_BYTES, no aliases (a "billion
    laughs" of nested aliases would expand to gigabytes in whatever walks the data).
    """
    text = read_utf8(path, display, MAX_YAML_BYTES)
    # One parse: the node tree gives the lines, the same tree gives the data.
    node, loader = compose_checked(text, display)
    try:
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ProblemsError([syntax_problem(exc, display)]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    twice: list[tuple] = []
    if node is not None:
        _walk(node, (), lines, twice)
    if twice:
        raise ProblemsError([Problem(display, *item) for item in twice])
    return LocatedYaml(data, lines, display)


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# pydantic error type -> what we say (with the given value and pydantic's context).
MESSAGES = {
    "int_parsing": "{value} is not a whole number",
    "int_type": "{value} is not a whole number",
    "int_from_float": "{value} is not a whole number",
    "float_parsing": "{value} is not a number",
    "float_type": "{value} is not a number",
    "bool_parsing": "{value} is not true or false",
    "bool_type": "{value} is not true or false",
    "string_type": "{value} is not text (put it in quotes)",
    "dict_type": "{value} is not a mapping (key: value lines)",
    "model_type": "{value} is not a mapping (key: value lines)",
    "model_attributes_type": "{value} is not a mapping (key: value lines)",
    "list_type": "{value} is not a list",
    "greater_than_equal": "{value} is too small; allowed: {ge:g} or more",
    "greater_than": "{value} is too small; allowed: more than {gt:g}",
    "less_than_equal": "{value} is too large; allowed: {le:g} or less",
    "less_than": "{value} is too large; allowed: less than {lt:g}",
    "too_short": "must have at least {min_length} item(s)",
    "finite_number": "{value} is not a finite number",
}


# A required key that is missing: what to write there (by key name, the same in every
# file that has it).
REQUIRED = {
    "id": "an id of lower-case letters, digits and _, the same as the file name",
    "title": "text: the name readers see",
    "theme": "the id of a theme in indicators/themes.yml",
    "definition": "text: what is measured, in plain Dutch",
    "direction": "higher_is_better, lower_is_better or neutral",
    "unit": "text, e.g. '%' or 'per 1.000 inwoners'",
    "formula": "a mapping: kind and the variables it takes",
    "comparison": "a mapping: kind (ratio, shifted_ratio, quotient_ratio, difference)",
    "source": "text: who delivers the figures",
    "measurement_moment": "a mapping: kind (peilmoment, jaarcijfer, jaartotaal) and date",
    "name": "text: the name readers see",
    "members": "a list of region codes and area ids",
}
REQUIRED_KIND = {
    "measurement_moment": "peilmoment, jaarcijfer or jaartotaal",
    "areas": "focus_area, focus_total or group",
}


def _required(loc: tuple) -> str:
    """What a missing key at ``loc`` should hold, for the message."""
    key = str(loc[-1])
    if key == "kind" and len(loc) > 1:
        parent = next((str(p) for p in reversed(loc[:-1]) if not isinstance(p, int)), "")
        if parent in REQUIRED_KIND:
            return REQUIRED_KIND[parent]
    hint = REQUIRED.get(key)
    return hint or ""


# Patterns of ids, as a reader would say them.
PATTERNS = {
    r"^[a-z0-9][a-z0-9_]*$": "use lower-case letters, digits and _ (e.g. wonen_en_wijk)",
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$": "use letters, digits, - and _ (e.g. amsterdam-noord)",
}


def pydantic_problems(doc: LocatedYaml, error: Any, prefix: Loc = ()) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems that say what is allowed."""
    problems = []
    errors = error.errors()
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    paired: set[tuple] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent, key = tuple(err["loc"][:-1]), str(err["loc"][-1])
            candidates = [str(m[-1]) for m in missing if m[:-1] == parent]
            close = difflib.get_close_matches(key, candidates, n=1)
            if close:
                paired.add((*parent, close[0]))
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in paired:
            continue  # said with the misspelt key: "did you mean ...?"
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        value = err.get("input")
        if kind == "literal_error":
            expected = err["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
            message = f"{_shown(value)} is not one of {expected}"
        elif kind == "extra_forbidden":
            message = "unknown key (a typo?)"
            # A misspelt required key shows up as unknown + missing: pair them.
            parent, key = tuple(err["loc"][:-1]), str(err["loc"][-1])
            candidates = [str(m[-1]) for m in missing if m[:-1] == parent]
            close = difflib.get_close_matches(key, candidates, n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        elif kind == "missing":
            hint = _required(tuple(err["loc"]))
            message = "required field is missing" + (f"; write {hint}" if hint else "")
        elif kind == "string_pattern_mismatch":
            pattern = err["ctx"]["pattern"]
            message = f"{_shown(value)} is not a valid id: {PATTERNS.get(pattern, pattern)}"
        elif kind in MESSAGES:
            message = MESSAGES[kind].format(value=_shown(value), **err.get("ctx", {}))
        else:
            message = f"{err['msg']} (got {_shown(value)})"
        problems.append(doc.problem(loc, message))
    return problems
