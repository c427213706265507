"""The HTTP service, for real: ``ppaip-rules serve`` started as a process on a free loopback
port, called with httpx. Every route, the batch route, the token, the limits, and bad input
on every kind (4xx, a French problem body, planted markers never echoed)."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="extra « serveur » / test non installé")
pytest.importorskip("starlette", reason="extra « serveur » non installé")
pytest.importorskip("uvicorn", reason="extra « serveur » non installé")

from ppaip_rules.checks import kinds  # noqa: E402
from ppaip_rules.deadlines import SPECS  # noqa: E402
from ppaip_rules.model import rules  # noqa: E402
from ppaip_rules.parameters import DIJON  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ppaip_rules" / "examples"
AS_OF = "2025-06-30T18:00:00+02:00"
MARKER = "ZQXMARKER"
LATE_ACT = {"rule_id": "END-BILAN-IND", "trigger": "2025-05-07", "act": "2025-05-16"}
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``ppaip-rules serve`` in a child process; its log is kept for inspection."""

    def __init__(self, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ppaip_rules.cli", "serve", "--port", str(self.port), *args],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/sante", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("le service n'a pas démarré : " + "".join(self.lines)[-500:])

    def _drain(self):
        for line in self.process.stdout:
            self.lines.append(line.decode("utf-8", "replace"))

    def log(self) -> str:
        time.sleep(0.3)
        return "".join(self.lines)

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def example(kind: str):
    """A valid input of every kind (bytes, content type, query options)."""
    if kind == "deadline":
        return json.dumps(LATE_ACT).encode(), "application/json"
    path = next(EXAMPLES.glob(f"{kind}.conforme.*"))
    return path.read_bytes(), "text/csv" if path.suffix == ".csv" else "application/json"


def options(kind: str) -> dict:
    return {"as_of": AS_OF} if any(k.name == kind and "as_of" in k.options
                                   for k in kinds()) else {}


def assert_problem(response, status: int):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert MARKER not in response.text and MARKER.lower() not in response.text.lower()
    assert "Traceback" not in response.text
    return body


# --- every route ---------------------------------------------------------------------------

def test_health_answers_with_the_version_header(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json()["statut"] == "ok"
    assert response.headers["x-ppaip-rules-version"] == response.json()["version"]


@pytest.mark.parametrize("kind", [k.name for k in kinds()])
def test_every_check_kind_answers_the_cli_report(client, kind):
    body, media = example(kind)
    response = client.post(f"/v1/controles/{kind}", content=body, params=options(kind),
                           headers={"content-type": media})
    assert response.status_code == 200, response.text
    report = response.json()
    args = [sys.executable, "-m", "ppaip_rules.cli", "check", kind, "-", "--format", "json"]
    if options(kind):
        args += ["--as-of", AS_OF]
    cli = subprocess.run(args, input=body, capture_output=True, cwd=ROOT, env=ENV, timeout=60)
    assert json.loads(cli.stdout) == report  # the service answers what the CLI prints


def test_a_late_act_is_a_violation_report(client):
    report = client.post("/v1/controles/deadline", json=LATE_ACT).json()
    assert report["ok"] is False
    assert [f["rule_id"] for f in report["findings"]] == ["END-BILAN-IND"]


@pytest.mark.parametrize("rule_id", list(SPECS))
def test_every_deadline_route_answers_the_cli_deadline(client, rule_id):
    trigger = "2025-05-07T10:00:00+02:00" if DIJON.delay(rule_id).unit.value == "heures" \
        else "07/05/2025"
    response = client.post(f"/v1/delais/{rule_id}", json={"trigger": trigger})
    assert response.status_code == 200, response.text
    cli = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "deadline", rule_id, trigger,
                          "--format", "json"], capture_output=True, cwd=ROOT, env=ENV, timeout=60)
    assert response.json() == json.loads(cli.stdout)


def test_deadline_route_with_a_late_act_and_a_policy(client):
    answer = client.post("/v1/delais/END-BILAN-IND", json={
        "trigger": "07/05/2025", "act": "2025-05-16", "departement": "57"}).json()
    assert answer["due"] == "2025-05-15" and answer["met"] is False
    assert answer["finding"]["rule_id"] == "END-BILAN-IND"


