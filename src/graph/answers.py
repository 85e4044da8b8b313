"""A query's answer as the bytes a client receives, built where the query ran.

Why this exists: the endpoint's answers used to travel from the query worker
to the app as pyoxigraph terms (pickled, then unpickled) and were serialized
again in the app. For a 1,300-row answer at a million triples that round
trip cost more than the query (pickle 40 ms + unpickle 25 ms + JSON 50 ms
against 70 ms of query). Now the worker encodes the answer itself and sends
one ``bytes`` object; the app only adds HTTP headers.

:class:`AnswerSpec` says what to build: a fixed format (``"rows"`` for the
named-query API's Datasette-style JSON, or a :data:`graph.results.RESULT_FORMATS`
name), or a format negotiated from the request's ``format=`` parameter and
``Accept`` list once the result's kind (SELECT, ASK, graph) is known.

>>> from graph.store import SelectResult
>>> import pyoxigraph as ox
>>> r = SelectResult(["x"], [(ox.NamedNode("http://e/a"),), (None,)])
>>> encode_answer(r, AnswerSpec(format="rows")).body
b'{"ok":true,"columns":["x"],"rows":[{"x":"http://e/a"},{"x":null}],"truncated":false}'
>>> with_fields(b'{"ok":true}', {"name": "plans"})
b'{"ok":true,"name":"plans"}'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import orjson
import pyoxigraph as ox

from .results import RESULT_FORMATS, result_kind, serialize_result
from .store import AskResult, QueryResult, SelectResult

#: The named-query API's own format: columns and rows of plain values (Datasette's shape).
ROWS = "rows"


@dataclass(frozen=True)
class AnswerSpec:
    """How to encode an answer. ``format`` None = negotiate from ``param`` and ``accept``."""

    format: str | None = None
    param: str | None = None
    accept: tuple[str, ...] = ()
    neutralize_formulas: bool = False


@dataclass(frozen=True)
class Answer:
    """Encoded answer: the body, its format and media type, and what the headers need."""

    body: bytes
    format: str
    media_type: str
    kind: str
    truncated: bool


def rows_document(result: QueryResult) -> dict:
    """Datasette-style JSON: columns and rows as objects of plain values (IRIs and literals as text).

    A blank node is ``_:`` and its label, an unbound variable ``None``. The
    cells are written inline, not through a helper per cell: a function call
    per cell was a quarter of the time of building this document.
    """
    if isinstance(result, AskResult):
        return {"ok": True, "boolean": result.value}
    if isinstance(result, SelectResult):
        cols, rows = list(result.variables), result.rows
    else:
        cols = ["subject", "predicate", "object"]
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    blank = ox.BlankNode
    return {"ok": True, "columns": cols,
            "rows": [{c: None if t is None else "_:" + t.value if isinstance(t, blank) else t.value
                      for c, t in zip(cols, r)} for r in rows],
            "truncated": bool(result.truncated)}


def encode_answer(result: QueryResult, spec: AnswerSpec) -> Answer:
    """Encode ``result`` as ``spec`` asks; a format that cannot carry it is a 406/400 QueryError."""
    kind = result_kind(result)
    truncated = bool(getattr(result, "truncated", False))
    if spec.format == ROWS:
        return Answer(orjson.dumps(rows_document(result)), ROWS, "application/json", kind, truncated)
    name = spec.format
    if name is None:
        from .protocol import choose_format  # noqa: PLC0415 (protocol imports this module's neighbours)

        name = choose_format(kind, param=spec.param, accept=list(spec.accept))
    body = serialize_result(result, name, neutralize_formulas=spec.neutralize_formulas)
    return Answer(body, name, RESULT_FORMATS[name].media_type, kind, truncated)


def with_fields(body: bytes, fields: Mapping[str, Any]) -> bytes:
    """Add ``fields`` to an encoded JSON object without decoding it again (the answer may be megabytes)."""
    if not fields:
        return body
    extra = orjson.dumps(dict(fields))
    if body.strip() == b"{}":
        return extra
    return body.rstrip()[:-1] + b"," + extra[1:]
