"""SPARQL text for :class:`graph.remote.RemoteStore`: query rewriting, and a lenient results reader.

An external server cannot take pyoxigraph's ``substitutions`` or read only part
of a result the way the embedded store does, so the remote store rewrites the
query text instead. Two rewrites, both working on tokens (comments, strings
and IRIs are skipped properly, never matched by a regular expression over the
raw text):

* :func:`bind_values` binds variables by injecting ``VALUES (?a ?b) { (<x> "y") }``
  as the first element of the outermost WHERE group. Terms are written in
  their N-Triples form, which is valid SPARQL, so nothing the caller passes
  can change the query's structure. The same ``VALUES`` also opens each
  sub-SELECT that projects the variable, so that a server evaluates it for the
  bound value only, before its LIMIT, as pyoxigraph's substitutions do. A
  variable that only occurs inside a sub-SELECT that does not project it is
  not bound (pyoxigraph does not bind it there either); one that a sub-SELECT
  computes (``… AS ?v``) is bound outside only.
* :func:`paged_select` wraps a SELECT so that it can be read in pages past a
  server's row cap (Virtuoso's ``ResultSetMaxRows``, 10,000 by default):
  ``SELECT * WHERE { { SELECT * WHERE { { original } } ORDER BY ?v… } } LIMIT n OFFSET k``.
  The ORDER BY over every projected variable makes pages stable between
  requests; it sits in a sub-SELECT because Virtuoso refuses to sort more
  than 10,000 rows for a top-level ``ORDER BY … OFFSET`` (error SR353) but
  pages a sorted sub-SELECT (its "scrollable cursor" pattern). A query with
  its own top-level ORDER BY keeps that order (no second sort). Limits: the
  query must be a SELECT without top-level FROM/FROM NAMED (dataset clauses
  cannot move into a sub-SELECT); each page re-runs the sort on the server.

:func:`read_json_results` reads SPARQL JSON results that pyoxigraph's strict
parser refuses: Virtuoso labels blank nodes ``nodeID://b10006``; such labels
are mapped to valid ones, the same label to the same node.

>>> bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("https://ex.org/p")})
'SELECT ?x WHERE { VALUES (?p) { (<https://ex.org/p>) } ?x ?p ?o }'
>>> query_form("PREFIX a: <https://ex.org/> # comment { \\nASK { ?s a:p ?o }")
'ASK'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

import pyoxigraph as ox

from .errors import ParameterError, QuerySyntaxError, StoreError

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r'[^\s{}()<>"\'#,;\[\]]+')
_VAR_NAME = re.compile(r"^[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+$")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    depth: int  # nesting of { } at the token's start (a "{" has the depth outside it)

    @property
    def upper(self) -> str:
        return self.text.upper()


def _string_end(text: str, i: int) -> int:
    q = text[i]
    if text.startswith(q * 3, i):
        j = text.find(q * 3, i + 3)
        while j != -1 and _escaped(text, j):
            j = text.find(q * 3, j + 1)
        if j == -1:
            raise QuerySyntaxError("unterminated string in query")
        while text.startswith(q, j + 3):  # """a"""" ends at the last quote
            j += 1
        return j + 3
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == q:
            return j + 1
        if c in "\r\n":
            break
        j += 1
    raise QuerySyntaxError("unterminated string in query")


def _escaped(text: str, j: int) -> bool:
    n = 0
    while j - 1 - n >= 0 and text[j - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def tokens(text: str) -> Iterator[Token]:
    """The query's tokens, with comments dropped and strings and IRIs kept whole."""
    i, depth, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
        elif c in "\"'":
            j = _string_end(text, i)
            yield Token(text[i:j], i, j, depth)
            i = j
        elif c == "<" and (m := _IRI.match(text, i)):
            yield Token(m.group(), i, m.end(), depth)
            i = m.end()
        elif c == "{":
            yield Token(c, i, i + 1, depth)
            depth += 1
            i += 1
        elif c == "}":
            depth -= 1
            yield Token(c, i, i + 1, depth)
            i += 1
        elif (m := _WORD.match(text, i)) and m.end() > i:
            yield Token(m.group(), i, m.end(), depth)
            i = m.end()
        else:
            yield Token(c, i, i + 1, depth)
            i += 1


_STAR = re.compile(r"SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)")


