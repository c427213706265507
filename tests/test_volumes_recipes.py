"""The recipes of the "Grands volumes" page run, at a tiny size (Dask and pandas if installed)."""

import importlib.util
import json
from importlib import resources
from pathlib import Path

import pytest

from ppaip_rules.batch import CASE_COLUMNS, evaluate_cases

SNIPPETS = Path(__file__).parent.parent / "docs" / "snippets" / "volumes"
EXAMPLES = resources.files("ppaip_rules") / "examples"
CASES = [json.loads((EXAMPLES / f"case.{name}.json").read_text(encoding="utf-8"))
         for name in ("conforme", "non-conforme")]
AS_OF = "2026-06-30T12:00:00+02:00"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", SNIPPETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def ndjson(tmp_path):
    path = tmp_path / "cas.ndjson"
    path.write_text("\n".join(json.dumps(c) for c in CASES * 3) + "\n", encoding="utf-8")
    return path


def test_all_cores_recipe_writes_the_three_csv_files(ndjson, tmp_path):
    recipe = _load("tous_les_coeurs")
    recipe.main(ndjson, tmp_path / "out", AS_OF)
    lines = (tmp_path / "out" / "cas.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(CASE_COLUMNS) and len(lines) == 7
    assert (tmp_path / "out" / "obligations.csv").stat().st_size > 0


def test_dask_recipe_equals_evaluate_cases_with_the_local_scheduler(ndjson):
    dask = pytest.importorskip("dask", reason="Dask absent : pip install 'dask[bag]'")
    recipe = _load("recette_dask")
    cases, obligations = recipe.evaluate(str(ndjson), AS_OF, blocksize=None)
    with dask.config.set(scheduler="synchronous"):
        got = cases.compute()
        got_obligations = obligations.compute()
    expected = list(evaluate_cases(ndjson, as_of=AS_OF))
    assert [r["case_id"] for r in got] == [r.case["case_id"] for r in expected]
    assert len(got_obligations) == sum(len(r.obligations) for r in expected)


def test_spark_recipe_function_gives_frames_of_case_rows(ndjson):
    pd = pytest.importorskip("pandas", reason="pandas absent (recette Spark mapInPandas)")
    recipe = _load("recette_spark")
    lines = ndjson.read_text(encoding="utf-8").splitlines()
    frames = list(recipe.evaluate_batches(iter([pd.DataFrame({"value": lines})])))
    assert list(frames[0].columns) == list(CASE_COLUMNS) and len(frames[0]) == 6
    assert len(recipe.CASE_SCHEMA.split(",")) == len(CASE_COLUMNS)


def test_the_page_includes_the_tested_recipes():
    page = (Path(__file__).parent.parent / "docs" / "guides" / "grands-volumes.md").read_text(
        encoding="utf-8")
    for name in ("tous_les_coeurs", "recette_dask", "recette_spark"):
        assert f'--8<-- "volumes/{name}.py"' in page
