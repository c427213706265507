"""Recette Spark : ``mapInPandas`` sur un DataFrame de lignes NDJSON (colonne ``value``)."""

import pandas as pd

from ppaip_rules.batch import CASE_COLUMNS, evaluate_cases

AS_OF = "2026-06-30T12:00:00+02:00"

#: Le schéma des lignes « cas » (CASE_COLUMNS), pour Spark.
CASE_SCHEMA = (
    "index long, case_id string, as_of string, state string, state_since string, "
    "verdict string, complete boolean, obligations long, overdue long, pending long, "
    "violations long, warnings long, informations long, missing_facts long, "
    "validated_individual double, validated_collective double, "
    "delivered_individual double, delivered_collective double, "
    "ignored_after_as_of long, error_path string, error string")


def evaluate_batches(batches):
    """Pour ``mapInPandas`` : chaque lot de lignes NDJSON donne un lot de lignes « cas »."""
    for frame in batches:
        rows = [r.case for r in evaluate_cases(frame["value"], as_of=AS_OF, errors="row")]
        yield pd.DataFrame(rows, columns=list(CASE_COLUMNS))


# Avec Spark :
#   cases = spark.read.text("cas/*.ndjson").mapInPandas(evaluate_batches, schema=CASE_SCHEMA)
#   cases.groupBy("verdict").count().show()
