"""The validated model of a monitor: themes, indicators, areas and settings (pydantic)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
AREA_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
# Periods are years; anything outside this range is a typo (20007) or a wrong column.
FIRST_YEAR, LAST_YEAR = 1900, 2100
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
# The levels that may get a page per region (settings.area_pages).
AreaPageLevel = Literal["focus_area", "wijk", "buurt", "pc4"]


# Bidirectional formatting characters (embeddings, overrides, isolates and marks). In a
# name or text they reorder what follows on the page: "Noord\u202e 12,5%" shows as
# "Noord %5,21", a wrong figure. They carry nothing a monitor needs, so text from the
# monitor's files loses them where it enters the model (here and in build_regions).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional formatting characters."""
    return BIDI_CONTROLS.sub("", text)


class Strict(BaseModel):
    # Unknown keys are errors: a typo must not silently drop a setting.
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _without_bidi_controls(cls, value: Any) -> Any:
        # Every text field of every model (titles, names, definitions, notes); ids have
        # a pattern that rejects these characters before this runs.
        return strip_bidi(value) if isinstance(value, str) else value


class Theme(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str = ""
    # False for scores that readers turn into "worst neighbourhood" lists (SES-WOA):
    # the site then never orders areas by one indicator of this theme.
    ranking: bool = True


class MeasurementMoment(Strict):
    kind: Literal["peilmoment", "jaarcijfer", "jaartotaal"]
    date: str = ""


class Indicator(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    theme: str
    definition: str
    direction: Direction
    unit: str
    formula: dict[str, Any]
    comparison: dict[str, Any]
    source: str
    measurement_moment: MeasurementMoment
    periods: list[Year] | None = None
    baseline_period: Year | None = None
    decimals: int = Field(default=1, ge=0, le=4)
    min_denominator: float | None = Field(default=None, ge=0)
    # Overrides settings.no_change_threshold, in points of p (for scores compared by
    # difference, p is a score difference, so the monitor's threshold is no measure).
    no_change_threshold: float | None = Field(default=None, ge=0)
    notes: str = ""
    # Set by the loader, not by the YAML: where the indicator came from.
    source_file: str = Field(default="", exclude=True)

    @property
    def formula_kind(self) -> str:
        return str(self.formula.get("kind"))

    @property
    def comparison_kind(self) -> str:
        return str(self.comparison.get("kind"))


class Area(Strict):
    id: str = Field(pattern=AREA_ID_PATTERN)
    name: str
    kind: Literal["focus_area", "focus_total", "group"]
    members: list[str] = Field(min_length=1)
    reference: str | None = None


class AreasFile(Strict):
    areas: list[Area] = []


class Settings(Strict):
    # A change of p smaller than this (in points of p) counts as "no change" (docs/methods.md §5).
    no_change_threshold: float = Field(default=2.0, ge=0)
    # Where counts are known (share and rate kinds compared by ratio), a change of p
    # smaller than this many standard errors is "no change" too; 0 turns the test off.
    no_change_z: float = Field(default=1.96, ge=0)
    # Also write a printable A4 profile (PDF) per area page, as `build --pdf` does.
    pdf_profiles: bool = False
    # The levels whose every region gets a page (issue 12): focus areas at /wijk/<id>/,
    # base wijken at /wijk/<code>/, buurten at /buurt/<code>/, PC4 areas at /pc4/<code>/.
    area_pages: list[AreaPageLevel] = ["focus_area", "wijk", "buurt"]


class BoundaryFile(Strict):
    """One boundary file in monitor.yml's ``boundaries:`` (read by core/boundaries.py)."""

    # GeoJSON, TopoJSON, GeoPackage or Shapefile, relative to the monitor directory.
    file: str = Field(min_length=1)
    # The property (attribute column) that holds the region code, e.g. WK_CODE.
    code: str = Field(min_length=1)
    # The object (TopoJSON) or layer (GeoPackage) in a file that holds several.
    layer: str | None = None


class MonitorConfig(Strict):
    title: str
    description: str = ""
    synthetic: bool = False
    # Where the monitor's files are published (e.g. a Git repository's web view); the
    # definitions page links each indicator to its YAML there.
    repo_url: str = ""
    settings: Settings = Settings()
    # Plugin name -> its section of monitor.yml. After loading (core/monitor.py) the
    # section is validated: the plugin's own model instance where it declares one
    # (hook register_config_model), else the mapping, and None for a plugin the section
    # switches off (``enabled: false``).
    plugins: dict[str, Any] = {}
    boundaries: list[BoundaryFile] = []

    @property
    def disabled_plugins(self) -> frozenset[str]:
        """The plugins this monitor switches off (``plugins: {<name>: {enabled: false}}``)."""
        return frozenset(name for name, section in self.plugins.items() if section is None)

    def plugin_config(self, name: str) -> Any:
        """A plugin's validated section of monitor.yml; ``{}`` when it has none."""
        section = self.plugins.get(name)
        return {} if section is None else section
