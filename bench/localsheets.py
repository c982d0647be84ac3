"""What formulas, sorting and the grid page cost localsheets, in process.

    python bench/localsheets.py [--rows 10000]

A Members-like tab of `rows` rows and 16 columns, then the same with a
formula on every row (`=LOWER(B2)&"@example.org"` and `=IF(C2>2,"active","")`)
and a running total (`=D1+C2`, each row needing the one above). Prints the
seconds for a values.get of the whole tab under each render option, a
sortRange of the whole tab, an append to it, and the grid page.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from localsheets.server import create_app  # noqa: E402


def timed(label, fn):
    start = time.perf_counter()
    response = fn()
    seconds = time.perf_counter() - start
    assert response.status_code in (200, 303), response.get_data(as_text=True)[:300]
    print(f"  {label:<44} {seconds:7.3f} s")
    return response


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory() as data:
        app = create_app(data)
        app.extensions["localsheets"]["faults"].update({"reads_per_minute": 0, "writes_per_minute": 0})
        client = app.test_client()
        sid = client.post("/v4/spreadsheets", json={"sheets": [{"properties": {
            "title": "Members", "gridProperties": {"rowCount": n + 10, "columnCount": 16}}}]}).get_json()["spreadsheetId"]
        base = f"/v4/spreadsheets/{sid}"
        rows = [[f"p{i}@example.org", f"Name{i % 97}", str(i % 7)] + [f"x{i}-{c}" for c in range(13)]
                for i in range(n)]
        client.put(f"{base}/values/Members!A1?valueInputOption=RAW", json={"values": rows})
        print(f"{n} rows x 16 columns, plain values:")
        for option in ("FORMATTED_VALUE", "UNFORMATTED_VALUE"):
            timed(f"values.get, {option}", lambda: client.get(f"{base}/values/Members",
                                                            query_string={"valueRenderOption": option}))
        append = lambda: client.post(  # noqa: E731
            f"{base}/values/Members!A{n + 1}:append?valueInputOption=RAW&insertDataOption=INSERT_ROWS",
            json={"values": [["new@example.org"]]})
        timed("values.append of one row (INSERT_ROWS)", append)
        formulas = [[f'=LOWER(B{i + 1})&"@example.org"', f'=IF(C{i + 1}>2,"active","")',
                     f"=D{i}+C{i + 1}" if i else f"=C{i + 1}"] for i in range(n)]
        client.put(f"{base}/values/Members!N1?valueInputOption=USER_ENTERED", json={"values": formulas})
        print(f"the same with {3 * n} formulas (one a running total down the tab):")
        for option in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            timed(f"values.get, {option}", lambda: client.get(f"{base}/values/Members",
                                                            query_string={"valueRenderOption": option}))
        timed("sortRange by column B", lambda: client.post(f"{base}:batchUpdate", json={"requests": [{"sortRange": {
            "range": {"sheetId": 0}, "sortSpecs": [{"dimensionIndex": 1}]}}]}))
        timed("values.append of one row (INSERT_ROWS)", append)
        timed("grid page, first 200 rows", lambda: client.get(f"/view/{sid}?tab=Members"))


if __name__ == "__main__":
    main()
