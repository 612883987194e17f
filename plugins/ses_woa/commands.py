"""``wijkmonitor ses-woa fit|synthetic``: fit coefficients; write the synthetic demo file.

Registered through the hook ``register_commands`` (see :data:`COMMAND`), like a
third-party plugin's command: the CLI does not know this plugin.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wijkmonitor.core.hookspecs import Command
from wijkmonitor.core.problems import Problem, ProblemsError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="{fit,synthetic}")
    fit = sub.add_parser("fit", help="fit the MCA on one year's households; write coefficients")
    fit.add_argument("households", type=Path, help="household CSV (.csv or .csv.gz)")
    fit.add_argument("--reference-year", type=int, required=True, help="e.g. 2019")
    fit.add_argument("--out", type=Path, required=True, help="coefficients JSON to write")
    fit.add_argument(
        "--note", action="append", default=[], help="a note stored with the coefficients"
    )

    synthetic = sub.add_parser(
        "synthetic", help="write a SYNTHETIC household file for the regions of a monitor"
    )
    synthetic.add_argument(
        "--regions", type=Path, default=Path("data/regions.csv"), help="regions.csv to use"
    )
    synthetic.add_argument("--seed", type=int, default=2019)
    synthetic.add_argument(
        "--out",
        type=Path,
        required=True,
        help="household file (.csv.gz), e.g. data/synthetic_households.csv.gz",
    )


def _fit(args: argparse.Namespace) -> int:
    from wijkmonitor.plugins.ses_woa.households import read_households
    from wijkmonitor.plugins.ses_woa.scoring import fit, save_coefficients

    households = read_households(args.households)
    year = households[households["period"] == args.reference_year]
    if year.empty:
        years = ", ".join(str(y) for y in sorted(households["period"].unique()))
        raise ProblemsError(
            [
                Problem(
                    str(args.households),
                    None,
                    "period",
                    f"no households in {args.reference_year} (years: {years})",
                )
            ]
        )
    try:
        coefficients = fit(year, source=args.households.name, notes=args.note)
    except ValueError as exc:
        raise ProblemsError([Problem(str(args.households), None, None, str(exc))]) from None
    save_coefficients(coefficients, args.out)
    print(
        f"{args.out}: reference year {coefficients.reference_year}, "
        f"{coefficients.n_households} households, eigenvalue {coefficients.eigenvalue:.4f} "
        f"({coefficients.explained_inertia:.1%} of the inertia)"
    )
    for column, values in coefficients.categories.items():
        print(f"  {column:16} " + "  ".join(f"{k}:{v:+.3f}" for k, v in values.items()))
    return 0


def _synthetic(args: argparse.Namespace) -> int:
    from wijkmonitor.core.regions import read_regions_csv
    from wijkmonitor.plugins.ses_woa.synthetic_households import generate, write_gzip_csv

    regions = read_regions_csv(args.regions, str(args.regions))
    households = generate(regions, seed=args.seed)
    write_gzip_csv(households, args.out)
    print(
        f"{args.out}: {len(households)} SYNTHETIC households in "
        f"{households['region'].nunique()} regions, {households['period'].min()}-"
        f"{households['period'].max()} (seed {args.seed})"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    return _fit(args) if args.action == "fit" else _synthetic(args)


COMMAND = Command(
    name="ses-woa",
    help="SES-WOA: fit MCA coefficients, write synthetic households",
    add_arguments=add_arguments,
    run=run,
)
