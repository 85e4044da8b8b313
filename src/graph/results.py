"""Query results → bytes: SPARQL results JSON/XML/CSV/TSV, RDF, and a text table.

One table, :data:`RESULT_FORMATS`, maps a format name to its media type and
serializer, so the SPARQL endpoint, the query page's downloads and the CLI
answer with the same bytes for the same result.

Formats follow the W3C specifications:

* JSON — SPARQL 1.1 Query Results JSON Format (``application/sparql-results+json``)
* XML  — SPARQL Query Results XML Format (``application/sparql-results+xml``)
* CSV / TSV — SPARQL 1.1 Query Results CSV and TSV Formats; those define SELECT
  results only, so an ASK answer is the bare word ``true`` or ``false``, as
  Oxigraph writes it and pyoxigraph reads it back from TSV
* CONSTRUCT/DESCRIBE results: Turtle, N-Triples, JSON-LD, RDF/XML (written by pyoxigraph)

**Truncation.** A result cut at the row cap (``truncated=True``) says so
inside the formats that have a place for it, without breaking the spec:
JSON and XML carry :data:`TRUNCATED_LINK` in the head's ``link`` list (the
specs define ``link`` as "a URI that provides further metadata about the query
results"); Turtle, N-Triples and RDF/XML get a leading comment. CSV, TSV and
JSON-LD have no such place; the web layer also sends the HTTP header
``X-PlanGraph-Truncated: true`` for every format.

**Spreadsheet formula injection.** CSV/TSV downloads are opened in Excel or
LibreOffice, which run a cell beginning with ``=``, ``+``, ``-``, ``@``, tab
or CR as a formula (``=HYPERLINK(...)`` can leak data; ``=cmd|...`` used to run
commands). With ``neutralize_formulas=True`` such a cell gets a leading
``'`` so the spreadsheet shows it as text. Plain numbers (``-5``, ``+1.5e3``)
are left alone: they cannot be formulas. The public endpoint and the
download links turn it on (a CSV from a public endpoint ends up in a
spreadsheet sooner or later); the CLI leaves the data as it is.

>>> import pyoxigraph as ox
>>> r = SelectResult(["x"], [(ox.Literal("=1+1"),)])
>>> serialize_result(r, "csv", neutralize_formulas=True)
b"x\\r\\n'=1+1\\r\\n"
>>> RESULT_FORMATS["json"].media_type
'application/sparql-results+json'
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

from .errors import QueryError
from .store import AskResult, GraphResult, QueryResult, SelectResult, Term
from .vocab import PREFIXES, RDF, XSD

#: The IRI put in the head's ``link`` of JSON/XML results that were cut at the row cap.
TRUNCATED_LINK = "https://w3id.org/plangraph/results#truncated"

_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = RDF + "langString"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


# --- terms ------------------------------------------------------------------

def _kind(result: QueryResult) -> str:
    if isinstance(result, SelectResult):
        return "select"
    if isinstance(result, AskResult):
        return "ask"
    return "graph"


def _json_term(t: Term) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):  # SPARQL-star JSON
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != _XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Escaped text; characters XML 1.0 cannot carry at all (not even as &#x1;) are an error."""
    if _XML_INVALID.search(value):
        raise QueryError("the result holds control characters that XML cannot carry; ask for JSON instead",
                         title="Not acceptable", status=406)
    return escape(value)


def _xml_term(t: Term) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{_xml_text(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_xml_text(t.value)}</bnode>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject>"
                f"<predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{_xml_text(t.value)}</literal>"
    if t.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(t.datatype.value)}>{_xml_text(t.value)}</literal>"
    return f"<literal>{_xml_text(t.value)}</literal>"


def _csv_term(t: Term | None) -> str:
    """CSV cells carry no type: IRIs and literals as their text, blank nodes as ``_:id``."""
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Triple):
        return f"<< {t.subject} {t.predicate} {t.object} >>"
    return t.value


def _neutralize(cell: str) -> str:
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _tsv_term(t: Term | None, neutralize: bool) -> str:
    """TSV cells are terms in N-Triples syntax (the spec allows Turtle abbreviations; we use none)."""
    if t is None:
        return ""
    if neutralize and isinstance(t, ox.Literal) and t.value.startswith(_FORMULA_START) \
            and not _NUMBER.fullmatch(t.value):
        # A spreadsheet strips the quotes of "=1+1" and would run it: put the ' inside.
        t = ox.Literal("'" + t.value, language=t.language) if t.language else \
            ox.Literal("'" + t.value, datatype=t.datatype)
    if isinstance(t, ox.Triple):
        return f"<< {t.subject} {t.predicate} {t.object} >>"
    return str(t)


# --- SPARQL results formats ---------------------------------------------------

def _head_links(result) -> list[str]:
    return [TRUNCATED_LINK] if getattr(result, "truncated", False) else []


