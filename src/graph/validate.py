"""Validation: SHACL shapes (pySHACL) plus the SPARQL ``*-violation.rq`` queries, in one readable report.

Two entry points:

* :func:`validate` — check what is (or would be) in the store and return a
  :class:`Report`. The shapes run in pySHACL on an rdflib graph built from the
  store's quads (rdflib is the validation tool; it never answers queries); the
  violation queries of ``ontology/violations/`` run on the store itself.
* :func:`check_files` — the gate in front of every write: parse each file
  (errors name file, line and column), refuse ``pg:`` terms the vocabulary
  does not have, typed resources without a label, and literals that are not
  valid for their datatype, then run :func:`validate`. Raises
  :class:`~graph.errors.ValidationError` carrying the report.

Ill-typed literals need their own check: pyoxigraph and rdflib both accept
``"2021-13-45"^^xsd:date`` without a word, and SHACL's ``sh:datatype`` only
sees the datatype IRI in pySHACL unless the shape asks for it.

The report is read by planners first: Japanese, then English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox

from .errors import ValidationError
from .rdfio import literal_ok, parse_quads
from .results import compact_iri, printable
from .settings import DEFAULT_BASE_IRI, ONTOLOGY_DIR
from .store import EmbeddedStore, Store
from .sources import data_files, graph_iri_for_file, ontology_files, rdf_format
from .vocab import CLASSES, PG_NS, PREFIXES, PROPERTIES, RDF, RDFS, SH, SKOS, TERMS, XSD

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
VIOLATIONS_DIR = ONTOLOGY_DIR / "violations"
_DISPLAY_PREFIXES = {**PREFIXES, "id": DEFAULT_BASE_IRI}


@dataclass
class Result:
    """One problem: where (focus node, path, file position), what (ja/en), how bad, found by what."""

    focus: str
    message_ja: str
    message_en: str
    severity: str = "Violation"
    source: str = ""
    path: str | None = None
    value: str | None = None
    location: str | None = None  # "file:line:column" for problems found in files

    def text(self) -> str:
        """The result as report lines: where, the Japanese message, the English one, what found it."""
        head = f"{self.location}: " if self.location else ""
        head += _show(self.focus) + (f" — {_show(self.path)}" if self.path else "")
        lines = [head, f"   {self.message_ja}", f"   {self.message_en}"]
        extra = [f"値 value: {self.value}"] if self.value else []
        if self.source:
            extra.append(f"検出 found by: {_show(self.source)}")
        if extra:
            lines.append("   (" + "; ".join(extra) + ")")
        # Values and messages can quote the data: no terminal escapes, one line each.
        return "\n".join(("   " if i else "") + printable(line) for i, line in enumerate(lines))


@dataclass
class Report:
    """A validation report. ``conforms`` follows SHACL: true only when there is no result at all."""

    results: list[Result] = field(default_factory=list)
    checked: str = ""

    @property
    def conforms(self) -> bool:
        """True when nothing was found (SHACL's meaning; there are no warning-level shapes)."""
        return not self.results

    def text(self) -> str:
        """The readable report (Japanese first, English second), as the CLI prints it."""
        if self.conforms:
            return f"検証結果: 適合しています / Validation: conforms{self._checked()}\n"
        n = len(self.results)
        out = [f"検証結果: 適合しません（問題 {n} 件） / Validation: does not conform ({n} problem"
               f"{'s' if n != 1 else ''}){self._checked()}", ""]
        out += [f"{i}. {r.text()}" for i, r in enumerate(self.results, 1)]
        return "\n".join(out) + "\n"

    def _checked(self) -> str:
        return f" — {self.checked}" if self.checked else ""

    def to_dict(self) -> dict:
        """JSON-ready form for the web app."""
        return {"conforms": self.conforms, "results": [r.__dict__ for r in self.results]}


def _show(iri: str | None) -> str:
    if iri is None:
        return ""
    if iri.startswith(("http://", "https://", "urn:")):
        return compact_iri(iri, _DISPLAY_PREFIXES)
    return iri


# --- SHACL (pySHACL over rdflib) -------------------------------------------------

@lru_cache(maxsize=4)
def _rdflib_graph(paths: tuple[Path, ...], stamp: tuple[float, ...]):
    import rdflib  # noqa: PLC0415 (validation only)

    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


def _graph_of(paths: Sequence[Path]):
    paths = tuple(Path(p) for p in paths)
    return _rdflib_graph(paths, tuple(p.stat().st_mtime for p in paths))


def _to_rdflib(triples: Iterable[ox.Triple]):
    import rdflib  # noqa: PLC0415

    g = rdflib.Graph()
    g.parse(data=ox.serialize(set(triples), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def _texts(graph, node, prop) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in graph.objects(node, prop):
        out.setdefault(getattr(o, "language", None) or "", str(o))
    return out


def shacl_results(triples: Iterable[ox.Triple], *, shapes: Path = SHAPES_FILE,
                  focus_nodes: Sequence[str] | None = None) -> list[Result]:
    """Run the SHACL shapes on a set of triples (the union of the data's graphs).

    ``focus_nodes`` limits the check to those nodes, for new data (an import)
    that points at nodes the store already holds and validated.
    """
    import pyshacl  # noqa: PLC0415
    from rdflib import Namespace  # noqa: PLC0415

    sh = Namespace(SH)
    data = _to_rdflib(triples)
    shapes_graph = _graph_of([shapes])
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph, ont_graph=_graph_of(ontology_files()),
        inference="none", advanced=False, allow_warnings=False,
        focus_nodes=list(focus_nodes) if focus_nodes is not None else None)
    out = []
    for r in report.subjects(predicate=None, object=sh.ValidationResult):
        msgs = _texts(report, r, sh.resultMessage)
        path = report.value(r, sh.resultPath)
        value = report.value(r, sh.value)
        severity = report.value(r, sh.resultSeverity)
        out.append(Result(
            focus=str(report.value(r, sh.focusNode)),
            message_ja=msgs.get("ja") or msgs.get("") or msgs.get("en", ""),
            message_en=msgs.get("en") or msgs.get("") or msgs.get("ja", ""),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            source=_shape_name(shapes_graph, report.value(r, sh.sourceShape), sh),
            path=str(path) if _is_iri(path) else None,  # complex paths are blank nodes: omitted
            value=None if value is None else _show_value(value),
        ))
    return sorted(out, key=lambda r: (r.focus, r.path or "", r.message_en))


def _shape_name(shapes_graph, shape, sh) -> str:
    """The shape's IRI; for an anonymous property shape, the node shape that holds it."""
    for _ in range(5):
        if shape is None or _is_iri(shape):
            return str(shape or "")
        shape = shapes_graph.value(predicate=sh.property, object=shape) or \
            shapes_graph.value(predicate=sh.sparql, object=shape)
    return ""


def _show_value(term) -> str:
    if _is_iri(term):
        return str(term)
    lang, dtype = getattr(term, "language", None), getattr(term, "datatype", None)
    if lang:
        return f'"{term}"@{lang}'
    if dtype is not None and str(dtype) != XSD + "string":
        return f'"{term}"^^{compact_iri(str(dtype))}'
    return f'"{term}"' if hasattr(term, "language") else str(term)


def _is_iri(term) -> bool:
    from rdflib import URIRef  # noqa: PLC0415

    return isinstance(term, URIRef)


# --- SPARQL violation queries (pyoxigraph) ------------------------------------------

def violation_queries() -> list[Path]:
    """The ``ontology/violations/*-violation.rq`` files; each must return no rows on good data."""
    return sorted(VIOLATIONS_DIR.glob("*-violation.rq"))


def violation_results(store: Store) -> list[Result]:
    """Run every violation query on the store; each row is a problem (focus, message_ja, message_en)."""
    out = []
    for q in violation_queries():
        res = store.query(q.read_text(encoding="utf-8"))
        for row in res.dicts():
            focus = row.get("focus")
            out.append(Result(
                focus=focus.value if focus is not None else "",
                message_ja=row["message_ja"].value if "message_ja" in row else q.stem,
                message_en=row["message_en"].value if "message_en" in row else q.stem,
                source=f"ontology/violations/{q.name}",
                path=row["path"].value if "path" in row else None,
                value=str(row["value"]) if "value" in row else None,
            ))
    return out


# --- validate ------------------------------------------------------------------

def _ontology_graphs(store: Store, base_iri: str) -> set[str]:
    return {graph_iri_for_file(p, base_iri) for p in ontology_files()}


def validate(store_or_paths: Store | Sequence[str | Path], *, shapes: Path = SHAPES_FILE,
             base_iri: str = DEFAULT_BASE_IRI) -> Report:
    """Validate a store (or RDF files, loaded with the ontology into a scratch store).

    The data graph for SHACL is the union of every graph except the
    ontology's own (pySHACL mixes the ontology in as ``ont_graph``).
    """
    if isinstance(store_or_paths, Store):
        store = store_or_paths
        base_iri = getattr(store, "base_iri", base_iri)
    else:
        store = _scratch_store(data_files(Path(p) for p in store_or_paths), base_iri)
    skip = _ontology_graphs(store, base_iri)
    triples = {q.triple for g in store.graphs() if g not in skip for q in store.quads(g)}
    results = shacl_results(triples, shapes=shapes) + violation_results(store)
    return Report(results, checked=f"{len(triples)} トリプル / triples")


def _scratch_store(files: Sequence[Path], base_iri: str) -> EmbeddedStore:
    store = EmbeddedStore(base_iri=base_iri)
    for f in ontology_files() + list(files):
        store.load_file(f, base_iri=base_iri)
    return store


# --- check_files: the gate before a write ------------------------------------------

def _locate(text: str, needles: Sequence[str], source: str) -> str:
    """``file:line:column`` of the first needle found outside ``#`` comment lines (else just the file)."""
    lines = text.split("\n")
    for n in needles:
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#"):
                continue
            i = line.find(n)
            if i >= 0:
                return f"{source}:{number}:{i + 1}"
    return source


def _pg_needles(iri: str) -> list[str]:
    local = iri[len(PG_NS):]
    return [f"pg:{local}", f"<{iri}>", f"ontology#{local}"]


_LABELS = {RDFS + "label", SKOS + "prefLabel"}
_TERMS = set(TERMS)
_CLASSES = set(CLASSES)
_PROPERTIES = set(PROPERTIES)


def _file_checks(path: Path, quads: list[ox.Quad], labelled: set, text: str) -> list[Result]:
    src = str(path)
    out: list[Result] = []
    seen: set[tuple[str, str]] = set()

    def add(key: tuple[str, str], result: Result) -> None:
        if key not in seen:
            seen.add(key)
            out.append(result)

    for q in quads:
        p, o = q.predicate.value, q.object
        for term in (q.subject, q.predicate, o):
            if isinstance(term, ox.NamedNode) and term.value.startswith(PG_NS):
                local = term.value[len(PG_NS):]
                if local not in _TERMS:
                    kind_ja, kind_en = (("クラス", "class") if p == RDF + "type" and term is o
                                        else ("語", "term"))
                    add(("term", term.value), Result(
                        getattr(q.subject, "value", ""), f"pg:{local} は PlanGraph の語彙にない{kind_ja}です",
                        f"pg:{local} is not a PlanGraph {kind_en} (see src/graph/vocab.py)",
                        source="check:vocabulary", location=_locate(text, _pg_needles(term.value), src)))
                elif p == RDF + "type" and term is o and local not in _CLASSES:
                    add(("term", term.value), Result(
                        q.subject.value, f"pg:{local} はクラスではありません", f"pg:{local} is not a class",
                        source="check:vocabulary", location=_locate(text, _pg_needles(term.value), src)))
                elif term is q.predicate and local not in _PROPERTIES:
                    add(("term", term.value), Result(
                        q.subject.value, f"pg:{local} はプロパティではありません", f"pg:{local} is not a property",
                        source="check:vocabulary", location=_locate(text, _pg_needles(term.value), src)))
        if isinstance(o, ox.Literal) and not literal_ok(o):
            dtype = compact_iri(o.datatype.value)
            add(("literal", f"{q.subject}{p}{o}"), Result(
                getattr(q.subject, "value", str(q.subject)),
                f"\"{o.value}\" は {dtype} として正しい値ではありません",
                f"\"{o.value}\" is not a valid {dtype}",
                source="check:datatype", path=p, value=f'"{o.value}"^^{dtype}',
                location=_locate(text, [f'"{o.value}"', o.value], src)))
        if (p == RDF + "type" and isinstance(o, ox.NamedNode) and o.value.startswith(PG_NS)
                and isinstance(q.subject, ox.NamedNode) and q.subject.value not in labelled):
            add(("label", q.subject.value), Result(
                q.subject.value, "ラベル（rdfs:label）がありません", "missing label (rdfs:label)",
                source="check:label", path=RDFS + "label",
                location=_locate(text, [f"<{q.subject.value}>", q.subject.value,
                                        q.subject.value.rsplit("/", 1)[-1]], src)))
    return out


def check_files(paths: Sequence[str | Path], *, base_iri: str = DEFAULT_BASE_IRI,
                shapes: Path = SHAPES_FILE, shacl: bool = True) -> Report:
    """Check RDF files before anything is written; raise ValidationError (or ParseError) if bad.

    Labels may come from any of the files given (a label in ``document.trig``
    serves a resource typed in ``digital-2021.trig``). ``shacl=False`` stops
    after the quick checks (parse, vocabulary, labels, literals) — what
    ``plangraph export`` runs before writing. Returns the conforming report.
    """
    files = data_files(Path(p) for p in paths)
    parsed: list[tuple[Path, list[ox.Quad], str]] = []
    for f in files:
        raw = f.read_bytes()
        parsed.append((f, parse_quads(raw, rdf_format(f), str(f)), raw.decode("utf-8", "replace")))
    labelled = {q.subject.value for _, quads, _ in parsed for q in quads
                if q.predicate.value in _LABELS and isinstance(q.subject, ox.NamedNode)}
    problems = [r for f, quads, text in parsed for r in _file_checks(f, quads, labelled, text)]
    if problems:
        report = Report(problems, checked=", ".join(str(f) for f in files))
        raise ValidationError(_summary(problems), report=report.text())
    if not shacl:
        return Report(checked=", ".join(str(f) for f in files))
    report = validate(files, shapes=shapes, base_iri=base_iri)
    if not report.conforms:
        raise ValidationError(_summary(report.results), report=report.text())
    return report


def _summary(results: Sequence[Result]) -> str:
    """One line for the CLI: the first problem, and how many more."""
    first = results[0]
    where = f"{first.location}: " if first.location else f"{_show(first.focus)}: "
    more = f" (+{len(results) - 1} more)" if len(results) > 1 else ""
    return f"{where}{first.message_en} / {first.message_ja}{more}"
