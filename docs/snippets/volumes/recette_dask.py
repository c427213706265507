"""Recette Dask : un sac (bag) de lignes NDJSON, évalué partition par partition."""

import dask.bag as db

from ppaip_rules.batch import evaluate_cases


def case_rows(lines, as_of):
    """Les lignes « cas » d'une partition (une liste de lignes NDJSON)."""
    return [r.case for r in evaluate_cases(lines, as_of=as_of, errors="row")]


def obligation_rows(lines, as_of):
    """Les lignes « obligations » d'une partition."""
    return [o for r in evaluate_cases(lines, as_of=as_of, errors="row") for o in r.obligations]


def evaluate(paths, as_of, blocksize="64MiB"):
    """Deux sacs paresseux : cas et obligations (``.compute()``, ``.to_dataframe()``…)."""
    lines = db.read_text(paths, blocksize=blocksize)
    return (lines.map_partitions(case_rows, as_of),
            lines.map_partitions(obligation_rows, as_of))
