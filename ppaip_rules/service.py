"""The HTTP service (``ppaip-rules serve``, extra ``serveur``): the CLI's checks over HTTP
for providers' software in any language.

A thin layer: every route calls the functions of :mod:`ppaip_rules.runner` that the CLI
calls, so a body and its answer are the CLI's JSON for the same command. The routes are
generated from the registries (check kinds, deadline rules), so a new kind or rule is
served, and described in ``/openapi.json``, without new code here.

Starlette rather than FastAPI: the inputs are already described by hand-written JSON
Schemas (draft 2020-12) and read by the library's own readers; FastAPI's value is
deriving validation and OpenAPI from pydantic models, which would duplicate both (and
add pydantic). Starlette is the ASGI toolkit FastAPI is built on, without that layer.

Security (personal data passes through): binds to 127.0.0.1 by default; an optional
bearer token compared in constant time; access logs carry the method, the route's
template, the status and the duration, never a body, a query value or a raw path;
errors are RFC 9457 ``application/problem+json`` in French that never echo input.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ._version import __version__
from .errors import InputError
from .parameters import DIJON, ContractParameters
from .runner import (
    DEFAULT_MAX_INPUT_BYTES,
    InputTooLarge,
    check_bytes,
    check_options,
    deadline_from_document,
    error_object,
    format_bytes,
    kind_schema,
    parameters_document,
    rule_document,
)

log = logging.getLogger("ppaip_rules.service")
access_log = logging.getLogger("ppaip_rules.service.acces")

PROBLEM = "application/problem+json"
VERSION_HEADER = "X-Ppaip-Rules-Version"
DEFAULT_TIMEOUT = 30.0
_TYPE = "tag:ppaip-rules,2025:"

#: Query parameters of the check routes, by option name (the kinds' ``options``).
OPTION_SCHEMAS = {
    "as_of": {"type": "string", "maxLength": 100,
              "description": "date (ou date et heure) du contrôle : AAAA-MM-JJ, JJ/MM/AAAA, "
                             "ISO 8601 avec fuseau ou JJ/MM/AAAA HH:MM (heure de Paris)"},
    "basis": {"type": "string",
              "enum": ["headcount", "hours", "fte", "effectif", "heures", "etp"],
              "description": "roster : base de calcul de la part de psychologues"},
}


class Problem(Exception):
    """An HTTP error answered as problem+json (French, no echo of the input)."""

    def __init__(self, status: int, slug: str, title: str, detail: str, **extra: Any):
        self.status, self.slug, self.title, self.detail, self.extra = (
            status, slug, title, detail, extra)

    def response(self, headers: dict | None = None) -> Response:
        body = {"type": _TYPE + self.slug, "title": self.title, "status": self.status,
                "detail": self.detail, **self.extra}
        return Response(_dumps(body), status_code=self.status, media_type=PROBLEM,
                        headers=headers)


def _input_problem(error: InputError) -> Problem:
    if isinstance(error, InputTooLarge):
        return Problem(413, "trop-volumineux", "Requête trop volumineuse",
                       f"Le corps de la requête dépasse la limite de "
                       f"{format_bytes(error.limit)}.", limite=error.limit)
    return Problem(400, "entree-invalide", "Entrée invalide", str(error),
                   **error_object(error)["erreur"])


# --- the application -----------------------------------------------------------------------

def create_app(params: ContractParameters = DIJON, token: str | None = None,
               max_body: int = DEFAULT_MAX_INPUT_BYTES,
               timeout: float = DEFAULT_TIMEOUT) -> Starlette:
    """The ASGI application; stateless between requests."""
    from .checks import kinds
    from .deadlines import SPECS, deadline

    deadline("PROG-START", "2025-05-02", params=params)  # builds the calendar before serving

    async def run(fn: Callable[[], Any]) -> Any:
        """Run the check in a worker thread, within the per-request time limit."""
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
        except TimeoutError:
            raise Problem(503, "delai-depasse", "Délai de traitement dépassé",
                          f"Le traitement a dépassé la limite de {timeout:g} s.") from None

    async def body_of(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body:
            raise InputTooLarge("corps", max_body)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise InputTooLarge("corps", max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    def options_of(request: Request, kind: str) -> dict:
        names = [name for name, _ in request.query_params.multi_items()]
        if len(names) != len(set(names)):
            raise InputError("paramètres de requête", "chaque paramètre une fois au plus",
                             "paramètre répété")
        return check_options(kind, dict(request.query_params), source="paramètres de requête")

    def check_route(kind: str) -> Callable:
        async def endpoint(request: Request) -> Response:
            options = options_of(request, kind)
            raw = await body_of(request)
            report = await run(lambda: check_bytes(kind, raw, "corps", params, options))
            return _json(report.to_dict())
        return endpoint

    def batch_route(kind: str) -> Callable:
        async def endpoint(request: Request) -> Response:
            options = options_of(request, kind)
            lines = (await body_of(request)).split(b"\n")

            def one(number: int, line: bytes) -> dict:
                try:
                    return check_bytes(kind, line, f"ligne {number}", params,
                                       options).to_dict()
                except InputError as error:
                    return error_object(error, number)

            async def answers():
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        answer = await run(lambda n=number, raw=line: one(n, raw))
                    except Problem as problem:
                        answer = {"erreur": {"champ": f"ligne {number}", "attendu": None,
                                             "constaté": problem.detail}, "ligne": number}
                    yield _dumps(answer) + b"\n"

            return StreamingResponse(answers(), media_type="application/x-ndjson")
        return endpoint

    def deadline_route(rule_id: str) -> Callable:
        async def endpoint(request: Request) -> Response:
            if request.query_params:
                raise InputError("paramètres de requête", "aucun (les options vont dans le "
                                 "corps JSON)", "paramètre inconnu")
            raw = await body_of(request)
            from .checks import load_json

            # One deadline is bounded work (a few hundred microseconds): answered inline,
            # without the worker thread a check of unbounded size goes through.
            return _json(deadline_from_document(rule_id, load_json(raw, "corps"), params)[2])
        return endpoint

    async def rules_list(request: Request) -> Response:
        from .model import rules

        return _json([rule_document(r, params) for r in rules()])

    async def one_rule(request: Request) -> Response:
        from .model import get_rule

        try:
            rule = get_rule(request.path_params["rule_id"])
        except InputError:
            raise Problem(404, "regle-inconnue", "Règle inconnue",
                          "Aucune règle de ce nom ; la liste est sur /v1/regles.") from None
        return _json(rule_document(rule, params))

    async def parameters(request: Request) -> Response:
        return _json(parameters_document(params))

    async def schema(request: Request) -> Response:
        name = request.path_params["kind"]
        if name != "report" and name not in {k.name for k in kinds()}:
            raise Problem(404, "type-inconnu", "Type de contrôle inconnu",
                          "Aucun type de contrôle de ce nom ; la liste est dans "
                          "/openapi.json.")
        return _json(kind_schema(name, params))

    async def health(request: Request) -> Response:
        return _json({"statut": "ok", "version": __version__})

    async def spec31(request: Request) -> Response:
        return _json(openapi(params))

    async def spec30(request: Request) -> Response:
        return _json(openapi_30(openapi(params)))

    routes = [Route("/sante", health), Route("/openapi.json", spec31),
              Route("/openapi-3.0.json", spec30), Route("/v1/regles", rules_list),
              Route("/v1/regles/{rule_id}", one_rule), Route("/v1/parametres", parameters),
              Route("/v1/schemas/{kind}", schema)]
    for kind in kinds():
        routes.append(Route(f"/v1/controles/{kind.name}", check_route(kind.name),
                            methods=["POST"]))
        routes.append(Route(f"/v1/controles/{kind.name}/lot", batch_route(kind.name),
                            methods=["POST"]))
    for rule_id in SPECS:
        routes.append(Route(f"/v1/delais/{rule_id}", deadline_route(rule_id), methods=["POST"]))

    app = Starlette(routes=routes, exception_handlers={
        Problem: _problem,
        InputError: _input_error,
        HTTPException: _http_problem,
        Exception: _internal_problem,
    })
    return _Guard(app, token)


def _dumps(data: Any) -> bytes:
    """UTF-8 JSON; a lone surrogate (sent as ``"\\ud800"``) goes back as the same escape."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _json(data: Any) -> Response:
    return Response(_dumps(data), media_type="application/json")


