"""Safe RDF parsing: refuse hostile input before a parser sees it, and name the place of an error.

Three things no parser here may be handed (all found by trying them on pyoxigraph 0.5):

* **XML with a DOCTYPE or ENTITY declaration.** pyoxigraph's RDF/XML parser
  expands internal entities, so a "billion laughs" document grows without
  bound. RDF/XML never needs a DTD; we refuse it outright.
* **Deeply nested JSON.** pyoxigraph's JSON-LD parser recurses on nested
  objects and *crashes the process* (SIGSEGV) at a few thousand levels; a
  RecursionError would be the friendly version. We measure the depth first
  (Python's C JSON decoder is itself recursion-guarded) and refuse more than
  :data:`MAX_JSON_DEPTH` levels.
* **Remote JSON-LD contexts.** pyoxigraph has no document loader unless one
  is given, so a remote ``@context`` fails without any network access (the
  test suite proves it with a loopback listener that must receive nothing).
  We only turn the error into a clear message.

* **Deeply nested XML elements.** pyoxigraph's RDF/XML parser slows down
  faster than quadratically with nesting (10,000 levels: 5 s; 100,000: it
  never finishes). The well-formedness pass refuses more than
  :data:`MAX_XML_DEPTH` levels.
* **Deeply nested RDF 1.2 triple terms** ``<<( s p <<( … )>> )>>`` in
  Turtle/TriG/N-Triples/N-Quads: pyoxigraph crashes (SIGSEGV) somewhere
  between 5,000 and 20,000 levels. We count ``<<``/``>>`` nesting first and
  refuse more than :data:`MAX_TRIPLE_TERM_DEPTH`.

Turtle/TriG collections and blank-node lists nested a million deep parse
iteratively in pyoxigraph; they are not a crash risk.

>>> parse_error(SyntaxError("Parser error at line 3 between columns 13 and 17: A dot is expected (line 3)"),
...             "plan.ttl").message
'plan.ttl:3:13: A dot is expected'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from xml.parsers import expat

import pyoxigraph as ox

from .errors import ParseError
from .vocab import XSD

#: Deepest JSON nesting accepted (a JSON-LD export of ours nests about 6 deep).
MAX_JSON_DEPTH = 100
#: Deepest XML element nesting accepted in RDF/XML (striped RDF/XML of ours nests under 10).
MAX_XML_DEPTH = 256
#: Deepest nesting of quoted triples / triple terms accepted in the Turtle family.
MAX_TRIPLE_TERM_DEPTH = 64
_TURTLE_FAMILY = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS,
                  ox.RdfFormat.N3}
_QUOTE_MARK = re.compile(rb"<<|>>")

_POSITION = re.compile(r"(?:Parser error )?(?:at line (\d+) (?:between columns (\d+) and \d+|column (\d+))"
                       r"|between line (\d+) column (\d+) and line \d+ column \d+):?\s*")
_TRAILING_LINE = re.compile(r"\s*\(line \d+\)$")
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_error(exc: BaseException, source: str) -> ParseError:
    """Turn a parser's message into a ParseError naming file, line and column.

    pyoxigraph says ``Parser error at line N between columns A and B: what``,
    ``... at line N column C: what``, or, for an error spanning lines,
    ``... between line N column A and line M column B: what``; all become ``source:N:A: what`` with
    ``line``/``column`` set on the error (1-based, as pyoxigraph counts them).
    """
    if isinstance(exc, RecursionError):
        return ParseError("the data is nested too deeply to parse", source=source)
    text = str(exc).splitlines()[0].strip() if str(exc).strip() else type(exc).__name__
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return ParseError("remote JSON-LD contexts are never fetched: embed the @context in the document "
                          "(PlanGraph's own context is src/graph/contexts/plangraph.jsonld)", source=source)
    m = _POSITION.search(text)
    if not m:
        return ParseError(text, source=source)
    message = _TRAILING_LINE.sub("", text[m.end():]) or "syntax error"
    if message.startswith("Invalid UTF-8"):
        message = _NOT_UTF8
    line = m.group(1) or m.group(4)
    column = m.group(2) or m.group(3) or m.group(5)
    return ParseError(message, source=source, line=int(line), column=int(column))


_NOT_UTF8 = "not UTF-8 text (a Shift_JIS/CP932 file must be saved as UTF-8) / UTF-8 で保存してください"


def _utf8_error(data: bytes, offset: int, source: str) -> ParseError:
    """A ParseError at the line and column of the first byte that is not UTF-8."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    return ParseError(_NOT_UTF8, source=source, line=line, column=column)


