"""Check an indicator's formula and comparison against the registered kinds."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from wijkmonitor.core.model import Indicator
from wijkmonitor.core.pluginmanager import comparison_kinds, formula_kinds, kind_plugin
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.yamlfile import LocatedYaml


def _check_options(
    spec: Mapping[str, object],
    declared: Mapping[str, float | str | None],
    choices: Mapping[str, tuple[str, ...]],
    doc: LocatedYaml,
    section: str,
    signed: tuple[str, ...] = (),
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
        elif not math.isfinite(given):
            problems.append(doc.problem(loc, f"{given!r} is not a finite number"))
        elif given <= 0 and name not in signed:
            problems.append(doc.problem(loc, f"{given!r} is not allowed; must be more than 0"))
    return problems


def resolved_options(spec: Mapping[str, object], declared: Mapping) -> dict[str, object]:
    """The options of a formula or comparison with the kind's defaults filled in."""
    return {name: spec.get(name, default) for name, default in declared.items()}


def _kind_and_unknown_keys(
    spec: Mapping[str, object],
    kinds: Mapping,
    doc: LocatedYaml,
    section: str,
    keys,
    disabled: Collection[str] = (),
) -> tuple:
    """The registered kind ``spec`` names, and a Problem per key that kind does not know.
    A kind of a plugin the monitor switches off (``disabled``) is not there for it."""
    kind = kinds.get(str(spec.get("kind")))
    owner = kind_plugin(section, kind.name) if kind is not None else None
    if owner in disabled:
        message = (
            f"{kind.name!r} is a kind of the plugin {owner!r}, which monitor.yml switches off "
            f"(plugins: {owner}: enabled: false); switch it on or remove this indicator"
        )
        raise ProblemsError([doc.problem((section, "kind"), message)])
    if kind is None:
        message = f"{spec.get('kind')!r} is not one of {', '.join(kinds)}"
        if "kind" not in spec:
            message = f"required field is missing; one of {', '.join(kinds)}"
        raise ProblemsError([doc.problem((section, "kind"), message)])
    allowed = ["kind", *keys(kind)]
    problems = [
        doc.problem(
            (section, key), f"unknown key for kind {kind.name}; allowed: {', '.join(allowed)}"
        )
        for key in spec
        if key not in allowed
    ]
    return kind, problems


def check_formula(
    indicator: Indicator, doc: LocatedYaml, variables: set[str], disabled: Collection[str] = ()
) -> dict[str, str]:
    """Return {input field: variable}; raise naming the field and what is allowed.
    ``disabled``: the plugins the monitor switches off (their kinds are not there)."""
    spec = indicator.formula
    kind, problems = _kind_and_unknown_keys(
        spec,
        formula_kinds(),
        doc,
        "formula",
        lambda k: (*k.inputs, *k.optional_inputs, *k.options),
        disabled,
    )
    fields = (*kind.inputs, *kind.optional_inputs)
    problems += _check_options(
        spec, kind.options, kind.choices, doc, "formula", kind.signed_options
    )
    if problems:
        raise ProblemsError(problems)
    if kind.resolve_inputs is not None:
        inputs = kind.resolve_inputs(spec)
    else:
        for name in kind.inputs:
            given = spec.get(name)
            if given is None:
                message = "required field is missing: the name of a variable in the data"
                problems.append(doc.problem(("formula", name), message))
            elif not isinstance(given, str):
                message = f"{given!r} is not the name of a variable in the data"
                problems.append(doc.problem(("formula", name), message))
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
    kind, problems = _kind_and_unknown_keys(
        spec, comparison_kinds(), doc, "comparison", lambda k: tuple(k.options)
    )
    problems += _check_options(spec, kind.options, {}, doc, "comparison", kind.signed_options)
    if problems:
        raise ProblemsError(problems)
