"""Load plugins from the ``wijkmonitor`` entry-point group and collect their kinds."""

from __future__ import annotations

import functools

import pluggy

from wijkmonitor.core import hookspecs
from wijkmonitor.core.kinds import ComparisonKind, FormulaKind


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager: built-ins and third parties, all by entry point."""
    pm = pluggy.PluginManager("wijkmonitor")
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints("wijkmonitor")
    return pm


def _by_name(lists, what: str) -> dict:
    kinds: dict = {}
    for items in lists:
        for kind in items or ():
            if kind.name in kinds:
                raise RuntimeError(f"two plugins register the {what} kind {kind.name!r}")
            kinds[kind.name] = kind
    return dict(sorted(kinds.items()))


# Plugins are loaded once per process, so their kinds are fixed: ask pluggy once.
@functools.cache
def formula_kinds() -> dict[str, FormulaKind]:
    return _by_name(plugin_manager().hook.register_formula_kinds(), "formula")


@functools.cache
def comparison_kinds() -> dict[str, ComparisonKind]:
    return _by_name(plugin_manager().hook.register_comparison_kinds(), "comparison")


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
            names = [k.name for k in plugin.register_formula_kinds()]
            provides.append("formula kinds: " + ", ".join(names))
        if hasattr(plugin, "register_comparison_kinds"):
            names = [k.name for k in plugin.register_comparison_kinds()]
            provides.append("comparison kinds: " + ", ".join(names))
        if hasattr(plugin, "load_data"):
            provides.append("data source")
        where = getattr(plugin, "__file__", "?")
        lines.append(f"{name:14} {origin:24} {'; '.join(provides)}\n{'':14} {where}")
    return lines
