"""Load plugins from the ``wijkmonitor`` entry-point group and collect their kinds."""

from __future__ import annotations

import functools

import pluggy

from wijkmonitor.core import hookspecs
from wijkmonitor.core.kinds import ComparisonKind, FormulaKind
from wijkmonitor.core.problems import Problem, ProblemsError


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager: built-ins and third parties, all by entry point."""
    pm = pluggy.PluginManager("wijkmonitor")
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints("wijkmonitor")
    return pm


def plugin_problem(plugin: str, hook: str, exc: BaseException) -> Problem:
    """A third-party hook implementation that raised: name the plugin, the hook and why."""
    return Problem(
        f"plugin {plugin!r}",
        None,
        hook,
        f"raised {type(exc).__name__}: {exc} (an error in the plugin, not in the monitor's "
        "files: report it to the plugin's authors)",
    )


def plugin_names() -> list[str]:
    """The names of the loaded plugins (entry-point names), sorted."""
    return sorted(name for name, _ in plugin_manager().list_name_plugin())


# (formula | comparison, kind name) -> the plugin that registered it, to name it when
# the kind fails.
_OWNERS: dict[tuple[str, str], str] = {}


def kind_plugin(what: str, name: str) -> str:
    """The plugin that registered the ``what`` ("formula" or "comparison") kind ``name``."""
    return _OWNERS.get((what, name), "?")


def _by_name(hook: str, cls: type, what: str) -> dict:
    """Call every implementation of a register hook on its own, so one broken plugin is
    named instead of breaking everything; a kind registered twice is a problem too."""
    kinds: dict = {}
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for impl in getattr(plugin_manager().hook, hook).get_hookimpls():
        try:
            items = list(impl.function() or ())
        except Exception as exc:
            problems.append(plugin_problem(impl.plugin_name, hook, exc))
            continue
        for kind in items:
            if not isinstance(kind, cls):
                message = f"returned {kind!r}, not a {cls.__name__}"
                problems.append(Problem(f"plugin {impl.plugin_name!r}", None, hook, message))
            elif kind.name in kinds:
                message = (
                    f"registers the {what} kind {kind.name!r}, which plugin "
                    f"{owner[kind.name]!r} registers too (kind names must be unique)"
                )
                problems.append(Problem(f"plugin {impl.plugin_name!r}", None, hook, message))
            else:
                kinds[kind.name] = kind
                owner[kind.name] = impl.plugin_name
    if problems:
        raise ProblemsError(problems)
    _OWNERS.update({(what, name): plugin for name, plugin in owner.items()})
    return dict(sorted(kinds.items()))


# Plugins are loaded once per process, so their kinds are fixed: ask pluggy once.
@functools.cache
def formula_kinds() -> dict[str, FormulaKind]:
    """Every registered formula kind by name; ProblemsError naming a broken plugin."""
    return _by_name("register_formula_kinds", FormulaKind, "formula")


@functools.cache
def comparison_kinds() -> dict[str, ComparisonKind]:
    """Every registered comparison kind by name; ProblemsError naming a broken plugin."""
    return _by_name("register_comparison_kinds", ComparisonKind, "comparison")


def _names(plugin: object, hook: str) -> str:
    try:
        return ", ".join(k.name for k in getattr(plugin, hook)())
    except Exception as exc:
        return f"(raised {type(exc).__name__}: {exc})"


def describe_plugins() -> list[str]:
    """One line per loaded plugin: name, where it comes from, what it registers."""
    pm = plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    lines = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        dist = dists.get(id(plugin))
        origin = f"{dist.project_name} {dist.version}" if dist else "registered in code"
        provides = []
        if hasattr(plugin, "register_formula_kinds"):
            provides.append("formula kinds: " + _names(plugin, "register_formula_kinds"))
        if hasattr(plugin, "register_comparison_kinds"):
            provides.append("comparison kinds: " + _names(plugin, "register_comparison_kinds"))
        if hasattr(plugin, "load_data"):
            provides.append("data source")
        where = getattr(plugin, "__file__", "?")
        lines.append(f"{name:14} {origin:24} {'; '.join(provides)}\n{'':14} {where}")
    return lines
