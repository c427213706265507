"""Many cases at once: flat, picklable rows, streamed, on one or several processes.

:func:`evaluate_cases` runs :func:`~ppaip_rules.timeline.evaluate_case` over an
iterable of cases (models, JSON-like objects, or NDJSON lines: one JSON case per
line, as text or bytes) and yields, in input order, one :class:`CaseRows` per case:
a case row, its obligation rows and its finding rows. Every row is a flat ``dict``
of text, numbers, booleans and None (dates in ISO form): ready for ``csv``,
pandas, a Dask bag or Spark's ``mapInPandas``, and picklable across processes.

Memory does not grow with the number of cases: the input is read as the
results are consumed, and at most ``6 × workers`` chunks are held at once.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import pickle
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from .errors import InputError
from .parameters import DIJON, ContractParameters

#: The policy switches of :func:`~ppaip_rules.timeline.evaluate_case` accepted here.
POLICIES = ("suspension_stops_clock", "extend_to_working_day", "whit_monday_worked",
            "departement", "good_friday_holiday", "start_needs_held_session")


class CaseRows(NamedTuple):
    """The rows of one case: ``case`` (one row), ``obligations`` and ``findings`` (several).

    ``case["index"]`` is the case's position in the input (blank NDJSON lines
    not counted) and every obligation and finding row repeats it with
    ``case_id``. A case refused as bad input (``errors="row"``) has
    ``case["error_path"]`` and ``case["error"]`` set, and no other rows.
    """

    case: dict
    obligations: tuple[dict, ...]
    findings: tuple[dict, ...]


#: Columns of each kind of row, in order (for a CSV header or a Spark schema).
CASE_COLUMNS = ("index", "case_id", "as_of", "state", "state_since", "verdict", "complete",
                "obligations", "overdue", "pending", "violations", "warnings", "informations",
                "missing_facts", "validated_individual", "validated_collective",
                "delivered_individual", "delivered_collective", "ignored_after_as_of",
                "error_path", "error")
OBLIGATION_COLUMNS = ("index", "case_id", "rule_id", "trigger_type", "trigger_at",
                      "trigger_index", "due", "status", "act_type", "act_at", "act_index")
FINDING_COLUMNS = ("index", "case_id", "rule_id", "clause", "severity", "path", "message",
                   "missing")


def evaluate_cases(cases: Iterable[Any] | os.PathLike, *, as_of: Any,
                   params: ContractParameters = DIJON, workers: int = 1,
                   chunk_size: int = 200, errors: str = "raise", mp_context: Any = None,
                   **policy: Any) -> Iterator[CaseRows]:
    """Evaluate many cases as of ``as_of``; yield their :class:`CaseRows` in input order.

    - ``cases``: an iterable of cases (a :class:`~ppaip_rules.events.Case`, a list
      of events, a JSON-like case object) or of NDJSON lines (``str`` or
      ``bytes``; blank lines are skipped); an open NDJSON file works as is, and a
      :class:`os.PathLike` path is opened and read line by line.
    - ``workers``: how many processes evaluate, this one included; 1 evaluates in
      this process only. With more, a :class:`~concurrent.futures.ProcessPoolExecutor`
      of ``workers - 1`` processes is started with the ``spawn`` method (or
      ``mp_context``) and cases travel to them in chunks of ``chunk_size`` (NDJSON
      lines are parsed there); this process evaluates a chunk whenever the rows due
      are not ready.
    - ``errors``: ``"raise"`` (default) raises the first bad case's
      :class:`InputError`, its path prefixed by the case's position
      (``[12].events[3].at``); ``"row"`` yields a case row naming the error instead.
    - ``params`` and ``policy``: as for :func:`~ppaip_rules.timeline.evaluate_case`.
    """
    if errors not in ("raise", "row"):
        raise InputError("errors", "« raise » ou « row »")
    if type(workers) is not int or not 1 <= workers <= 1024:
        raise InputError("workers", "un nombre entier de processus entre 1 et 1024")
    if type(chunk_size) is not int or not 1 <= chunk_size <= 100_000:
        raise InputError("chunk_size", "un nombre entier de cas par lot entre 1 et 100 000")
    if not isinstance(params, ContractParameters):
        raise InputError("params", "des paramètres de contrat (ContractParameters)")
    for key in policy:
        if key not in POLICIES:
            raise InputError(key, "une politique parmi : " + ", ".join(POLICIES),
                             "option inconnue")
    for key, value in policy.items():
        if key != "departement" and type(value) is not bool:
            raise InputError(key, "oui ou non (un booléen True/False)")
    from .calendar import check_departement
    from .timeline import read_as_of

    check_departement(policy.get("departement"))
    read_as_of(as_of)  # a bad as_of fails here, once, before any process starts
    job = (as_of, None if params is DIJON else params, policy, errors)
    chunks = _chunks(cases, chunk_size)
    if workers == 1:
        for start, chunk, _ in chunks:
            yield from _evaluate_chunk(job, start, chunk)
        return
    yield from _on_processes(job, chunks, workers, mp_context)


def _on_processes(job: tuple, chunks: Iterator, workers: int, mp_context: Any
                  ) -> Iterator[CaseRows]:
    """The rows of the chunks, in input order, evaluated by ``workers`` processes: this
    one and ``workers - 1`` started ones.

    Each started process has up to four chunks to do. This process yields the
    rows due when they are ready; while they are not, it evaluates the next chunk
    itself, or, with none to take (at the end of the input), takes back the last chunk
    sent that no process has started. So its work overlaps the start of the others (which import the
    library), fewer rows travel between processes, and no process waits at the end.
    At most ``6 × workers`` chunks are held at once."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    context = mp_context or multiprocessing.get_context("spawn")
    ahead, held = 4 * (workers - 1), 6 * workers
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        # In input order: [start, chunk, a Future, or its packed values, or the error
        # to raise when its rows are due].
        queue: deque[list] = deque()
        source = iter(chunks)
        try:
            while True:
                # (a chunk done but not yet due does not count: the process is free)
                sent = sum(type(entry[2]) is Future and not entry[2].done() for entry in queue)
                while sent < ahead and len(queue) < held and (
                        chunk := next(source, None)) is not None:
                    start, cases, where = chunk
                    queue.append([start, cases, pool.submit(
                        _shipped, job, start, None if where is not None else cases, where)])
                    sent += 1
                if not queue:
                    return
                head = queue[0][2]
                if type(head) is Future and not head.done() and (
                        _here(job, queue, held, source) or _taken_back(job, queue)):
                    continue  # the rows due may be ready now
                start, _, item = queue.popleft()
                if type(item) is Future:
                    item = pickle.loads(zlib.decompress(item.result()))
                if isinstance(item, InputError):
                    raise item
                yield from _unpack(start, item)
        finally:
            for entry in queue:
                if type(entry[2]) is Future:
                    entry[2].cancel()