def to_json(result: QueryResult, **_: object) -> bytes:
    """SPARQL 1.1 Query Results JSON (SELECT or ASK)."""
    if isinstance(result, AskResult):
        doc: dict = {"head": {}, "boolean": result.value}
    else:
        head: dict = {"vars": list(result.variables)}
        if links := _head_links(result):
            head["link"] = links
        doc = {"head": head, "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
            for row in result.rows]}}
    # orjson: ten times faster than json.dumps here (2 ms against 20-50 ms for 1,300 rows of Japanese text)
    return orjson.dumps(doc) + b"\n"


def to_xml(result: QueryResult, **_: object) -> bytes:
    """SPARQL Query Results XML (SELECT or ASK)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if isinstance(result, AskResult):
        out += ["</head>", f"<boolean>{'true' if result.value else 'false'}</boolean>", "</sparql>"]
        return ("\n".join(out) + "\n").encode()
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += [f"<link href={quoteattr(h)}/>" for h in _head_links(result)]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>" + "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(result.variables, row) if t is not None) + "</result>")
    out += ["</results>", "</sparql>"]
    return ("\n".join(out) + "\n").encode()


def to_csv(result: QueryResult, *, neutralize_formulas: bool = False, **_: object) -> bytes:
    """SPARQL 1.1 CSV: header of variable names, CRLF line ends; an ASK answer is ``true``/``false``."""
    if isinstance(result, AskResult):
        return b"true\r\n" if result.value else b"false\r\n"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(result.variables)
    for row in result.rows:
        cells = [_csv_term(t) for t in row]
        w.writerow([_neutralize(c) for c in cells] if neutralize_formulas else cells)
    return buf.getvalue().encode()


def to_tsv(result: QueryResult, *, neutralize_formulas: bool = False, **_: object) -> bytes:
    """SPARQL 1.1 TSV: ``?var`` header, terms in N-Triples syntax; an ASK answer is ``true``/``false``."""
    if isinstance(result, AskResult):
        return b"true\n" if result.value else b"false\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(_tsv_term(t, neutralize_formulas) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode()


# --- RDF formats for CONSTRUCT / DESCRIBE ---------------------------------------

def _rdf_writer(fmt: ox.RdfFormat, comment: str | None) -> Callable[..., bytes]:
    from .export import to_jsonld, triple_order  # noqa: PLC0415 (export imports the store, as we do)

    def write(result: GraphResult, *, prefixes: Mapping[str, str] | None = None, **_: object) -> bytes:
        if fmt == ox.RdfFormat.JSON_LD:
            return to_jsonld(result.triples)  # compacted with the published context, embedded
        triples = sorted(result.triples, key=triple_order) if fmt != ox.RdfFormat.N_TRIPLES else result.triples
        data = ox.serialize(triples, format=fmt, prefixes=dict(prefixes or PREFIXES))
        if result.truncated and comment:
            note = "PlanGraph: result truncated at the row cap; more triples exist"
            if comment == "xml":
                head, _, rest = data.partition(b"\n")
                return head + b"\n<!-- " + note.encode() + b" -->\n" + rest
            return f"# {note}\n".encode() + data
        return data

    write.__doc__ = f"{fmt.name} serialization of CONSTRUCT/DESCRIBE triples."
    return write


# --- the plain-text table (CLI) ---------------------------------------------------

def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``pg:Plan`` for a known namespace (longest wins), else ``<iri>``.

    >>> compact_iri("https://w3id.org/plangraph/ontology#Plan")
    'pg:Plan'
    >>> compact_iri("https://example.org/x")
    '<https://example.org/x>'
    """
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            local = iri[len(ns):]
            if local and not any(c in local for c in "<> \"{}|\\^`#?"):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best else f"<{iri}>"


def printable(text: str) -> str:
    """One line, safe for a terminal: whitespace runs become one space, control characters U+FFFD.

    Data is untrusted: a label holding terminal escape sequences (ESC ] …) must not
    retitle or recolour the user's terminal.

    >>> printable("a\\tb\\n c\\x1b[31m")
    'a b c\ufffd[31m'
    """
    return "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))


def _text(t: Term | None, prefixes: Mapping[str, str]) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        return compact_iri(t.value, prefixes)
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Triple):
        return "<< " + " ".join(_text(x, prefixes) for x in (t.subject, t.predicate, t.object)) + " >>"
    return printable(t.value)  # one line per row, no terminal escapes


