"""``wijkmonitor import statline|odata ...``: arguments and what the command prints."""

from __future__ import annotations

import argparse
from pathlib import Path

from wijkmonitor.core.tidy import write_tidy_csv
from wijkmonitor.importers.tidy import ImportResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="source", required=True, metavar="{statline,odata}")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", type=Path, required=True, help="tidy CSV to write")
        p.add_argument(
            "--mapping", type=Path, help="YAML {column title: variable id} overriding the ids"
        )
        p.add_argument(
            "--regions",
            type=Path,
            help="regions.csv (code,name,level,parent): add the regions it does not have yet",
        )

    csv_ = sub.add_parser(
        "statline", help='a StatLine CSV export ("CSV met statistische symbolen")'
    )
    csv_.add_argument("file", type=Path, help="the exported CSV file")
    csv_.add_argument(
        "--decimal",
        choices=["point", "comma"],
        help="decimal separator (default: detected per file)",
    )
    common(csv_)

    odata = sub.add_parser("odata", help="a table from the CBS OData API (cbsodata)")
    odata.add_argument("table_id", help="CBS table id, e.g. 85163NED")
    odata.add_argument(
        "--catalog-url",
        default="opendata.cbs.nl",
        help="OData host (default opendata.cbs.nl; http://host:port for a local copy)",
    )
    odata.add_argument(
        "--untyped",
        action="store_true",
        help="read UntypedDataSet (cells as text, statistical symbols kept)",
    )
    common(odata)


def _report(result: ImportResult, out: Path, regions: Path | None) -> None:
    print("column -> variable:")
    for title, ident in result.mapping.items():
        print(f"  {title}  ->  {ident}")
    for note in result.notes:
        print(f"note: {note}")
    if regions is not None:
        from wijkmonitor.importers.regions import missing_regions

        # Read before anything is written: a broken regions file leaves both files as
        # they were.
        combined, added, region_notes = missing_regions(regions, result.regions)
    write_tidy_csv(result.tidy, out)
    counts = result.tidy["status"].replace("", "figure").value_counts()
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    print(
        f"{out}: {len(result.tidy)} rows ({summary}), {result.tidy['region'].nunique()} regions, "
        f"periods {result.tidy['period'].min()}-{result.tidy['period'].max()}"
    )
    if regions is not None:
        from wijkmonitor.core.regions import write_regions_csv

        write_regions_csv(combined, regions)
        print(f"{regions}: added {len(added)} regions")
        for note in region_notes:
            print(f"note: {note}")


def run(args: argparse.Namespace) -> int:
    mapping = None
    if args.mapping is not None:
        from wijkmonitor.importers.statline import load_mapping

        mapping = load_mapping(args.mapping)
    if args.source == "statline":
        from wijkmonitor.importers.statline import read_statline_csv

        decimal = {"point": ".", "comma": ",", None: None}[args.decimal]
        result = read_statline_csv(args.file, mapping=mapping, decimal=decimal)
    else:
        from wijkmonitor.importers.odata import read_odata

        dataset = "UntypedDataSet" if args.untyped else "TypedDataSet"
        result = read_odata(args.table_id, args.catalog_url, dataset=dataset, mapping=mapping)
    _report(result, args.out, args.regions)
    return 0
