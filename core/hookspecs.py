"""Hook specifications: the whole plugin API of wijkmonitor, one function per hook.

A plugin is a module with functions marked ``@hookimpl`` (``from wijkmonitor.core.hookspecs
import hookimpl``), made known through the entry-point group ``wijkmonitor`` in its
package metadata::

    [project.entry-points.wijkmonitor]
    my_kinds = "my_package.my_module"

The built-ins in ``wijkmonitor.plugins`` (formula and comparison kinds, the CSV data
source, SES-WOA) register through the same entry points and these same hooks, so a
third-party plugin has exactly the powers of the built-ins. Every hook below is used by
at least one built-in; ``wijkmonitor plugins`` lists the hooks each plugin implements.

The pipeline and its hooks, in order: ``register_config_model`` (the plugin's section of
``monitor.yml``), ``register_formula_kinds`` and ``register_comparison_kinds`` (the
computation), ``load_data`` (input), ``register_pages`` and ``register_downloads`` (the
site), ``register_commands`` (the command line).

A plugin is switched off for one monitor with ``plugins: {<name>: {enabled: false}}`` in
its ``monitor.yml`` (its data, pages and downloads are then left out of that monitor),
and for a whole process with ``WIJKMONITOR_DISABLE_PLUGINS=<name>[,<name>...]`` (pluggy
blocks it before it is loaded: no kinds, no commands either).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pluggy

hookspec = pluggy.HookspecMarker("wijkmonitor")
hookimpl = pluggy.HookimplMarker("wijkmonitor")

# What the hooks below return (plain data; the kinds are in :mod:`wijkmonitor.core.kinds`).


@dataclass(frozen=True)
class Command:
    """A ``wijkmonitor <name> ...`` subcommand (see :func:`register_commands`).

    name:          the subcommand, e.g. ``ses-woa``; may not be a built-in command's name.
    help:          one line for ``wijkmonitor --help``.
    add_arguments: (argparse parser) -> None: declares the command's arguments.
    run:           (parsed arguments) -> exit status. Raise
                   :class:`wijkmonitor.core.problems.ProblemsError` for bad input: the
                   CLI prints every problem and exits 1, like every built-in command.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


PageSubject = Literal["area", "indicator", "theme"]
PAGE_SUBJECTS: tuple[str, ...] = ("area", "indicator", "theme")


@dataclass(frozen=True)
class PageSection:
    """A section added at the end of a generated page (see :func:`register_pages`).

    subject:  which kind of page: ``area`` (``/wijk/<id>/``), ``indicator``
              (``/indicator/<id>/``) or ``theme`` (``/thema/<id>/``).
    id:       the area id, indicator id or theme id of that page.
    title:    the section's heading (plain text; it is escaped).
    markdown: the section's body, Markdown with HTML blocks like the built-in pages.
              Text from the monitor's files must go through
              ``wijkmonitor.website.markup.esc`` (it is data, never markup).
    """

    subject: PageSubject
    id: str
    title: str
    markdown: str


@dataclass(frozen=True)
class SitePage:
    """A page of its own (see :func:`register_pages`).

    path:     where it goes in the site, as a docs path: ``ses-woa/index.md`` is
              published at ``/ses-woa/``. Lower case letters, digits, ``-`` and ``/``,
              ending in ``index.md``; it may not be the path of a generated page.
    title:    the page's title (plain text), also its entry in the navigation.
    markdown: the body under the title; the site adds the heading, the synthetic-data
              notice and the download note like on every generated page.
    nav:      listed in the site's navigation (else reached through links only).
    search:   what the site search indexes of it: ``full`` (all of it), ``text`` (its
              text without tables and charts), ``summary`` (its first paragraph) or
              ``exclude`` (nothing); the same hints every generated page carries.
    """

    path: str
    title: str
    markdown: str
    nav: bool = True
    search: str = "full"


