"""What a formula kind and a comparison kind are: the objects plugins register."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

# compute(inputs, options) -> value. ``inputs`` has one float column per input field
# (summed over the area's base regions), one row per area x period.
FormulaCompute = Callable[[pd.DataFrame, Mapping[str, object]], pd.Series]
# compute(value, reference_value, options) -> deviation p
ComparisonCompute = Callable[[pd.Series, pd.Series, Mapping[str, float]], pd.Series]

# The ways a formula kind's value can get a 95 % confidence interval (methods §11).
INTERVAL_METHODS = ("wilson", "poisson", "standard_error")


@dataclass(frozen=True)
class Interval:
    """How a formula kind's value gets its 95 % confidence interval (methods §11).

    The engine computes the interval from the kind's inputs (summed per area), so the
    declaration says which inputs play which part:

    method:  ``"wilson"``: the value is a share of counted units, scale x count / base
             with count among base (Wilson score interval); ``"poisson"``: the value is a
             rate of events, scale x count / base (Byar's approximation of the exact
             Poisson limits of count); ``"standard_error"``: the value is given with its
             standard error s in the input ``standard_error``: value +/- z x s.
    count, base: input fields (``wilson``, ``poisson``). Both must be summed (not
             ``weighted``) count inputs of the kind (``FormulaKind.count_inputs``), and
             for ``wilson`` a declared ``count_pairs`` pair: a published interval gives
             its counts back, so they must be protected as counts by disclosure control
             (methods §6).
    scale:   the value is scale x count / base: 100 for a percentage.
    scale_option: an option that multiplies the scale too (``per`` of a rate).
    standard_error: the input field holding s (``standard_error``), in the value's
             unit. A standard error cannot be summed, so composite areas get no interval.
    """

    method: str
    count: str | None = None
    base: str | None = None
    scale: float = 1.0
    scale_option: str | None = None
    standard_error: str | None = None

    def __post_init__(self) -> None:
        if self.method not in INTERVAL_METHODS:
            raise ValueError(
                f"interval method {self.method!r} is not one of {', '.join(INTERVAL_METHODS)}"
            )
        if self.method == "standard_error":
            if not self.standard_error:
                raise ValueError("interval method 'standard_error' needs a standard_error input")
        elif not (self.count and self.base):
            raise ValueError(f"interval method {self.method!r} needs a count and a base input")

    def fields(self) -> tuple[str, ...]:
        """The input fields the interval is computed from."""
        named = (self.count, self.base, self.standard_error)
        return tuple(f for f in named if f is not None)


@dataclass(frozen=True)
class FormulaKind:
    """A way of making an indicator value from input variables.

    name:        the ``formula.kind`` value in an indicator YAML.
    inputs:      required fields that name an input variable, e.g. ("numerator", "denominator").
    optional_inputs: fields that may name an input variable (e.g. a ``weight``).
    options:     options with their defaults, e.g. {"per": 10000}; None = required. A numeric
                 default (or None) means a number is required; a str default means a word.
    choices:     {option: allowed words} for word options.
    resolve_inputs: (formula mapping) -> {input field: variable}, for kinds whose input
                 variables follow from options (e.g. ``dimension: welvaart``) rather than
                 being named one by one in the YAML. None: the fields name the variables.
    weighted:    {input: weight input}: combine this input over base regions as a mean
                 weighted by the other input, instead of summing it (given scores).
    denominator: the input compared with ``min_denominator`` for suppression.
    proportion:  (inputs, options) -> the counted share of the denominator (numerator /
                 denominator), for kinds built on counts. With it the engine knows the
                 binomial uncertainty of the value, and "no change" can be tested.
    describe:    (formula mapping) -> the formula written out in Dutch, for the site.
    counts:      inputs that count something (people, households) and so cannot be
                 negative in the data. None: the ``denominator`` input, plus every input
                 of a kind with a ``proportion`` (a share of counts).
    signed_options: numeric options that may be zero or negative; every other numeric
                 option must be a positive number (a ``per`` of 0 means nothing).
    count_pairs: (part, whole) pairs of count inputs, e.g. (("numerator", "denominator"),):
                 the part is counted among the whole, so the whole minus the part counts
                 those who do not have it (``share`` and ``rate`` one pair, ``quotient``
                 two). Disclosure control reads this, never the inputs' names: a sum of
                 hidden cells that is 0 in the part ("nobody there has it") or in the
                 whole minus the part ("everybody has it") gives every one of them away,
                 so suppression breaks such sums up (methods §6). A kind built
                 on counts that leaves this out loses that protection. Both inputs of a
                 pair are counts (see ``counts``).
    interval:    how the value gets its 95 % confidence interval (:class:`Interval`), or
                 None: no interval, and so no verdict against the reference (methods
                 §11). Declare one only where the inputs say how uncertain the value is.
    """

    name: str
    inputs: tuple[str, ...]
    compute: FormulaCompute
    describe: Callable[[Mapping[str, object]], str]
    optional_inputs: tuple[str, ...] = ()
    options: Mapping[str, float | str | None] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resolve_inputs: Callable[[Mapping[str, object]], dict[str, str]] | None = None
    weighted: Mapping[str, str] = field(default_factory=dict)
    denominator: str | None = None
    proportion: FormulaCompute | None = None
    counts: tuple[str, ...] | None = None
    signed_options: tuple[str, ...] = ()
    count_pairs: tuple[tuple[str, str], ...] = ()
    interval: Interval | None = None

    def __post_init__(self) -> None:
        # A wrong declaration is the plugin's error, raised where it registers its kinds
        # (and named there), never a silently missing or wrong interval.
        interval = self.interval
        if interval is None:
            return
        if interval.method == "standard_error":
            if interval.standard_error not in (*self.inputs, *self.optional_inputs):
                raise ValueError(
                    f"formula kind {self.name!r}: interval standard_error "
                    f"{interval.standard_error!r} is not one of its inputs"
                )
        else:
            counts = self.count_inputs()
            for role in ("count", "base"):
                field_ = getattr(interval, role)
                if field_ not in self.inputs or field_ not in counts:
                    raise ValueError(
                        f"formula kind {self.name!r}: interval {role} {field_!r} is not one "
                        "of its required count inputs"
                    )
                if field_ in self.weighted:
                    raise ValueError(
                        f"formula kind {self.name!r}: interval {role} {field_!r} is a weighted "
                        "input; an interval needs summed counts"
                    )
            pair = (interval.count, interval.base)
            if interval.method == "wilson" and pair not in self.count_pairs:
                raise ValueError(
                    f"formula kind {self.name!r}: a Wilson interval needs {pair!r} "
                    "declared in count_pairs (the count is part of the base)"
                )
        if interval.scale_option is not None and interval.scale_option not in self.options:
            raise ValueError(
                f"formula kind {self.name!r}: interval scale_option "
                f"{interval.scale_option!r} is not one of its options"
            )

    def count_inputs(self) -> tuple[str, ...]:
        """The input fields whose variables must not be negative."""
        if self.counts is not None:
            return self.counts
        if self.proportion is not None:
            return (*self.inputs, *self.optional_inputs)
        single = (self.denominator,) if self.denominator else ()
        return tuple(dict.fromkeys((*single, *(f for pair in self.count_pairs for f in pair))))


@dataclass(frozen=True)
class ComparisonKind:
    """A way of expressing how far an area is from its reference area (the report's p).

    describe: (options) -> the formula written out in Dutch.
    example:  a worked example (value, reference value) for the site.
    deviation_unit: "percent" when p is a relative deviation in %, "unit" when p is in
              the indicator's own unit (a difference of scores). The site words p, its
              decimals and the "no change" threshold after it (never after the name).
    signed_options: numeric options that may be zero or negative; every other numeric
              option must be a positive number (an ``offset`` shifts scores above zero).
    ratio_of_values: True when p is exactly (x / x_ref - 1) x 100 of the two values
              (``ratio``, ``quotient_ratio``). Then the standard error of p follows from
              the relative variances of both values by the delta method, and for a
              formula kind with a ``proportion`` (a share of counts) the statistical
              "no change" rule applies (methods §5). A shifted ratio
              or a difference has another variance, so it leaves this False.
    """

    name: str
    compute: ComparisonCompute
    describe: Callable[[Mapping[str, float]], str]
    example: tuple[float, float] = (5.0, 4.0)
    options: Mapping[str, float | None] = field(default_factory=dict)
    deviation_unit: str = "percent"
    signed_options: tuple[str, ...] = ()
    ratio_of_values: bool = False


# The values ``ComparisonKind.deviation_unit`` may take (checked when a monitor is loaded).
DEVIATION_UNITS = ("percent", "unit")


@dataclass(frozen=True)
class IndicatorKinds:
    """The kinds of one indicator, resolved once when the monitor is loaded.

    The computation and the site read these (``Monitor.kinds``), never the plugin
    registry, so an indicator is computed and worded by the very objects it was
    validated against.

    formula, comparison: the registered kinds the YAML names.
    formula_options, comparison_options: the YAML's options with the kind's defaults.
    """

    formula: FormulaKind
    comparison: ComparisonKind
    formula_options: Mapping[str, object]
    comparison_options: Mapping[str, object]

    @property
    def p_in_own_unit(self) -> bool:
        """Whether p is in the indicator's unit (a difference) rather than in %."""
        return self.comparison.deviation_unit == "unit"

    @property
    def binomial_change(self) -> bool:
        """Whether the standard error of p, and so the statistical "no change" rule, is
        known: a share of counts (``proportion``) compared as a plain ratio of values."""
        return self.formula.proportion is not None and self.comparison.ratio_of_values
