"""Check an indicator's formula and comparison against the registered kinds."""

from __future__ import annotations

from collections.abc import Mapping

from wijkmonitor.core.model import Indicator
from wijkmonitor.core.pluginmanager import comparison_kinds, formula_kinds
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.yamlfile import LocatedYaml


def _check_options(
    spec: Mapping[str, object],
    declared: Mapping[str, float | str | None],
    choices: Mapping[str, tuple[str, ...]],
    doc: LocatedYaml,
    section: str,
) -> list[Problem]:
    problems = []
    for name, default in declared.items():
        given = spec.get(name, default)
        loc = (section, name)
        if given is None:
            problems.append(doc.problem(loc, "required option is missing (a number)"))
        elif isinstance(default, str) or name in choices:
            allowed = choices.get(name, ())
            if allowed and given not in allowed:
                problems.append(doc.problem(loc, f"{given!r} is not one of {', '.join(allowed)}"))
        elif isinstance(given, bool) or not isinstance(given, int | float):
            problems.append(doc.problem(loc, f"{given!r} is not a number"))
    return problems


def resolved_options(spec: Mapping[str, object], declared: Mapping) -> dict[str, object]:
    """The options of a formula or comparison with the kind's defaults filled in."""
    return {name: spec.get(name, default) for name, default in declared.items()}


def check_formula(indicator: Indicator, doc: LocatedYaml, variables: set[str]) -> dict[str, str]:
    """Return {input field: variable}; raise naming the field and what is allowed."""
    spec = indicator.formula
    kinds = formula_kinds()
    kind = kinds.get(str(spec.get("kind")))
    if kind is None:
        message = f"{spec.get('kind')!r} is not one of {', '.join(kinds)}"
        raise ProblemsError([doc.problem(("formula", "kind"), message)])
    fields = (*kind.inputs, *kind.optional_inputs)
    allowed = ["kind", *fields, *kind.options]
    problems = [
        doc.problem(
            ("formula", key), f"unknown key for kind {kind.name}; allowed: {', '.join(allowed)}"
        )
        for key in spec
        if key not in allowed
    ]
    problems += _check_options(spec, kind.options, kind.choices, doc, "formula")
    if problems:
        raise ProblemsError(problems)
    if kind.resolve_inputs is not None:
        inputs = kind.resolve_inputs(spec)
    else:
        for name in kind.inputs:
            if not isinstance(spec.get(name), str):
                problems.append(doc.problem(("formula", name), "required: the name of a variable"))
        inputs = {name: spec[name] for name in fields if isinstance(spec.get(name), str)}
    for name, variable in inputs.items():
        if variable not in variables:
            message = f"variable {variable!r} is not in any data file"
            problems.append(doc.problem(("formula", name), message))
    if problems:
        raise ProblemsError(problems)
    return inputs


def check_comparison(indicator: Indicator, doc: LocatedYaml) -> None:
    spec = indicator.comparison
    kinds = comparison_kinds()
    kind = kinds.get(str(spec.get("kind")))
    if kind is None:
        message = f"{spec.get('kind')!r} is not one of {', '.join(kinds)}"
        raise ProblemsError([doc.problem(("comparison", "kind"), message)])
    allowed = ["kind", *kind.options]
    problems = [
        doc.problem(
            ("comparison", key), f"unknown key for kind {kind.name}; allowed: {', '.join(allowed)}"
        )
        for key in spec
        if key not in allowed
    ]
    problems += _check_options(spec, kind.options, {}, doc, "comparison")
    if problems:
        raise ProblemsError(problems)