async def _problem(request: Request, exc: Problem) -> Response:
    return exc.response()


async def _input_error(request: Request, exc: InputError) -> Response:
    return _input_problem(exc).response()


_HTTP = {404: ("introuvable", "Ressource introuvable",
               "Aucune route à cette adresse ; la liste est dans /openapi.json."),
         405: ("methode-non-permise", "Méthode non permise",
               "Cette route n'accepte pas cette méthode HTTP ; voir /openapi.json.")}


async def _http_problem(request: Request, exc: HTTPException) -> Response:
    slug, title, detail = _HTTP.get(exc.status_code, ("erreur-http", "Erreur HTTP",
                                                      "Requête refusée."))
    headers = dict(exc.headers or {})
    return Problem(exc.status_code, slug, title, detail).response(headers)


async def _internal_problem(request: Request, exc: Exception) -> Response:
    correlation = uuid.uuid4().hex
    # The type and place only: an exception's message may carry a value of the input.
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
    log.error("erreur interne %s : %s à %s", correlation, type(exc).__name__, where)
    return Problem(500, "erreur-interne", "Erreur interne", "erreur interne",
                   correlation=correlation).response()


class _Guard:
    """Pure ASGI middleware: the bearer token, the version header, the access log."""

    def __init__(self, app: Any, token: str | None):
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.version = __version__.encode("ascii")

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]

        async def send_with_version(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (VERSION_HEADER.lower().encode(), self.version)]
            await send(message)

        try:
            if self.token is not None and scope["path"] != "/sante" and not self._allowed(scope):
                await Problem(401, "non-autorise", "Authentification requise",
                              "Jeton d'accès absent ou invalide (Authorization: Bearer …)."
                              ).response({"WWW-Authenticate": "Bearer"})(
                    scope, receive, send_with_version)
                return
            await self.app(scope, receive, send_with_version)
        except Exception:  # already answered "erreur interne" and logged (correlation id)
            if not status[0]:
                raise
        finally:
            route = scope.get("route")
            where = getattr(route, "path", None) or "(route inconnue)"
            access_log.info('"%s %s" %s %.1f ms', scope["method"], where, status[0],
                            (time.perf_counter() - started) * 1000)

    def _allowed(self, scope: dict) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(),
                                                                           self.token)
        return False