def star_order(text: str, variables: Sequence[str]) -> list[str] | None:
    """For a ``SELECT *`` query: ``variables`` in the order they first appear in its text.

    Why: pyoxigraph (and Oxigraph server) sort ``SELECT *``'s columns by name, so
    ``SELECT * { ?s ?p ?o }`` came out as o, p, s; Jena and Virtuoso keep the
    query's order, which is what a reader of the table expects. Only the order
    of the columns changes. ``None`` for any other query (a cheap regular
    expression rules most out before the query is tokenized).

    >>> star_order("SELECT * WHERE { ?s ?p ?o. BIND(1 AS ?a) }", ["a", "o", "p", "s"])
    ['s', 'p', 'o', 'a']
    >>> star_order("SELECT ?o ?s WHERE { ?s ?p ?o }", ["o", "s"]) is None
    True
    """
    if not _STAR.search(text):
        return None
    toks = list(tokens(text))
    k = _body_start(toks)
    if k >= len(toks) or toks[k].upper != "SELECT":
        return None
    k += 1
    if k < len(toks) and toks[k].upper in ("DISTINCT", "REDUCED"):
        k += 1
    if k >= len(toks) or toks[k].text != "*":
        return None
    first: dict[str, int] = {}
    for i, tok in enumerate(toks[k:]):
        if m := _VAR.match(tok.text):
            first.setdefault(m.group(1), i)
    return sorted(variables, key=lambda v: first.get(v, len(toks)))


def _body_start(toks: list[Token]) -> int:
    """Index of the first token after the prologue (BASE/PREFIX declarations)."""
    k = 0
    while k < len(toks):
        u = toks[k].upper
        if u == "BASE":
            k += 2
        elif u == "PREFIX":
            k += 3
        else:
            return k
    return k


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (QuerySyntaxError for anything else)."""
    toks = list(tokens(text))
    k = _body_start(toks)
    if k < len(toks) and toks[k].upper in _FORMS:
        return toks[k].upper
    raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def _where_brace(text: str, toks: list[Token] | None = None) -> Token:
    """The ``{`` that opens the outermost WHERE group (``toks``: the text's tokens, if known)."""
    toks = list(tokens(text)) if toks is None else toks
    k = _body_start(toks)
    if k >= len(toks) or toks[k].upper not in _FORMS:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    form = toks[k].upper
    top = [t for t in toks[k + 1:] if t.depth == 0]
    if form == "CONSTRUCT":
        if top and top[0].upper == "WHERE":
            raise ParameterError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }")
        # skip the template group: the first top-level "{" … then its closing "}" (depth 0 again)
        seen_template = False
        for t in top:
            if t.text == "{" and not seen_template:
                seen_template = True
                continue
            if t.text == "{" and seen_template:
                return t
    else:
        for t in top:
            if t.text == "{":
                return t
    raise ParameterError("parameters can only be bound in a query with a WHERE clause")


def _sparql_term(name: str, term: object) -> str:
    if isinstance(term, ox.BlankNode):
        raise ParameterError(f"parameter ?{name}: a blank node cannot be bound")
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.Triple)):
        return str(term)
    raise ParameterError(f"parameter ?{name}: not an RDF term ({type(term).__name__})")


def bind_values(text: str, substitutions: Mapping[str, object], *, unions: bool = True) -> str:
    """``text`` with ``VALUES`` binding each variable, at the start of the outermost WHERE group.

    ``unions=False`` leaves ``UNION`` branches unopened (see :func:`_inner_groups`): Virtuoso 7.2
    refuses a ``VALUES`` inside a branch with a ``+`` path ("transitive derived table but neither
    end of it is bound", ``succession``) and needs no help there.
    """
    if not substitutions:
        return text
    names = []
    for name in substitutions:
        bare = name.lstrip("?$")
        if not _VAR_NAME.match(bare):
            raise ParameterError(f"not a variable name: {name!r}")
        names.append(bare)
    terms = dict(zip(names, (_sparql_term(n, substitutions[k]) for n, k in zip(names, substitutions))))

    def values(bound: Sequence[str]) -> str:
        return f" VALUES ({' '.join('?' + n for n in bound)}) {{ ({' '.join(terms[n] for n in bound)}) }}"

    toks = list(tokens(text))
    inserts = [(_where_brace(text, toks).end, names)] + _inner_groups(toks, names, unions)
    for at, bound in sorted(inserts, reverse=True):
        text = text[:at] + values(bound) + text[at:]
    return text