@dataclass(frozen=True)
class Download:
    """A file published under ``/downloads/`` (see :func:`register_downloads`).

    name:        the file name, e.g. ``ses_woa_coefficients.json`` (letters, digits,
                 ``.``, ``_`` and ``-``); it may not be one of the build's own files.
    description: what is in it, in Dutch, one sentence for the downloads page.
    content:     the file's bytes, or its text (written as UTF-8).
    """

    name: str
    description: str
    content: bytes | str


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
    ``.`` not available, ``x`` secret, ``-`` nil); optionally ``source`` (str: where
    the row comes from, e.g. ``CBS StatLine 85163NED``; rows without one, or a frame
    without the column, get the plugin's name). The sources of an indicator's inputs
    reach ``results.csv`` as ``data_source`` (``core/lineage.py``). Built-in use: the
    CSV source (a file's ``source`` column, else the file's path). Raise
    :class:`wijkmonitor.core.problems.ProblemsError` for bad input, naming file, line
    and field. All frames returned by all plugins are concatenated; a
    (region, period, variable) given twice is an error. Any other exception is
    reported as a problem naming the plugin, the hook and the exception (no traceback);
    so is a return value that is not such a frame.
    """


@hookspec
def register_config_model():
    """Return the pydantic model of this plugin's section of ``monitor.yml``.

    The section is ``plugins: {<name>: ...}``, the name being the plugin's entry-point
    name. It is validated with the model like every other part of ``monitor.yml``, so a
    mistake in it is reported as ``monitor.yml:LINE: plugins.<name>.<field>: ...`` with
    the others, never as a traceback. Give the model ``extra="forbid"`` (subclass
    :class:`wijkmonitor.core.model.Strict`) so a misspelt key is an error too.
    The key ``enabled`` is the engine's (``enabled: false`` switches the plugin off for
    the monitor) and is not passed to the model. ``load_data``, ``register_pages`` and
    ``register_downloads`` then find the validated model instance in ``config`` or
    ``site.monitor.config.plugins[<name>]``; without a section there is none (``{}``).
    Built-in use: SES-WOA (the paths of its household and coefficients files).
    """


@hookspec
def register_commands():
    """Return a list of :class:`Command`: subcommands of the ``wijkmonitor`` CLI.

    The built-in commands (check, compute, indicators, plugins, import, build, serve,
    init, demo-data) are the engine's; a plugin adds its own tools beside them, e.g.
    ``wijkmonitor ses-woa fit|synthetic``. A name already taken is an error naming the
    plugin. Built-in use: SES-WOA (``ses-woa``).
    """


@hookspec
def register_pages(site):
    """Return a list of :class:`SitePage` and :class:`PageSection` for the website.

    ``site`` is the build's :class:`wijkmonitor.website.sitedata.SiteData`: the loaded
    monitor (``site.monitor``: indicators, themes, regions, config, the kinds of every
    indicator), the computed values (``site.values``), the changes since the baseline
    (``site.changes``) and lookups (``site.region_name``, ``site.focus_areas``, ...).
    Called once per build, before any page is written; return plain data (the pages are
    written in parallel worker processes later). A section is added at the end of its
    page, before the download note; a page is laid out like the generated ones. A
    section for a page that does not exist, or a page at a generated page's path, is an
    error naming the plugin. Built-in use: SES-WOA (its notes on the SES-WOA indicator
    and theme pages).
    """


@hookspec
def register_downloads(site):
    """Return a list of :class:`Download`: extra files under ``/downloads/``.

    ``site`` is the same :class:`wijkmonitor.website.sitedata.SiteData` as for
    :func:`register_pages`. The downloads page lists every file with its description,
    after the build's own (``results.csv``, ``changes.csv``, ``indicators.json``). A
    download never holds a figure the results suppress: build it from ``site.values``
    (suppressed cells have no value there), never from the raw input data.
    Built-in use: SES-WOA (the coefficients the scores were computed with).
    """