# --- OpenAPI -------------------------------------------------------------------------------

def _problem_schema() -> dict:
    return {"type": "object", "required": ["type", "title", "status", "detail"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                           "status": {"type": "integer"}, "detail": {"type": "string"},
                           "champ": {"type": "string"}, "attendu": {"type": "string"},
                           "constaté": {"type": ["string", "null"]},
                           "limite": {"type": "integer"},
                           "correlation": {"type": "string"}}}


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k != "$schema"}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def openapi(params: ContractParameters = DIJON) -> dict:
    """OpenAPI 3.1 of the service, built from the JSON Schemas the CLI publishes."""
    from .checks import kinds, report_schema
    from .deadlines import SPECS

    def problems(*codes: int) -> dict:
        return {str(code): {"description": title, "content": {PROBLEM: {"schema": {
            "$ref": "#/components/schemas/Probleme"}}}} for code, title in (
            (400, "entrée invalide"), (401, "jeton absent ou invalide"),
            (404, "introuvable"), (413, "corps trop volumineux"),
            (503, "délai de traitement dépassé"), (500, "erreur interne")) if code in codes}

    def ok(schema: dict, media: str = "application/json") -> dict:
        return {"200": {"description": "réponse", "content": {media: {"schema": schema}}}}

    any_object = {"type": "object"}
    schemas = {"Rapport": _strip(report_schema()), "Probleme": _problem_schema()}
    paths: dict[str, Any] = {
        "/sante": {"get": {"summary": "État du service", "operationId": "sante",
                           "responses": ok(any_object)}},
        "/v1/regles": {"get": {"summary": "Catalogue des règles", "operationId": "regles",
                               "responses": {**ok({"type": "array", "items": any_object}),
                                             **problems(401)}}},
        "/v1/regles/{rule_id}": {"get": {
            "summary": "Une règle", "operationId": "regle",
            "parameters": [{"name": "rule_id", "in": "path", "required": True,
                            "schema": {"type": "string", "maxLength": 40}}],
            "responses": {**ok(any_object), **problems(401, 404)}}},
        "/v1/parametres": {"get": {"summary": "Paramètres du contrat",
                                   "operationId": "parametres",
                                   "responses": {**ok(any_object), **problems(401)}}},
        "/v1/schemas/{kind}": {"get": {
            "summary": "Schéma JSON d'une entrée (ou de « report »)", "operationId": "schema",
            "parameters": [{"name": "kind", "in": "path", "required": True, "schema": {
                "enum": [*(k.name for k in kinds()), "report"]}}],
            "responses": {**ok(any_object), **problems(401, 404)}}},
    }
    for kind in kinds():
        name = f"Entree-{kind.name}"
        schemas[name] = _strip(kind_schema(kind.name, params))
        query = [{"name": option, "in": "query", "required": False,
                  "schema": OPTION_SCHEMAS.get(option, {"type": "string", "maxLength": 100})}
                 for option in kind.options]
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
        if kind.load is not None:  # a roster may also be sent as CSV
            content["text/csv"] = {"schema": {"type": "string"}}
        paths[f"/v1/controles/{kind.name}"] = {"post": {
            "summary": kind.title, "operationId": f"controle-{kind.name}",
            "parameters": query, "requestBody": {"required": True, "content": content},
            "responses": {**ok({"$ref": "#/components/schemas/Rapport"}),
                          **problems(400, 401, 413, 503, 500)}}}
        paths[f"/v1/controles/{kind.name}/lot"] = {"post": {
            "summary": f"{kind.title} : lot NDJSON (une entrée par ligne, un rapport ou une "
                       "erreur par ligne, dans l'ordre)",
            "operationId": f"lot-{kind.name}", "parameters": query,
            "requestBody": {"required": True, "content": {"application/x-ndjson": {
                "schema": {"type": "string"}}}},
            "responses": {**ok({"type": "string"}, "application/x-ndjson"),
                          **problems(400, 401, 413, 500)}}}
    delay_body = _strip(kind_schema("deadline", params))
    delay_body["required"] = ["trigger"]
    delay_body["properties"].pop("rule_id", None)
    delay_body["title"] = "Un délai du contrat, et l'acte face à lui"
    schemas["Entree-delai"] = delay_body
    for rule_id, spec in SPECS.items():
        paths[f"/v1/delais/{rule_id}"] = {"post": {
            "summary": f"Délai {rule_id} ({spec.clause})",
            "operationId": f"delai-{rule_id}",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Entree-delai"}}}},
            "responses": {**ok(any_object), **problems(400, 401, 413, 503, 500)}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ppaip-rules", "version": __version__,
                 "description": "Règles du CCTP PPAIP (DISP de Dijon) : contrôles, délais, "
                                "catalogue. Les corps et réponses sont le JSON de la ligne "
                                "de commande pour la même commande."},
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"jeton": []}],
    }