def test_rules_route_lists_the_registry_and_one_rule(client):
    listed = client.get("/v1/regles").json()
    assert [r["id"] for r in listed] == [r.id for r in rules()]
    one = client.get("/v1/regles/PROG-START").json()
    assert one["id"] == "PROG-START" and one["parameter_values"]["delays"]


def test_parameters_and_schemas_routes(client):
    assert client.get("/v1/parametres").json()["psychologist_share_percent"]
    for kind in [*(k.name for k in kinds()), "report"]:
        schema = client.get(f"/v1/schemas/{kind}").json()
        assert schema["type"] == "object"


def test_openapi_31_and_30_documents_are_valid(client):
    validator = pytest.importorskip("openapi_spec_validator")
    doc31 = client.get("/openapi.json").json()
    doc30 = client.get("/openapi-3.0.json").json()
    validator.validate(doc31)
    validator.validate(doc30)
    assert doc31["openapi"].startswith("3.1") and doc30["openapi"].startswith("3.0")
    routes = set(doc31["paths"])
    assert {f"/v1/controles/{k.name}" for k in kinds()} <= routes
    assert {f"/v1/controles/{k.name}/lot" for k in kinds()} <= routes
    assert {f"/v1/delais/{r}" for r in SPECS} <= routes


# --- batch -----------------------------------------------------------------------------------

def test_batch_streams_one_answer_per_line_in_order_and_a_bad_line_stays_on_its_line(client):
    good = json.dumps(LATE_ACT)
    ok = json.dumps({**LATE_ACT, "act": "2025-05-09"})
    body = "\n".join([good, f'{{"{MARKER}": "{MARKER}"}}', "", ok, "{" + MARKER]) + "\n"
    with client.stream("POST", "/v1/controles/deadline/lot", content=body.encode()) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert MARKER not in json.dumps(lines)
    assert [("erreur" in a, a.get("ok"), a.get("ligne")) for a in lines] == [
        (False, False, None), (True, None, 2), (False, True, None), (True, None, 5)]
    assert lines[1]["erreur"]["champ"] == "?"  # an unknown key is never echoed


def test_batch_of_cases_takes_the_query_options(client):
    case = (EXAMPLES / "case.non-conforme.json").read_bytes().replace(b"\n", b" ")
    response = client.post("/v1/controles/case/lot", content=case + b"\n" + case,
                           params={"as_of": AS_OF})
    lines = [json.loads(x) for x in response.text.splitlines()]
    assert len(lines) == 2 and lines[0] == lines[1] and lines[0]["ok"] is False


# --- bad input on every kind: 4xx, French, no echo ------------------------------------------

@pytest.mark.parametrize("kind", [k.name for k in kinds()])
@pytest.mark.parametrize("body", [
    b"{" + MARKER.encode(),
    json.dumps({MARKER: MARKER}).encode(),
    json.dumps([MARKER, {"id": MARKER}]).encode(),
    ("\ud800" + MARKER).encode("utf-8", "surrogatepass"),
    b"",
])
def test_bad_input_on_every_kind_is_a_french_problem_without_echo(client, kind, body):
    response = client.post(f"/v1/controles/{kind}", content=body, params=options(kind))
    problem = assert_problem(response, 400)
    assert problem["title"] == "Entrée invalide" and "attendu" in problem


def test_a_lone_surrogate_in_an_identifier_never_makes_a_5xx(client):
    case = json.loads((EXAMPLES / "case.non-conforme.json").read_text(encoding="utf-8"))
    case["case_id"] = "\ud800"
    for path in ("/v1/controles/case", "/v1/controles/case/lot"):
        response = client.post(path, content=json.dumps(case).encode(), params={"as_of": AS_OF})
        assert response.status_code in (200, 400), response.text
        response.content.decode("utf-8")  # strict UTF-8


