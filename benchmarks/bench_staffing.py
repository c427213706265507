"""A large roster checked end to end (target: 500 facilitators + 2,000 staff events < 0.5 s).

Run by hand: ``python benchmarks/bench_staffing.py``. Builds a lot-5 roster of 500
facilitators (a third of them psychologists), 20 prison establishments, 10 MO
places, 1,000 access requests and 2,000 staff movements (departures and absences,
some late, some not notified, so that findings and deadline traces are worded),
then prints the median time over several runs of:

- ``check_roster`` on the dict, as parsed from JSON (reading + every rule);
- ``check_roster`` on the attrs model already built (the rules alone);
- ``read_roster_csv`` + ``check_roster`` on the same roster exported as CSV.

The first run, which builds the holiday tables of the calendar, is timed apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import statistics
import sys
import time

from ppaip_rules import check_roster, read_roster, read_roster_csv
from ppaip_rules.roster_csv import COLUMNS
from ppaip_rules.staffing import EMPLOYMENTS, EVENT_KINDS, ROLES, luhn_ok

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
FACILITATORS, EVENTS, ESTABLISHMENTS, PLACES = (30, 60, 20, 10) if SMOKE else (500, 2000, 20, 10)
AS_OF = "2025-12-31"
#: The French label of each code, by field (the CSV holds French values).
LABELS = {"role": ROLES, "employment": EMPLOYMENTS, "kind": EVENT_KINDS}


def rpps(n: int) -> str:
    body = f"1{n:09d}"
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def big_roster() -> dict:
    establishments = [{"id": f"EP-{i:02d}", "departement": "21" if i % 2 else "71",
                       "coordinator": f"F{i:03d}"} for i in range(ESTABLISHMENTS)]
    premises = [{"id": f"MO-{i:02d}", "departement": "21" if i % 2 else "71",
                 "public_transport": True, "erp_compliant": True, "capacity": 6 + i % 3,
                 "sent_to_spip": True, "sent_to_disp": i % 4 != 0} for i in range(PLACES)]
    people, access = [], []
    for i in range(FACILITATORS):
        sites = [f"EP-{i % ESTABLISHMENTS:02d}", f"EP-{(i + 7) % ESTABLISHMENTS:02d}",
                 f"MO-{i % PLACES:02d}"]
        person = {"id": f"F{i:03d}", "employment": "subcontractor" if i % 5 == 0 else "employee",
                  "weekly_hours": 35 if i % 4 else 17.5, "fte": 1.0 if i % 4 else 0.5,
                  "sites": sites, "criminal_record_clean": i % 50 != 0, "cv_sent": True}
        if i % 3 == 0:
            person.update(role="psychologist", registry_number=rpps(i))
        else:
            person.update(role="insertion_adviser", qualification=("III", "IV", "5", "II")[i % 4],
                          experience=i % 17 != 0)
        people.append(person)
        for site in sites[:2]:
            access.append({"facilitator": person["id"], "establishment": site,
                           "requested_on": "2025-01-20" if i % 11 else "2025-02-20",
                           "granted_on": "2025-02-25", "id_document": i % 13 != 0})
    people[1]["substitute"] = True
    events = []
    start = dt.date(2025, 3, 3)
    for j in range(EVENTS):
        who = people[(j * 7) % FACILITATORS]["id"]
        day = start + dt.timedelta(days=(j * 3) % 280)
        kind = ("planned_absence", "prolonged_absence", "short_absence")[j % 3]
        event = {"facilitator": who, "kind": kind, "start": day.isoformat(),
                 "end": (day + dt.timedelta(days=5 + j % 20)).isoformat(),
                 "notified_disp_on": day.isoformat(), "notified_spip_on": day.isoformat()}
        if j % 2:
            event["notified_establishment_on"] = day.isoformat()
        if j % 5 == 0:
            event["replaced_by"] = people[(j * 7 + 3) % FACILITATORS]["id"]
            event["replaced_on"] = (day + dt.timedelta(days=8 + j % 12)).isoformat()
        events.append(event)
    return {"lot": 5, "market_start": "2025-03-03", "substitute_list_sent_on": "2025-02-24",
            "establishments": establishments, "facilitators": people, "access": access,
            "events": events, "premises": premises}


def to_csv(data: dict) -> bytes:
    """The same roster as the spreadsheet export the CSV reader expects."""
    from ppaip_rules.roster_csv import _LAYOUT

    headers = [c.header for c in COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)

    def line(row_type: str, item: dict) -> None:
        cells = dict.fromkeys(headers, "")
        cells["type de ligne"] = row_type
        for header, (field, _) in _LAYOUT[row_type][1].items():
            value = item.get(field)
            if value is None:
                continue
            if isinstance(value, bool):
                value = "oui" if value else "non"
            elif isinstance(value, list):
                value = " ".join(value)
            elif field in LABELS:  # a code: its French label, as a spreadsheet holds it
                value = LABELS[field][value]
            elif isinstance(value, float):
                value = f"{value:g}".replace(".", ",")
            cells[header] = str(value)
        writer.writerow(cells[h] for h in headers)

    line("lot", {"lot": data["lot"], "market_start": data["market_start"],
                 "substitute_list_sent_on": data["substitute_list_sent_on"]})
    for row_type, section in (("établissement", "establishments"), ("intervenant", "facilitators"),
                              ("accès", "access"), ("mouvement", "events"),
                              ("lieu MO", "premises")):
        for item in data[section]:
            line(row_type, item)
    return out.getvalue().encode("utf-8")


def median_seconds(fn, repeats: int = 1 if SMOKE else 11) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    data = big_roster()
    raw = to_csv(data)
    start = time.perf_counter()
    report = check_roster(data, as_of=AS_OF)
    first = time.perf_counter() - start
    model = read_roster(data)
    assert read_roster_csv(raw) == model, "the CSV export must give the same roster"
    counts = report.to_dict()["counts"]
    print(f"roster: {len(data['facilitators'])} facilitators, {len(data['events'])} staff "
          f"events, {len(data['access'])} access requests, {len(data['establishments'])} "
          f"establishments, {len(data['premises'])} MO places; CSV {len(raw) // 1024} KiB")
    print(f"findings: {counts['violation']} violations, {counts['warning']} warnings, "
          f"{counts['info']} infos")
    print(f"first run (builds the holiday tables): {first * 1000:.0f} ms")
    results = {
        "check_roster(dict)": median_seconds(lambda: check_roster(data, as_of=AS_OF)),
        "check_roster(Roster)": median_seconds(lambda: check_roster(model, as_of=AS_OF)),
        "read_roster_csv + check_roster": median_seconds(
            lambda: check_roster(read_roster_csv(raw), as_of=AS_OF)),
    }
    for name, seconds in results.items():
        print(f"{name:<32} median {seconds * 1000:7.1f} ms")
    worst = max(results.values())
    print(f"target < 500 ms: {'met' if worst < 0.5 else 'NOT MET'}")
    substitutes_grid()
    return 0 if worst < 0.5 or SMOKE else 1


def substitutes_grid() -> None:
    """N substitutes x N establishments, no access line (issue 16): findings, time, memory."""
    import tracemalloc

    for n in (750, 1500):
        establishments = [{"id": f"E{i}", "departement": "21", "coordinator": "P0",
                           "contacts_updated_on": ["2025-02-24"]} for i in range(n)]
        people = [{"id": "P0", "role": "psychologue", "registry_number": rpps(0),
                   "sites": ["E0"], "criminal_record_clean": True, "cv_sent": True}]
        people += [{"id": f"S{i}", "role": "psychologue", "registry_number": rpps(i + 1),
                    "substitute": True, "criminal_record_clean": True, "cv_sent": True}
                   for i in range(n)]
        data = {"lot": 5, "market_start": "2025-03-03", "substitute_list_sent_on": "2025-02-24",
                "establishments": establishments, "facilitators": people,
                "access": [{"facilitator": "P0", "establishment": "E0",
                            "requested_on": "2025-01-20", "granted_on": "2025-02-17",
                            "id_document": True}]}
        tracemalloc.start()
        report = check_roster(data, as_of=AS_OF)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        seconds = median_seconds(lambda d=data: check_roster(d, as_of=AS_OF), repeats=3)
        print(f"{n} substitutes x {n} establishments: "
              f"{len(report.by_rule('STAFF-SUBSTITUTE'))} STAFF-SUBSTITUTE findings, "
              f"median {seconds * 1000:.0f} ms, peak {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
