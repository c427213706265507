"""A bounded property-based run (schemathesis) against the service's own OpenAPI document,
on a real uvicorn server: whatever the generated request, no answer is a 5xx, and an error
is a problem+json body. The number of cases is bounded (``PPAIP_SERVICE_EXAMPLES`` per
operation, 10 by default: a few hundred requests in all)."""

import os

import pytest

pytest.importorskip("schemathesis", reason="schemathesis non installé (extra test)")
httpx = pytest.importorskip("httpx", reason="extra test non installé")

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from tests.test_service import Server  # noqa: E402


@schemathesis.serializer("application/x-ndjson", "text/csv")
def _text(ctx, value):
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(
        str(value), "utf-8")


EXAMPLES = int(os.environ.get("PPAIP_SERVICE_EXAMPLES", "10"))

_server = None


def _url() -> str:
    global _server
    if _server is None:
        _server = Server()
    return _server.url


@pytest.fixture(scope="module", autouse=True)
def _stop_server():
    yield
    if _server is not None:
        _server.stop()


def operations():
    document = httpx.get(_url() + "/openapi.json", timeout=60).json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.config.update(base_url=_url())
    return [result.ok() for result in loaded.get_all_operations()]


def test_no_generated_request_gets_a_5xx():
    from hypothesis import given

    calls = []
    for operation in operations():
        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def one(case):
            response = case.call(timeout=60)
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.status_code)
            if response.status_code >= 400:
                assert response.headers["content-type"][0].startswith("application/problem+json")
                assert "Traceback" not in response.text
        one()
    print(f"{len(calls)} requêtes générées ; statuts : {sorted(set(calls))}")
    assert len(calls) >= 100  # the run is bounded, but not empty
