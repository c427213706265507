"""Évaluer un fichier NDJSON (un cas par ligne) sur tous les cœurs, et écrire trois CSV."""

import csv
import os
import sys
from pathlib import Path

from ppaip_rules.batch import CASE_COLUMNS, FINDING_COLUMNS, OBLIGATION_COLUMNS, evaluate_cases


def main(source: Path, out: Path, as_of: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "cas.csv").open("w", newline="", encoding="utf-8") as c, \
         (out / "obligations.csv").open("w", newline="", encoding="utf-8") as o, \
         (out / "constats.csv").open("w", newline="", encoding="utf-8") as f:
        cases = csv.DictWriter(c, CASE_COLUMNS)
        obligations = csv.DictWriter(o, OBLIGATION_COLUMNS)
        findings = csv.DictWriter(f, FINDING_COLUMNS)
        for writer in (cases, obligations, findings):
            writer.writeheader()
        rows = evaluate_cases(source, as_of=as_of, workers=os.cpu_count() or 1,
                              errors="row")  # un cas invalide devient une ligne « error »
        for r in rows:
            cases.writerow(r.case)
            obligations.writerows(r.obligations)
            findings.writerows(r.findings)


if __name__ == "__main__":  # indispensable : les processus sont lancés en « spawn »
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