def _shipped(job: tuple, start: int, chunk: list | None, where: tuple | None) -> bytes:
    """In a started process: the packed values of a chunk (its lines read at ``where``
    when given), pickled and compressed. So they fit in one write to the pipe back
    (about 35 kB for 200 cases, against 130): the process goes on with its next chunk
    without waiting for this one to be free to read them."""
    values = _pack_range(job, start, where) if where is not None else _pack_chunk(
        job, start, chunk or [])
    return zlib.compress(pickle.dumps(values, pickle.HIGHEST_PROTOCOL), 1)


def _here(job: tuple, queue: deque, held: int, source: Iterator) -> bool:
    """Whether the next chunk was evaluated here (False: none left, or ``held`` held)."""
    if len(queue) >= held or (chunk := next(source, None)) is None:
        return False
    start, cases, _ = chunk
    queue.append([start, cases, _packed_here(job, start, cases)])
    return True


def _taken_back(job: tuple, queue: deque) -> bool:
    """Whether the last chunk sent that no process had started was taken back and
    evaluated here (with no next chunk to evaluate, at the end of the input or with
    ``held`` chunks held, this process would otherwise wait)."""
    from concurrent.futures import Future

    for entry in reversed(queue):
        if type(entry[2]) is Future and entry[2].cancel():
            entry[2] = _packed_here(job, entry[0], entry[1])
            return True
    return False


def _packed_here(job: tuple, start: int, chunk: list) -> list[tuple] | InputError:
    """:func:`_pack_chunk` in this process; a bad case's error kept, to be raised when
    its rows are due (an earlier chunk, still in another process, may hold an earlier
    bad case)."""
    try:
        return _pack_chunk(job, start, chunk)
    except InputError as error:
        return error