def _inner_groups(toks: list[Token], names: Sequence[str], unions: bool = True) -> list[tuple[int, list[str]]]:
    """Where to bind ``names`` inside the query too: (offset after a group's ``{``, names).

    Why: a ``VALUES`` in the outer group is joined with a sub-SELECT, or with
    the right side of an ``OPTIONAL`` or ``MINUS``, only after that part has
    been evaluated on its own, over the whole store. The named queries look up
    labels in sub-SELECTs that project ``?plan`` (so that a server evaluates
    them once per plan, not once per row) and test support in ``MINUS`` groups
    of the plan; with the binding only outside, a server reads every plan of
    the store (at 1M triples ``coverage`` for one plan took 2.7 s instead of
    22 ms, ``orphans`` 1.9 s instead of 3 ms). Binding the variable inside
    gives the same answer, since every outer row has that value and the join,
    left join or anti-join keeps only the inner rows that agree with it. So the
    ``VALUES`` also opens:

    * each sub-SELECT that names the variable in its projection or projects
      ``*``, also one with ``LIMIT``/``OFFSET``: pyoxigraph's substitutions bind
      the variable there before the LIMIT picks rows (``label-search`` picks
      its 200 best labels for the search text in a sub-SELECT). ``… AS ?v`` is
      left alone, and so is everything inside a sub-SELECT that does not
      project the variable: there it is another variable;
    * each ``OPTIONAL { … }`` and ``MINUS { … }`` group, and each branch of a
      ``UNION``, whose own triple patterns use the variable (so it is bound in
      every row of the group, and binding it changes no ``MINUS`` domain).
      Oxigraph server evaluated the eleven branches of ``_alignment-edges``
      without the binding: a plan's network took 8–9 s at 1M triples.
    """
    selects = []  # (first token, last token, names bound inside) of each sub-SELECT
    for k, t in enumerate(toks):
        if t.upper != "SELECT" or t.depth == 0:
            continue
        j, paren, projected = k + 1, 0, []
        while j < len(toks) and toks[j].text != "{" and toks[j].upper != "WHERE":
            x = toks[j]
            paren += (x.text == "(") - (x.text == ")")
            if paren == 0 and x.text[:1] in "?$":
                projected.append(x.text[1:])
            elif paren == 0 and x.text == "*":
                projected.extend(names)
            j += 1
        if j < len(toks) and toks[j].upper == "WHERE":
            j += 1
        if j >= len(toks) or toks[j].text != "{":
            continue
        selects.append((k, _group_end(toks, j), j, [n for n in names if n in projected]))

    def in_scope(i: int, name: str) -> bool:
        return all(name in bound for first, last, _, bound in selects if first < i <= last)

    out = [(toks[j].end, [n for n in bound if in_scope(j, n)]) for _, _, j, bound in selects]
    parens = list(_paren_levels(toks))
    for i, t in enumerate(toks):
        if t.text != "{" or i == 0 or (i + 1 < len(toks) and toks[i + 1].upper == "SELECT"):
            continue  # a sub-SELECT stands alone
        end = _group_end(toks, i)
        union = unions and (toks[i - 1].upper == "UNION" or (end + 1 < len(toks) and toks[end + 1].upper == "UNION"))
        if toks[i - 1].upper not in ("OPTIONAL", "MINUS") and not union:
            continue
        own = {x.text[1:] for x, level in zip(toks[i + 1:end], parens[i + 1:])
               if x.depth == t.depth + 1 and level == parens[i] and x.text[:1] in "?$"}
        out.append((t.end, [n for n in names if n in own and in_scope(i, n)]))
    return [(at, bound) for at, bound in out if bound]


def _group_end(toks: list[Token], i: int) -> int:
    """Index of the ``}`` that closes the ``{`` at ``toks[i]``."""
    return next((k for k in range(i + 1, len(toks)) if toks[k].text == "}" and toks[k].depth == toks[i].depth),
                len(toks))


def _paren_levels(toks: list[Token]) -> Iterator[int]:
    level = 0
    for t in toks:
        level -= t.text == ")"
        yield level
        level += t.text == "("