@pytest.mark.parametrize("kind", [k.name for k in kinds() if k.options])
def test_bad_option_value_and_unknown_option_are_refused_without_echo(client, kind):
    body, media = example(kind)
    bad = client.post(f"/v1/controles/{kind}", content=body, headers={"content-type": media},
                      params={kind_option: MARKER for kind_option in
                              [o for o in ("as_of",) if o in options(kind)] or ["basis"]})
    assert_problem(bad, 400)
    unknown = client.post(f"/v1/controles/{kind}", content=body, params={MARKER: MARKER})
    assert assert_problem(unknown, 400)["champ"] == "paramètres de requête"


def test_deadline_route_refuses_bad_input_without_echo(client):
    assert_problem(client.post("/v1/delais/PROG-START", json={"trigger": MARKER}), 400)
    assert_problem(client.post("/v1/delais/PROG-START", json={"trigger": "2025-05-02",
                                                                MARKER: 1}), 400)
    assert_problem(client.post("/v1/delais/PROG-START", content=b"\xff" + MARKER.encode()), 400)


def test_unknown_routes_rules_and_methods_are_french_problems(client):
    assert assert_problem(client.get(f"/v1/regles/{MARKER}"), 404)["title"] == "Règle inconnue"
    assert_problem(client.get(f"/v1/schemas/{MARKER}"), 404)
    assert_problem(client.post(f"/v1/controles/{MARKER}", content=b"{}"), 404)
    assert_problem(client.post(f"/v1/delais/{MARKER}", content=b"{}"), 404)
    assert_problem(client.get("/v1/controles/programme"), 405)


def test_access_log_has_no_body_no_query_value_no_raw_path(server, client):
    client.post("/v1/controles/case", content=json.dumps({"case_id": MARKER}).encode(),
                params={"as_of": MARKER + "X"})
    client.get(f"/{MARKER}/x")
    log = server.log()
    assert '"POST /v1/controles/case" 400' in log
    assert MARKER not in log


# --- limits and token ------------------------------------------------------------------------

def test_body_over_the_cap_is_413_stating_the_limit():
    server = Server("--max-bytes", "4096")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            response = c.post("/v1/controles/programme", content=b"[" * 5000)
            problem = assert_problem(response, 413)
            assert problem["limite"] == 4096 and "4096 octets" in problem["detail"]

            def chunks():  # no Content-Length: the cap holds on the stream too
                for _ in range(10):
                    yield b" " * 1000
            assert_problem(c.post("/v1/controles/programme/lot", content=chunks()), 413)
            assert c.post("/v1/controles/deadline", json=LATE_ACT).status_code == 200
    finally:
        server.stop()


def test_bearer_token_refuses_other_callers_with_401(tmp_path):
    token = "jeton-de-test-" + "x" * 20
    path = tmp_path / "jeton"
    path.write_text(token + "\n", encoding="utf-8")
    server = Server("--token-file", str(path))
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            assert c.get("/sante").status_code == 200  # health stays open
            refused = c.get("/v1/regles")
            assert assert_problem(refused, 401) and refused.headers["www-authenticate"] == "Bearer"
            assert_problem(c.get("/v1/regles", headers={"Authorization": "Bearer faux"}), 401)
            assert_problem(c.post("/v1/controles/deadline", json=LATE_ACT,
                                  headers={"Authorization": f"Basic {token}"}), 401)
            good = c.post("/v1/controles/deadline", json=LATE_ACT,
                          headers={"Authorization": f"Bearer {token}"})
            assert good.status_code == 200 and good.json()["ok"] is False
    finally:
        server.stop()
    assert token not in "".join(server.lines)


def test_serve_binds_to_loopback_by_default_and_refuses_a_short_token(tmp_path):
    from ppaip_rules.cli import build_parser

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    short = tmp_path / "court"
    short.write_text("abc", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "serve", "--token-file",
                           str(short)], capture_output=True, text=True, cwd=ROOT, env=ENV,
                          timeout=60)
    assert done.returncode == 2 and "« --token-file »" in done.stderr