def _chunks(cases: Any, size: int) -> Iterator[tuple[int, list, tuple | None]]:
    """``(position of the first case, cases, where)`` chunks, read lazily; blank lines
    skipped. ``where``: for a file given by its path, ``(path, offset, length)`` of the
    chunk's bytes (another process reads them there: :func:`_pack_range`), else None."""
    if isinstance(cases, os.PathLike):
        yield from _file_chunks(os.path.abspath(cases), size)
        return
    if isinstance(cases, (str, bytes, dict)) or not hasattr(cases, "__iter__"):
        raise InputError("cases", "une suite de cas (liste, itérable, fichier NDJSON ouvert "
                                  "ou chemin)")
    chunk: list = []
    start = index = 0
    for item in cases:
        if isinstance(item, (str, bytes)) and (not item or item.isspace()):  # blank: no copy
            continue
        chunk.append(item)
        index += 1
        if len(chunk) >= size:
            yield start, chunk, None
            chunk, start = [], index
    if chunk:
        yield start, chunk, None


def _file_chunks(path: str, size: int) -> Iterator[tuple[int, list, tuple]]:
    """:func:`_chunks` of an NDJSON file, each with where its bytes are."""
    with open(path, "rb") as stream:
        chunk: list = []
        start = index = first = offset = 0
        for line in stream:
            offset += len(line)
            if line.isspace():
                continue
            chunk.append(line)
            index += 1
            if len(chunk) >= size:
                yield start, chunk, (path, first, offset - first)
                chunk, start, first = [], index, offset
        if chunk:
            yield start, chunk, (path, first, offset - first)


def _lines(data: bytes) -> list[bytes]:
    """The lines of NDJSON bytes as reading the file gives them, blank ones skipped."""
    return [line for line in io.BytesIO(data) if not line.isspace()]


#: The files a process reads chunks from, by path (kept open across its chunks).
_FILES: dict[str, Any] = {}


def _pack_range(job: tuple, start: int, where: tuple) -> list[tuple]:
    """:func:`_pack_chunk` of the lines at ``where`` (``(path, offset, length)``), read in
    this process: only the place of a chunk travels, not its lines."""
    path, offset, length = where
    stream = _FILES.get(path)
    if stream is None:
        for other in _FILES.values():
            other.close()
        _FILES.clear()
        stream = _FILES[path] = open(path, "rb")  # kept open: see _FILES
    stream.seek(offset)
    return _pack_chunk(job, start, _lines(stream.read(length)))


def _evaluate_chunk(job: tuple, start: int, chunk: list) -> list[CaseRows]:
    """The rows of a chunk of cases, evaluated in this process."""
    return _unpack(start, _pack_chunk(job, start, chunk))


def _pack_chunk(job: tuple, start: int, chunk: list) -> list[tuple]:
    """The values of a chunk's rows (runs in a worker process, or in this one).

    What crosses back from a worker is compact: per case, ``(case_id, case values,
    obligation value tuples, finding value tuples)`` in the columns' order without
    ``index`` and ``case_id`` (which the rows repeat), or ``(error_path, error)`` for
    a case refused with ``errors="row"``; :func:`_unpack` builds the rows' dicts."""
    from .parsing import load_json
    from .timeline import evaluate_case

    as_of, params, policy, errors = job
    params = DIJON if params is None else params
    out: list[tuple] = []
    for i, item in enumerate(chunk, start):
        try:
            if isinstance(item, (str, bytes)):
                raw = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else item
                item = load_json(raw, "(ligne)")
            ev = evaluate_case(item, as_of=as_of, params=params, **policy)
        except InputError as error:
            located = error.at(f"[{i}]") if error.path != "(ligne)" else InputError(
                f"[{i}]", error.expected, error.problem)
            if errors == "raise":
                raise located from None
            out.append((located.path, str(located)))
            continue
        out.append((ev.case_id, *_values(ev)))
    return out


def _unpack(start: int, packed: list[tuple]) -> list[CaseRows]:
    """The :class:`CaseRows` of a chunk from :func:`_pack_chunk`'s values."""
    out = []
    for index, item in enumerate(packed, start):
        if len(item) == 2:
            out.append(CaseRows(_error_row(index, *item), (), ()))
        else:
            out.append(_rows(index, *item))
    return out


def _error_row(index: int, path: str, message: str) -> dict:
    row = dict.fromkeys(CASE_COLUMNS)
    row.update(index=index, error_path=path, error=message)
    return row


# The rows' dicts, built from the values of :func:`_values` (each key written once, here;
# a test checks that they are the columns, in order).