def _json_depth(value: object) -> int:
    """Nesting depth of decoded JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def triple_term_depth(data: bytes) -> int:
    """Deepest ``<<`` … ``>>`` nesting (over-counts ``<<`` inside string literals; never under-counts).

    >>> triple_term_depth(b'<a> <b> <<( <c> <d> <<( <e> <f> "g" )>> )>> .')
    2
    """
    deepest = depth = 0
    for m in _QUOTE_MARK.finditer(data):
        depth = depth + 1 if m.group() == b"<<" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


class _TooDeep(Exception):
    pass


def _check_xml(data: bytes, source: str) -> None:
    """Well-formed, and nested at most MAX_XML_DEPTH deep (expat; no DTD is left to expand)."""
    parser = expat.ParserCreate()
    depth = [0]

    def start(name, attrs):  # noqa: ANN001 (expat's callback)
        depth[0] += 1
        if depth[0] > MAX_XML_DEPTH:
            raise _TooDeep

    def end(name):  # noqa: ANN001
        depth[0] -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(data, True)
    except _TooDeep:
        raise ParseError(f"XML elements nested deeper than {MAX_XML_DEPTH} levels are refused", source=source,
                         line=parser.CurrentLineNumber, column=parser.CurrentColumnNumber + 1) from None
    except expat.ExpatError as exc:
        raise ParseError(f"malformed XML: {expat.ErrorString(exc.code)}", source=source,
                         line=exc.lineno, column=exc.offset + 1) from None


def check_safe(data: bytes, fmt: ox.RdfFormat, source: str) -> None:
    """Refuse input that could hang or crash a parser (see the module docstring).

    Raises :class:`ParseError`; returns nothing when the input may be parsed.
    """
    if fmt in _TURTLE_FAMILY:
        if b"<<" in data and triple_term_depth(data) > MAX_TRIPLE_TERM_DEPTH:
            raise ParseError(f"quoted triples nested deeper than {MAX_TRIPLE_TERM_DEPTH} levels are refused",
                             source=source)
    elif fmt == ox.RdfFormat.RDF_XML:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _utf8_error(data, exc.start, source) from None
        m = _DTD.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            raise ParseError(f"XML {m.group(1).upper()} declarations are refused (entity expansion risk); "
                             "RDF/XML needs no DTD", source=source, line=line, column=column)
        # pyoxigraph's RDF/XML errors carry no position; expat names line and column of
        # malformed XML (safe here: no DTD can be left to expand).
        _check_xml(data, source)
    elif fmt == ox.RdfFormat.JSON_LD:
        try:
            doc = json.loads(data)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused", source=source) from None
        except json.JSONDecodeError as exc:
            raise ParseError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno) from None
        except UnicodeDecodeError as exc:
            raise _utf8_error(data, exc.start, source) from None
        if _json_depth(doc) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused", source=source)


def as_bytes(data: bytes | str | object) -> bytes:
    """Input as bytes: reads file objects, encodes str as UTF-8, drops a UTF-8 byte-order mark.

    Windows Notepad saves "UTF-8" with a BOM, which the Turtle and N-Triples
    parsers read as a stray character at 1:1.
    """
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def parse_quads(data: bytes | str, fmt: ox.RdfFormat, source: str = "<data>",
                base_iri: str | None = None) -> list[ox.Quad]:
    """Parse fully (all or nothing) after :func:`check_safe`; blank nodes renamed apart.

    ``base_iri`` resolves relative IRIs (``<s>``); without it they are a parse error.

    >>> parse_quads(b'<https://ex.org/a> <https://ex.org/p> "x" .', ox.RdfFormat.N_TRIPLES)[0].object.value
    'x'
    """
    data = as_bytes(data)
    check_safe(data, fmt, source)
    try:
        # rename_blank_nodes: two files' _:b1 must not merge into one node.
        return list(ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True))
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise parse_error(exc, source) from None


# --- literal lexical forms -------------------------------------------------------
# pyoxigraph and rdflib both accept "2021-13-45"^^xsd:date silently; validation asks here.

def _date_ok(y: str, m: str, d: str) -> bool:
    try:
        dt.date(max(int(y), 1) if len(y) <= 4 else 2000, int(m), int(d))  # beyond year 9999: check month/day
        return True
    except ValueError:
        return False


_TZ = r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_LEXICAL = {
    "date": re.compile(rf"-?(\d{{4,}})-(\d\d)-(\d\d){_TZ}"),
    "dateTime": re.compile(rf"-?(\d{{4,}})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?{_TZ}"
                           rf"|-?(\d{{4,}})-(\d\d)-(\d\d)T24:00:00(\.0+)?{_TZ}"),
    "time": re.compile(rf"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?){_TZ}"),
    "gYear": re.compile(rf"-?\d{{4,}}{_TZ}"),
    "gYearMonth": re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_TZ}"),
    "integer": re.compile(r"[+-]?\d+"),
    "nonNegativeInteger": re.compile(r"\+?\d+|-0+"),
    "positiveInteger": re.compile(r"\+?0*[1-9]\d*"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "double": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    "float": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    "boolean": re.compile(r"true|false|1|0"),
    "duration": re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"),
}


def literal_ok(lit: ox.Literal) -> bool:
    """Is the literal's lexical form valid for its XSD datatype? (Unknown datatypes pass.)

    >>> literal_ok(ox.Literal("2021-13-45", datatype=ox.NamedNode(XSD + "date")))
    False
    >>> literal_ok(ox.Literal("2024-02-29", datatype=ox.NamedNode(XSD + "date")))
    True
    """
    dtype = lit.datatype.value
    if not dtype.startswith(XSD):
        return True
    rx = _LEXICAL.get(dtype[len(XSD):])
    if rx is None:
        return True
    m = rx.fullmatch(lit.value)
    if not m:
        return False
    if dtype.endswith(("#date", "#dateTime")):
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(7), m.group(8), m.group(9))
        return _date_ok(y, mo, d)
    return True