def _width(s: str) -> int:
    """Display width in a terminal: full-width (Japanese) characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _clip(s: str, limit: int) -> str:
    if _width(s) <= limit:
        return s
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > limit - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def to_table(result: QueryResult, *, prefixes: Mapping[str, str] | None = None,
             max_width: int = 60, **_: object) -> bytes:
    """A plain-text table for people: IRIs compacted with the shared prefixes.

    >>> import pyoxigraph as ox
    >>> r = SelectResult(["plan", "label"], [(ox.NamedNode("https://w3id.org/plangraph/ontology#Plan"),
    ...                                        ox.Literal("計画", language="ja"))])
    >>> print(to_table(r).decode())
    plan    | label
    --------+------
    pg:Plan | 計画
    (1 行 / 1 row)
    <BLANKLINE>
    """
    prefixes = PREFIXES if prefixes is None else prefixes
    if isinstance(result, AskResult):
        return (("true" if result.value else "false") + "\n").encode()
    if isinstance(result, SelectResult):
        header, rows = list(result.variables), result.rows
    else:
        header, rows = ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object)
                                                             for t in result.triples]
    cells = [[_clip(_text(t, prefixes), max_width) for t in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    n = len(rows)
    out.append(f"({n} 行 / {n} row{'s' if n != 1 else ''})")
    if getattr(result, "truncated", False):
        out.append(f"結果は上限 {n} 行で打ち切られました / truncated at {n} rows; more exist")
    return ("\n".join(out) + "\n").encode()


# --- the one table ------------------------------------------------------------

@dataclass(frozen=True)
class ResultFormat:
    """A result format: its name, media type, file extension, the result kinds it can carry."""

    name: str
    media_type: str
    extension: str
    kinds: frozenset[str]
    serialize: Callable[..., bytes]


_SOLUTIONS = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})

RESULT_FORMATS: dict[str, ResultFormat] = {f.name: f for f in (
    ResultFormat("json", "application/sparql-results+json", "srj", _SOLUTIONS, to_json),
    ResultFormat("xml", "application/sparql-results+xml", "srx", _SOLUTIONS, to_xml),
    ResultFormat("csv", "text/csv; charset=utf-8", "csv", _SOLUTIONS, to_csv),
    ResultFormat("tsv", "text/tab-separated-values; charset=utf-8", "tsv", _SOLUTIONS, to_tsv),
    ResultFormat("turtle", "text/turtle", "ttl", _GRAPH, _rdf_writer(ox.RdfFormat.TURTLE, "#")),
    ResultFormat("ntriples", "application/n-triples", "nt", _GRAPH, _rdf_writer(ox.RdfFormat.N_TRIPLES, "#")),
    ResultFormat("jsonld", "application/ld+json", "jsonld", _GRAPH, _rdf_writer(ox.RdfFormat.JSON_LD, None)),
    ResultFormat("rdfxml", "application/rdf+xml", "rdf", _GRAPH, _rdf_writer(ox.RdfFormat.RDF_XML, "xml")),
    ResultFormat("table", "text/plain; charset=utf-8", "txt", frozenset({"select", "ask", "graph"}), to_table),
)}

#: The format used when a client states no preference, per result kind.
DEFAULT_FORMAT = {"select": "json", "ask": "json", "graph": "turtle"}


def result_kind(result: QueryResult) -> str:
    """``"select"``, ``"ask"`` or ``"graph"``: which formats can carry the result."""
    return _kind(result)


def format_for_media_type(media_type: str, kind: str) -> str | None:
    """The format name serving ``media_type`` for a result kind, or None (content negotiation).

    >>> format_for_media_type("application/sparql-results+json", "select")
    'json'
    >>> format_for_media_type("text/csv", "graph") is None
    True
    """
    mt = media_type.split(";")[0].strip().lower()
    for f in RESULT_FORMATS.values():
        if f.media_type.split(";")[0] == mt and kind in f.kinds:
            return f.name
    return None


def serialize_result(result: QueryResult, format: str, *, neutralize_formulas: bool = False,
                     prefixes: Mapping[str, str] | None = None) -> bytes:
    """Serialize a query result in a format of :data:`RESULT_FORMATS`.

    Raises :class:`~graph.errors.QueryError` with status 406 when the format
    cannot carry the result's kind (Turtle for an ASK, JSON results for a
    CONSTRUCT), and with status 400 for an unknown format name.
    """
    try:
        fmt = RESULT_FORMATS[format]
    except KeyError:
        raise QueryError(f"unknown result format {format!r} "
                         f"(known: {', '.join(RESULT_FORMATS)})") from None
    kind = _kind(result)
    if kind not in fmt.kinds:
        usable = ", ".join(f.name for f in RESULT_FORMATS.values() if kind in f.kinds)
        what = {"select": "a SELECT", "ask": "an ASK", "graph": "a CONSTRUCT/DESCRIBE"}[kind]
        raise QueryError(f"format {format} cannot carry {what} result (use one of: {usable})",
                         title="Not acceptable", status=406)
    return fmt.serialize(result, neutralize_formulas=neutralize_formulas, prefixes=prefixes)
