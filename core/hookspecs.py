"""Hook specifications: the whole plugin API of wijkmonitor, one function per hook.

A plugin is a module with functions marked ``@hookimpl`` (``from wijkmonitor.core.hookspecs
import hookimpl``), made known through the entry-point group ``wijkmonitor`` in its
package metadata::

    [project.entry-points.wijkmonitor]
    my_kinds = "my_package.my_module"

The built-in formula and comparison kinds in ``wijkmonitor.plugins`` register through
the same entry points, so a third-party plugin has exactly the powers of the built-ins.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("wijkmonitor")
hookimpl = pluggy.HookimplMarker("wijkmonitor")


@hookspec
def register_formula_kinds():
    """Return a list of :class:`wijkmonitor.core.kinds.FormulaKind`.

    A formula kind turns the input variables of an indicator into its value, e.g.
    ``share`` (100 x numerator / denominator). The engine first sums every input over
    the base regions of an area (composites never average percentages; inputs a kind
    marks as weighted are combined as a weighted mean), then calls ``compute`` once
    with all areas and periods as one frame. Formula ``kind`` names must be unique
    across all plugins.
    """


@hookspec
def register_comparison_kinds():
    """Return a list of :class:`wijkmonitor.core.kinds.ComparisonKind`.

    A comparison kind computes the deviation p of an area's value from its
    reference area's value, e.g. ``ratio``: p = (x / x_ref - 1) x 100. ``compute``
    receives two aligned float Series and the comparison options of the indicator.
    """


@hookspec
def load_data(monitor_dir, config, regions):
    """Return a tidy DataFrame of input data, or None when this plugin has nothing.

    ``monitor_dir`` is the monitor's root (a :class:`pathlib.Path`); ``config`` is the
    plugin's own mapping from ``monitor.yml`` (``plugins: {<name>: ...}``, the name
    being the plugin's entry-point name) or ``{}``; ``regions`` is the base-region
    table from ``data/regions.csv`` (index ``code``; ``name``, ``level``, ``parent``).
    An implementation may leave out arguments it does not need.
    Columns: ``region`` (str), ``period`` (int), ``variable`` (str), ``value``
    (float, NaN where there is no figure) and ``status`` (str: "" for a figure,
    ``.`` not available, ``x`` secret, ``-`` nil). Raise
    :class:`wijkmonitor.core.problems.ProblemsError` for bad input, naming file, line
    and field. All frames returned by all plugins are concatenated; a
    (region, period, variable) given twice is an error. Any other exception is
    reported as a problem naming the plugin, the hook and the exception (no traceback);
    so is a return value that is not such a frame.
    """
