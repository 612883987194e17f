"""Load plugins from the ``wijkmonitor`` entry-point group and call their hooks.

Every hook implementation is called on its own, so one broken plugin is named (plugin,
hook, what went wrong) instead of breaking everything with a traceback.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection
from typing import Any

import pluggy

from wijkmonitor.core import hookspecs
from wijkmonitor.core.hookspecs import Command
from wijkmonitor.core.kinds import ComparisonKind, FormulaKind
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.entry import raise_pending

# WIJKMONITOR_DISABLE_PLUGINS=a,b: entry-point names blocked for the whole process (the
# CLI refuses names that are no installed plugin before anything is loaded).
DISABLE_VARIABLE = "WIJKMONITOR_DISABLE_PLUGINS"
PLUGIN_GROUP = "wijkmonitor"  # the entry-point group of every plugin, built-ins too


def disabled_in_environment() -> list[str]:
    """The plugin names ``WIJKMONITOR_DISABLE_PLUGINS`` blocks, in its order."""
    names = os.environ.get(DISABLE_VARIABLE, "").split(",")
    return [name.strip() for name in names if name.strip()]


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager: built-ins and third parties, all by entry point.

    Plugins named in ``WIJKMONITOR_DISABLE_PLUGINS`` are blocked before loading, so
    pluggy never imports them: none of their hooks (kinds, commands, data) exists.
    """
    pm = pluggy.PluginManager("wijkmonitor")
    pm.add_hookspecs(hookspecs)
    for name in disabled_in_environment():
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(PLUGIN_GROUP)
    return pm


def hook_names() -> list[str]:
    """Every hook of the plugin API, in the order of :mod:`wijkmonitor.core.hookspecs`."""
    return [
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "wijkmonitor_spec")
    ]


def implemented_hooks(plugin: object) -> list[str]:
    """The hooks a loaded plugin implements, in the API's order."""
    return [
        name for name in hook_names() if hasattr(getattr(plugin, name, None), "wijkmonitor_impl")
    ]


def call_each(
    hook: str,
    disabled: Collection[str] = (),
    problems: list[Problem] | None = None,
    **kwargs: Any,
) -> list[tuple[str, list]]:
    """(plugin name, returned items) for every implementation of a hook that returns a
    list, sorted by plugin name, skipping the plugins in ``disabled`` (switched off by
    the monitor). An implementation may leave out arguments it does not need. One that
    raises is a Problem naming plugin and hook: added to ``problems`` when given (so the
    caller reports them with its own), else all raised together at the end."""
    found: list[Problem] = []
    results = []
    for impl in getattr(plugin_manager().hook, hook).get_hookimpls():
        if impl.plugin_name in disabled:
            continue
        raise_pending()  # a Ctrl+C a library swallowed stops the run here (entry.py)
        try:
            returned = impl.function(*[kwargs[a] for a in impl.argnames])
            items = list(returned or ())
        except ProblemsError as exc:
            found += exc.problems
            continue
        except Exception as exc:
            found.append(plugin_problem(impl.plugin_name, hook, exc))
            continue
        results.append((impl.plugin_name, items))
    if problems is not None:
        problems += found
    elif found:
        raise ProblemsError(found)
    # pluggy calls the last registered first; the site's order is by plugin name.
    return sorted(results, key=lambda item: item[0])


def check_items(plugin: str, hook: str, items: list, *classes: type) -> list[Problem]:
    """A problem for every returned item that is none of ``classes``."""
    names = " or ".join(c.__name__ for c in classes)
    return [
        Problem(f"plugin {plugin!r}", None, hook, f"returned {item!r}, not a {names}")
        for item in items
        if not isinstance(item, classes)
    ]


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
    """Per loaded plugin: name, where it comes from, every hook it implements (with the
    kinds and commands it registers), and its file; then the blocked plugins."""
    pm = plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    lines = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue  # blocked: listed below
        dist = dists.get(id(plugin))
        origin = f"{dist.project_name} {dist.version}" if dist else "registered in code"
        lines.append(f"{name:14} {origin}")
        for hook in implemented_hooks(plugin):
            detail = ""
            if hook in ("register_formula_kinds", "register_comparison_kinds"):
                detail = ": " + _names(plugin, hook)
            elif hook == "register_commands":
                detail = ": " + _command_names(plugin)
            lines.append(f"{'':14} {hook}{detail}")
        lines.append(f"{'':14} {getattr(plugin, '__file__', '?')}")
    blocked = [name for name in disabled_in_environment() if pm.is_blocked(name)]
    if blocked:
        lines.append(f"blocked by {DISABLE_VARIABLE}: {', '.join(blocked)}")
    return lines


def _command_names(plugin: object) -> str:
    try:
        return ", ".join(c.name for c in plugin.register_commands())
    except Exception as exc:
        return f"(raised {type(exc).__name__}: {exc})"


# A subcommand name: what a user types after `wijkmonitor`.
COMMAND_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def plugin_commands(taken: Collection[str]) -> list[tuple[str, Command]]:
    """Every plugin's subcommands with the plugin's name; ProblemsError naming the plugin for one that raises,
    returns something else, or takes a name that is ``taken`` (the built-in commands)
    or another plugin's."""
    hook = "register_commands"
    commands: dict[str, Command] = {}
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for plugin, items in call_each(hook):
        problems += check_items(plugin, hook, items, Command)
        for command in (i for i in items if isinstance(i, Command)):
            where = f"plugin {plugin!r}"
            if not COMMAND_NAME.match(str(command.name)):
                message = f"command name {command.name!r}: lower case letters, digits and -"
                problems.append(Problem(where, None, hook, message))
            elif command.name in taken or command.name in commands:
                by = f"plugin {owner[command.name]!r}" if command.name in owner else "wijkmonitor"
                message = f"the command {command.name!r} is already {by}'s (names must be unique)"
                problems.append(Problem(where, None, hook, message))
            else:
                commands[command.name] = command
                owner[command.name] = plugin
    if problems:
        raise ProblemsError(problems)
    return [(owner[name], command) for name, command in commands.items()]


def config_models() -> dict[str, type]:
    """Plugin name -> the pydantic model of its ``monitor.yml`` section (plugins that
    declare one); ProblemsError naming a plugin whose hook raises or returns no model."""
    from pydantic import BaseModel

    hook = "register_config_model"
    models: dict[str, type] = {}
    problems: list[Problem] = []
    for impl in plugin_manager().hook.register_config_model.get_hookimpls():
        try:
            model = impl.function()
        except Exception as exc:
            problems.append(plugin_problem(impl.plugin_name, hook, exc))
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            message = f"returned {model!r}, not a pydantic model class"
            problems.append(Problem(f"plugin {impl.plugin_name!r}", None, hook, message))
            continue
        models[impl.plugin_name] = model
    if problems:
        raise ProblemsError(problems)
    return models
