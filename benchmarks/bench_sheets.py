"""Reading a large roster workbook (target: 500 staff and 2,000 events read from .xlsx < 1 s).

Run by hand: ``python benchmarks/bench_sheets.py`` (needs the ``tableur`` extra).
Builds the roster of ``bench_staffing`` (500 facilitators, 2,000 staff movements,
1,000 access requests, 20 establishments, 10 MO places), saves it as a spreadsheet
program would (dates as date cells, numbers as numbers) in three forms, then prints
the median time over several runs of reading each into a checked-ready roster
(``read_roster_table``: decoding, every cell, every row's validation, the references):

- ``.xlsx`` with one sheet per kind of row (the template's layout);
- ``.xlsx`` with the one-sheet layout of the CSV file;
- the CSV file itself (UTF-8), for comparison;

and, for information, the read and the check together on the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_staffing import AS_OF, big_roster, median_seconds, to_csv
from openpyxl import Workbook

from ppaip_rules import check_roster, read_roster
from ppaip_rules.roster_csv import (
    _LAYOUT,
    SHEETS,
    _date,
    _int,
    _number,
    columns_of,
    read_roster_table,
)

TARGET = 1.0


def _typed(row_type: str, header: str, text: str):
    if not text:
        return None
    convert = _LAYOUT[row_type][1][header][1]
    if convert is _date:
        return dt.datetime.fromisoformat(_date(text))
    if convert is _int:
        return int(text)
    if convert is _number:
        return float(text.replace(",", "."))
    return text


def _save(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbooks(raw_csv: bytes) -> tuple[bytes, bytes]:
    import csv

    rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8"), newline=""), delimiter=";"))
    header = rows[0]
    per_type: dict[str, list[list]] = {t: [[c.header for c in columns_of(t)]] for t in SHEETS}
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        t = cells["type de ligne"]
        per_type[t].append([_typed(t, c.header, cells[c.header]) for c in columns_of(t)])
    one_sheet = [header] + [
        [r[0]] + [_typed(r[0], h, v) if h in _LAYOUT[r[0]][1] else None
                  for h, v in zip(header[1:], r[1:], strict=True)] for r in rows[1:]]
    return (_save({SHEETS[t]: body for t, body in per_type.items()}),
            _save({"Feuil1": one_sheet}))


def main() -> int:
    data = big_roster()
    raw_csv = to_csv(data)
    per_sheet, one_sheet = workbooks(raw_csv)
    model = read_roster(data)
    for raw in (per_sheet, one_sheet, raw_csv):
        assert read_roster_table(raw).data == model, "every form must give the same roster"
    print(f"roster: {len(data['facilitators'])} facilitators, {len(data['events'])} staff "
          f"events, {len(data['access'])} access requests; .xlsx per kind of row "
          f"{len(per_sheet) // 1024} KiB, one-sheet .xlsx {len(one_sheet) // 1024} KiB, "
          f"CSV {len(raw_csv) // 1024} KiB")
    check_roster(model, as_of=AS_OF)          # builds the holiday tables once
    results = {
        "read .xlsx (one sheet per kind)": median_seconds(lambda: read_roster_table(per_sheet)),
        "read .xlsx (one-sheet layout)": median_seconds(lambda: read_roster_table(one_sheet)),
        "read CSV": median_seconds(lambda: read_roster_table(raw_csv)),
        "read .xlsx + check_roster": median_seconds(
            lambda: check_roster(read_roster_table(per_sheet), as_of=AS_OF)),
    }
    for name, seconds in results.items():
        print(f"{name:<34} median {seconds * 1000:7.1f} ms")
    worst = max(results["read .xlsx (one sheet per kind)"], results["read .xlsx (one-sheet layout)"])
    print(f"target: xlsx read < {TARGET * 1000:.0f} ms: {'met' if worst < TARGET else 'NOT MET'}")
    return 0 if worst < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