class InProcess:
    """uvicorn serving an application in a thread of this process (to plant a fault)."""

    def __init__(self, app):
        import uvicorn

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                    log_level="critical", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        for _ in range(200):
            try:
                httpx.get(self.url + "/sante", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        return httpx.Client(base_url=self.url, timeout=30)

    def __exit__(self, *_):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_a_check_over_the_time_limit_is_503_and_the_next_request_is_served(monkeypatch):
    from ppaip_rules import service

    real = service.check_bytes

    def slow(kind, *args, **kwargs):
        if kind == "programme":
            time.sleep(3)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(service, "check_bytes", slow)
    with InProcess(service.create_app(timeout=1)) as c:
        problem = assert_problem(c.post("/v1/controles/programme", content=b"{}"), 503)
        assert "1 s" in problem["detail"]
        assert c.post("/v1/controles/deadline", json=LATE_ACT).status_code == 200


def test_an_internal_error_says_only_erreur_interne_with_a_correlation_id(monkeypatch):
    from ppaip_rules import service

    def broken(*_args, **_kwargs):
        raise KeyError(MARKER)

    monkeypatch.setattr(service, "check_bytes", broken)
    with InProcess(service.create_app()) as c:
        response = c.post("/v1/controles/programme", content=b"{}")
    body = assert_problem(response, 500)
    assert body["detail"] == "erreur interne" and len(body["correlation"]) == 32


# --- the docs' calls from PHP, Java, C# and curl: the requests they describe get what the
# --- page says ------------------------------------------------------------------------------

SNIPPETS = ROOT / "docs" / "snippets" / "service"
GUIDE = ROOT / "docs" / "guides" / "service.md"
LANGUAGES = ("ControleHttp.php", "ControleHttp.java", "ControleHttp.cs")


@pytest.mark.parametrize("name", LANGUAGES)
def test_language_snippet_sends_the_documented_request_and_reads_the_report(client, name):
    import re

    text = (SNIPPETS / name).read_text(encoding="utf-8")
    urls = re.findall(r"http://127\.0\.0\.1:8000(/[^\"'\s]*)", text)
    assert urls == ["/v1/controles/deadline"]
    assert "application/json" in text and "200" in text and "detail" in text
    payload = {}
    for key, value in LATE_ACT.items():  # the keys and values written in the snippet
        assert re.search(rf"{key}\\?[\"'][\]\s=>:]*\\?[\"']{value}", text), key
        payload[key] = value
    report = client.post(urls[0], json=payload).json()
    assert [f["rule_id"] for f in report["findings"]] == ["END-BILAN-IND"]
    assert all(k in text for k in ("findings", "rule_id")) or name.endswith(".java")


def test_curl_snippet_requests_all_succeed(client):
    import re
    import shlex

    lines = [line for line in (SNIPPETS / "appels.sh").read_text(encoding="utf-8").splitlines()
             if line.startswith("curl ")]
    assert len(lines) == 4
    for line in lines:
        argv = shlex.split(line)
        url = next(a for a in argv if a.startswith("http://127.0.0.1:8000"))
        if "-d" in argv:
            body = argv[argv.index("-d") + 1].encode()
        else:
            body = (SNIPPETS / argv[argv.index("--data-binary") + 1].lstrip("@")).read_bytes()
        path = url.removeprefix("http://127.0.0.1:8000")
        response = client.post(httpx.URL(path), content=body)
        assert response.status_code == 200, (line, response.text)
        if path.endswith("/lot"):
            answers = [json.loads(x) for x in response.text.splitlines()]
            assert [a.get("ok") for a in answers] == [False, None, True]
            assert "le 9 mai" not in response.text
        assert re.match(r"^\{", response.text)


def test_every_service_snippet_is_shown_or_linked_in_the_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    for path in SNIPPETS.iterdir():
        assert f"service/{path.name}" in guide, path.name


def test_answers_write_a_lone_surrogate_as_its_json_escape():
    from ppaip_rules.service import _dumps

    text = _dumps({"case_id": "\ud800x"}).decode("utf-8")  # strict: no crash, valid UTF-8
    assert json.loads(text) == {"case_id": "\ud800x"}