def inline_filter_literals(text: str, substitutions: Mapping[str, object]) -> str:
    """``text`` with bound literal parameters also written into its ``FILTER ( … )`` expressions.

    Why: Virtuoso 7.2 never matches a non-ASCII string that reaches a string
    function through a variable (``VALUES``/``BIND``): ``CONTAINS(?label, ?q)``
    with ``?q`` = "デジタル" finds nothing, while the same literal written in the
    FILTER matches. So, next to the ``VALUES`` of :func:`bind_values` (which still
    binds the projected variable), each ``?q`` inside a FILTER's parentheses
    becomes the literal. Variables inside a ``{ … }`` group of the expression
    (``EXISTS``) are left alone: a literal cannot stand in a subject position.

    >>> inline_filter_literals('SELECT ?q WHERE { ?s ?p ?l FILTER(CONTAINS(?l, STR(?q))) }', {"q": ox.Literal("市")})
    'SELECT ?q WHERE { ?s ?p ?l FILTER(CONTAINS(?l, STR("市"))) }'
    """
    literals = {name.lstrip("?$"): str(term) for name, term in substitutions.items()
                if isinstance(term, ox.Literal)}
    if not literals:
        return text
    toks = list(tokens(text))
    edits: list[tuple[int, int, str]] = []
    k = 0
    while k < len(toks):
        if toks[k].upper == "FILTER" and k + 1 < len(toks) and toks[k + 1].text == "(":
            depth, level, j = toks[k].depth, 0, k + 1
            while j < len(toks):
                t = toks[j]
                if t.text == "(":
                    level += 1
                elif t.text == ")":
                    level -= 1
                    if level == 0:
                        break
                elif t.depth == depth and t.text[:1] in "?$" and t.text[1:] in literals:
                    edits.append((t.start, t.end, literals[t.text[1:]]))
                j += 1
            k = j
        k += 1
    for start, end, value in reversed(edits):
        text = text[:start] + value + text[end:]
    return text


def _split_prologue(text: str) -> tuple[str, str, list[Token]]:
    toks = list(tokens(text))
    k = _body_start(toks)
    cut = toks[k].start if k < len(toks) else len(text)
    return text[:cut], text[cut:], toks[k:]


def can_page(text: str) -> bool:
    """True when :func:`paged_select` can wrap ``text``: a SELECT without top-level FROM."""
    _, _, body = _split_prologue(text)
    if not body or body[0].upper != "SELECT":
        return False
    return not any(t.depth == 0 and t.upper == "FROM" for t in body)


def _has_top_order(body: list[Token]) -> bool:
    return any(t.depth == 0 and t.upper == "ORDER" for t in body)


def paged_select(text: str, variables: Sequence[str], limit: int, offset: int) -> str:
    """One page of a SELECT, stable between requests (see the module docstring)."""
    prologue, body_text, body = _split_prologue(text)
    if _has_top_order(body):
        inner = body_text
    else:
        order = " ".join("?" + v for v in variables)
        inner = f"SELECT * WHERE {{ {{ {body_text}\n}} }} ORDER BY {order}"
    return f"{prologue}SELECT * WHERE {{ {{ {inner}\n}} }} LIMIT {int(limit)} OFFSET {int(offset)}"


def _json_term(b: dict, bnodes: dict[str, ox.BlankNode]):
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        if value not in bnodes:
            bnodes[value] = ox.BlankNode(re.sub(r"[^A-Za-z0-9]", "_", value) or "b")
        return bnodes[value]
    if kind in ("literal", "typed-literal"):
        if b.get("xml:lang"):
            return ox.Literal(value, language=b["xml:lang"])
        if b.get("datatype"):
            return ox.Literal(value, datatype=ox.NamedNode(b["datatype"]))
        return ox.Literal(value)
    if kind == "triple":
        v = value
        return ox.Triple(*(_json_term(v[k], bnodes) for k in ("subject", "predicate", "object")))
    raise ValueError(f"unknown term type {kind!r}")


def read_json_results(body: bytes, source: str) -> tuple[list[str], list[tuple]]:
    """Variables and rows of a SPARQL JSON SELECT answer, read leniently (see the module docstring).

    >>> read_json_results(b'{"head":{"vars":["x"]},"results":{"bindings":'
    ...                   b'[{"x":{"type":"bnode","value":"nodeID://b1"}}]}}', "test")[1][0][0]
    <BlankNode value=nodeID___b1>
    """
    try:
        doc = json.loads(body)
        variables = list(doc["head"]["vars"])
        bnodes: dict[str, ox.BlankNode] = {}
        rows = [tuple(_json_term(b[v], bnodes) if v in b else None for v in variables)
                for b in doc["results"]["bindings"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"SPARQL server at {source} sent unreadable results: {type(exc).__name__}") from None
    return variables, rows