def openapi_30(document: dict) -> dict:
    """The same document in OpenAPI 3.0 for code generators that do not take 3.1 yet."""
    def convert(schema: Any) -> Any:
        if isinstance(schema, list):
            return [convert(v) for v in schema]
        if not isinstance(schema, dict):
            return schema
        out = {k: convert(v) for k, v in schema.items() if k not in ("$schema", "const")}
        if "const" in schema:
            out["enum"] = [schema["const"]]
        kinds_ = out.get("type")
        if isinstance(kinds_, list):
            rest = [t for t in kinds_ if t != "null"]
            if "null" in kinds_:
                out["nullable"] = True
            if len(rest) == 1:
                out["type"] = rest[0]
            else:
                del out["type"]
                out["anyOf"] = [{"type": t} for t in rest]
        if "enum" in out and None in out["enum"]:
            out["nullable"] = True
        for key in ("anyOf", "oneOf"):  # 3.0 has no "null" type: a nullable alternative
            branches = out.get(key)
            if isinstance(branches, list) and {"type": "null"} in branches:
                rest = [b for b in branches if b != {"type": "null"}]
                out["nullable"] = True
                if len(rest) == 1 and isinstance(rest[0], dict):
                    del out[key]
                    out = {**rest[0], **out}
                else:
                    out[key] = rest
        return out

    document = json.loads(json.dumps(document))
    document["openapi"] = "3.0.3"
    for name, schema in document["components"]["schemas"].items():
        document["components"]["schemas"][name] = convert(schema)
    for path in document["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                parameter["schema"] = convert(parameter["schema"])
            for media in operation.get("requestBody", {}).get("content", {}).values():
                media["schema"] = convert(media["schema"])
            for response in operation["responses"].values():
                for media in response.get("content", {}).values():
                    media["schema"] = convert(media["schema"])
    return document


# --- serve -----------------------------------------------------------------------------------

def read_token(path: str) -> str:
    """The token of ``--token-file`` (its first line, at least 16 characters)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(4097)
    except OSError:
        raise InputError("--token-file", "un fichier lisible contenant le jeton",
                         "fichier introuvable ou illisible") from None
    token = raw.decode("utf-8", "replace").strip().splitlines()[0].strip() if raw.strip() else ""
    if len(raw) > 4096 or len(token) < 16 or not token.isprintable() or " " in token:
        raise InputError("--token-file", "un jeton d'au moins 16 caractères imprimables, "
                                         "sans espace, sur la première ligne", "jeton refusé")
    return token


def serve(host: str = "127.0.0.1", port: int = 8000, token_file: str | None = None,
          params: ContractParameters = DIJON, max_body: int = DEFAULT_MAX_INPUT_BYTES,
          timeout: float = DEFAULT_TIMEOUT) -> int:
    """Run the service with uvicorn until interrupted (uvicorn's own access log is off:
    it would write query values)."""
    import uvicorn

    if not 0 < port < 65536:
        raise InputError("--port", "un port entre 1 et 65535", "valeur invalide")
    if max_body < 1 or timeout <= 0:
        raise InputError("--max-bytes" if max_body < 1 else "--timeout",
                         "une valeur positive", "valeur invalide")
    token = read_token(token_file) if token_file else None
    app = create_app(params, token, max_body, timeout)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info",
                server_header=False)
    return 0