def _case_row(index: int, case_id: Any, values: tuple) -> dict:
    (as_of, state, state_since, verdict, complete, obligations, overdue, pending, violations,
     warnings, informations, missing_facts, validated_individual, validated_collective,
     delivered_individual, delivered_collective, ignored_after_as_of) = values
    return {
        "index": index, "case_id": case_id, "as_of": as_of, "state": state,
        "state_since": state_since, "verdict": verdict, "complete": complete,
        "obligations": obligations, "overdue": overdue, "pending": pending,
        "violations": violations, "warnings": warnings, "informations": informations,
        "missing_facts": missing_facts, "validated_individual": validated_individual,
        "validated_collective": validated_collective,
        "delivered_individual": delivered_individual,
        "delivered_collective": delivered_collective,
        "ignored_after_as_of": ignored_after_as_of, "error_path": None, "error": None,
    }


def _obligation_row(index: int, case_id: Any, values: tuple) -> dict:
    (rule_id, trigger_type, trigger_at, trigger_index, due, status, act_type, act_at,
     act_index) = values
    return {
        "index": index, "case_id": case_id, "rule_id": rule_id, "trigger_type": trigger_type,
        "trigger_at": trigger_at, "trigger_index": trigger_index, "due": due,
        "status": status, "act_type": act_type, "act_at": act_at, "act_index": act_index,
    }


def _finding_row(index: int, case_id: Any, values: tuple) -> dict:
    rule_id, clause, severity, path, message, missing = values
    return {
        "index": index, "case_id": case_id, "rule_id": rule_id, "clause": clause,
        "severity": severity, "path": path, "message": message, "missing": missing,
    }


def _rows(index: int, case_id: Any, case: tuple, obligations: list, findings: list
          ) -> CaseRows:
    return CaseRows(_case_row(index, case_id, case),
                    tuple([_obligation_row(index, case_id, o) for o in obligations]),
                    tuple([_finding_row(index, case_id, f) for f in findings]))


def _values(ev: Any) -> tuple[tuple, list[tuple], list[tuple]]:
    """The values of one evaluation's rows, in the columns' order, after ``index`` and
    ``case_id``: ``(case values, [obligation values], [finding values])``.

    One pass over the obligations and one over the findings; instants are written by
    :func:`_iso`. An enumeration member's value is read as ``_value_`` (what ``.value``
    returns, without going through its descriptor)."""
    obligations = []
    overdue = pending = 0
    for o in ev.obligations:
        trigger, act, due = o.trigger, o.act, o.due
        status = o.status._value_
        if status == "overdue":
            overdue += 1
        elif status == "pending":
            pending += 1
        if act is None:
            act_type = act_at = None
        else:
            act_type, act_at = act.TYPE, _iso(act.at)
        obligations.append((o.rule_id, trigger.TYPE, _iso(trigger.at), o.trigger_index,
                            None if due is None else _iso(due), status, act_type,
                            act_at, o.act_index))
    report = ev.report
    violations = warnings = informations = 0
    findings = []
    for f in report.findings:
        severity = f.severity._value_
        if severity == "violation":
            violations += 1
        elif severity == "warning":
            warnings += 1
        elif severity == "info":
            informations += 1
        findings.append((f.rule_id, f.clause, severity, f.path, f.message, f.missing))
    hours, since = ev.hours, ev.state_since
    case = (_iso(ev.as_of), ev.state._value_,
            None if since is None else _iso(since.at), report.verdict,
            report.complete, len(obligations), overdue, pending, violations, warnings,
            informations, report.missing_facts, hours.validated_individual,
            hours.validated_collective, hours.delivered_individual,
            hours.delivered_collective, ev.ignored_after_as_of)
    return case, obligations, findings


def _iso(moment: Any) -> str:
    """``moment.isoformat()``: a day's written each time (cheap); an instant's remembered
    (its offset costs a time-zone lookup, and the cases of a batch share their instants:
    the reader and the deadlines give the same objects for the same moments).

    An instant is known by itself, its time zone and its fold: two aware datetimes at
    the same instant are equal whatever their offsets, and two wall times of one zone
    are equal whatever their folds, yet each is written its own way."""
    if type(moment) is _DATE:
        return moment.isoformat()
    key = (moment, moment.tzinfo, moment.fold)
    text = _ISO.get(key)
    if text is None:
        if len(_ISO) >= 65_536:
            _ISO.clear()
        text = _ISO[key] = moment.isoformat()
    return text


_ISO: dict[tuple, str] = {}
_DATE = _dt.date


def rows_of(ev: Any, index: int = 0) -> CaseRows:
    """The flat rows of one :class:`~ppaip_rules.timeline.CaseEvaluation`."""
    return _rows(index, ev.case_id, *_values(ev))


__all__ = ["CASE_COLUMNS", "FINDING_COLUMNS", "OBLIGATION_COLUMNS", "POLICIES", "CaseRows",
           "evaluate_cases", "rows_of"]
