"""OData import through the real cbsodata client, served from recorded responses.

A local HTTP server on 127.0.0.1 answers the OData v3 URLs cbsodata builds
(``/ODataFeed/odata/<table>/<name>?$format=json``) with the JSON files in
tests/fixtures/statline/odata/<table>/ (written by hand in the API's format, figures
invented). ``TypedDataSet`` comes in two pages linked by ``odata.nextLink``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import cbsodata
import pandas as pd
import pytest
from test_statline_import import EXPECTED_SAMPLE, SAMPLE_COMMA, assert_same_rows, rows

from wijkmonitor.cli import main
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.importers.odata import read_odata
from wijkmonitor.importers.statline import read_statline_csv

RECORDED = Path(__file__).parent / "fixtures" / "statline" / "odata"


class _Handler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        self.requests.append(self.path)
        query = parse_qs(url.query)
        if len(parts) != 4 or parts[0] not in ("ODataFeed", "ODataApi") or parts[1] != "odata":
            self.send_error(404)
            return
        table, name = parts[2], parts[3]
        skip = query.get("$skip", [None])[0]
        path = RECORDED / table / (f"{name}_skip{skip}.json" if skip else f"{name}.json")
        if not path.exists():
            self.send_error(404)
            return
        host, port = self.server.server_address[:2]
        body = path.read_text(encoding="utf-8").replace("{base}", f"http://{host}:{port}")
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def catalog() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch) -> None:
    # cbsodata copies http(s)_proxy from the environment; the local server needs none.
    monkeypatch.setattr(cbsodata.options, "requests", {"proxies": {"http": None, "https": None}})


def test_recorded_fixtures_are_odata_v3_documents() -> None:
    for path in (RECORDED / "85163NED").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert set(doc) <= {"odata.metadata", "value", "odata.nextLink"}, path
        assert isinstance(doc["value"], list) and doc["value"], path


def test_typed_dataset_through_cbsodata(catalog: str) -> None:
    _Handler.requests.clear()
    result = read_odata("85163NED", catalog_url=catalog)
    paths = [urlsplit(p).path for p in _Handler.requests]
    assert paths == [
        "/ODataFeed/odata/85163NED/TableInfos",
        "/ODataFeed/odata/85163NED/DataProperties",
        "/ODataFeed/odata/85163NED/WijkenEnBuurten",
        "/ODataFeed/odata/85163NED/Perioden",
        "/ODataFeed/odata/85163NED/TypedDataSet",
        "/ODataFeed/odata/85163NED/TypedDataSet",  # the second page, via odata.nextLink
    ]
    assert "$skip=4" in _Handler.requests[-1]
    assert cbsodata.options.use_https is True  # restored after the import

    # TypedDataSet has null for both '.' and 'x', and a plain 0 for a nil: the statuses
    # the API cannot give differ from the CSV export; everything else is the same.
    expected = []
    for region, period, variable, value, status in EXPECTED_SAMPLE:
        if status == "x":
            status = "."
        if status == "-":
            status = ""
        expected.append((region, period, variable, value, status))
    assert_same_rows(rows(result.tidy), expected)
    assert result.mapping == {
        "Particuliere huishoudens (aantal)": "particuliere_huishoudens",
        "SES-WOA/Totaalscore/Gemiddelde score (getal)": "ses_woa_totaal_gemiddelde",
        "SES-WOA/Deelscore financiële welvaart/Gemiddelde score (getal)": (
            "ses_woa_welvaart_gemiddelde"
        ),
        "Spreiding/Spreiding totaal/Waarde (getal)": "ses_woa_totaal_spreiding",
    }
    assert result.regions.equals(read_statline_csv(SAMPLE_COMMA).regions)
    assert result.notes[0].startswith("85163NED: Sociaal-economische status")
    assert any("2019JJ00" in note for note in result.notes)  # Status: Voorlopig


def test_untyped_dataset_keeps_symbols_like_the_csv_export(catalog: str) -> None:
    result = read_odata("85163NED", catalog_url=catalog, dataset="UntypedDataSet")
    assert_same_rows(rows(result.tidy), EXPECTED_SAMPLE)


def test_cli_odata_writes_tidy_csv(catalog: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "ses.csv"
    code = main(["import", "odata", "85163NED", "--catalog-url", catalog, "--out", str(out)])
    assert code == 0
    assert "ses_woa_totaal_gemiddelde" in capsys.readouterr().out
    tidy = pd.read_csv(out, dtype={"region": str}, keep_default_na=False)
    row = tidy[(tidy["region"] == "WK036300") & (tidy["variable"] == "ses_woa_totaal_gemiddelde")]
    assert row[["period", "value", "status"]].to_dict("records") == [
        {"period": 2019, "value": "0.181", "status": ""}
    ]
    nan_row = tidy[
        (tidy["region"] == "BU03630001") & (tidy["variable"] == "ses_woa_totaal_gemiddelde")
    ]
    assert nan_row[["value", "status"]].to_dict("records") == [{"value": "", "status": "."}]


def test_unknown_table_is_a_problem(catalog: str) -> None:
    with pytest.raises(ProblemsError) as info:
        read_odata("00000NED", catalog_url=catalog)
    (problem,) = info.value.problems
    assert problem.file.endswith("/00000NED") and "download failed" in problem.message
