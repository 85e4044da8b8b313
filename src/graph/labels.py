"""Labels for people: one place that picks a resource's label in a language.

Plans are labelled ``@ja`` always and ``@en`` where a faithful translation
exists, so every page, table and view asks the same question: "the label in
the chosen language, else Japanese, else English, else any, else a short
form of the IRI". :func:`pick_label` answers it for labels already in hand;
:func:`fetch_labels` reads them from the store for many IRIs at once (one
query, not one per IRI, so a results table of 500 IRIs costs one round trip
to an external server too).

>>> pick_label([("Plan", "en"), ("計画", "ja")], "en")
'Plan'
>>> pick_label([("計画", "ja")], "en")
'計画'
>>> short_iri("https://w3id.org/plangraph/ontology#partOfPlan")
'pg:partOfPlan'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from .queries import get_query
from .store import Store
from .vocab import DCTERMS, ORG, OWL, PG_NS, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, VANN, XSD


#: The languages of the UI; the first is the default.
LANGUAGES: tuple[str, ...] = ("ja", "en")

#: Label properties, best first (a concept's skos:prefLabel beats its rdfs:label).
LABEL_PROPERTIES: tuple[str, ...] = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
NOTATION = PG_NS + "notation"

#: Labels of the standard terms PlanGraph uses that the store does not label itself (the ontology
#: labels pg: terms): every property, class and datatype of the ontology and the data outside pg:
#: (a test checks), so that no page shows "prov:wasInfluencedBy" or "gYearMonth" to a planner.
#: They live here, not in the store: the published dataset says nothing about other vocabularies'
#: terms. Pages keep the IRI on hover (``title``) or behind the link.
BUILTIN_LABELS: dict[str, dict[str, str]] = {
    RDF + "type": {"ja": "種類", "en": "type"},
    RDF + "first": {"ja": "リストの先頭", "en": "first"},
    RDF + "rest": {"ja": "リストの残り", "en": "rest"},
    RDF + "langString": {"ja": "言語タグ付き文字列", "en": "language-tagged string"},
    RDFS + "label": {"ja": "ラベル", "en": "label"},
    RDFS + "comment": {"ja": "説明", "en": "comment"},
    RDFS + "seeAlso": {"ja": "関連情報", "en": "see also"},
    RDFS + "subClassOf": {"ja": "上位クラス", "en": "subclass of"},
    RDFS + "subPropertyOf": {"ja": "上位プロパティ", "en": "subproperty of"},
    RDFS + "domain": {"ja": "定義域", "en": "domain"},
    RDFS + "range": {"ja": "値域", "en": "range"},
    RDFS + "isDefinedBy": {"ja": "定義元", "en": "defined by"},
    RDFS + "Datatype": {"ja": "データ型", "en": "datatype"},
    OWL + "Class": {"ja": "クラス", "en": "class"},
    OWL + "ObjectProperty": {"ja": "オブジェクトプロパティ", "en": "object property"},
    OWL + "DatatypeProperty": {"ja": "データ型プロパティ", "en": "datatype property"},
    OWL + "Ontology": {"ja": "オントロジー", "en": "ontology"},
    OWL + "inverseOf": {"ja": "逆プロパティ", "en": "inverse of"},
    OWL + "unionOf": {"ja": "和集合", "en": "union of"},
    OWL + "versionIRI": {"ja": "版のIRI", "en": "version IRI"},
    OWL + "versionInfo": {"ja": "版", "en": "version"},
    XSD + "string": {"ja": "文字列", "en": "string"},
    XSD + "boolean": {"ja": "真偽値", "en": "true or false"},
    XSD + "integer": {"ja": "整数", "en": "integer"},
    XSD + "decimal": {"ja": "数値", "en": "number"},
    XSD + "date": {"ja": "日付", "en": "date"},
    XSD + "dateTime": {"ja": "日時", "en": "date and time"},
    XSD + "gYear": {"ja": "年", "en": "year"},
    XSD + "gYearMonth": {"ja": "年月", "en": "year and month"},
    XSD + "duration": {"ja": "期間の長さ", "en": "duration"},
    SKOS + "prefLabel": {"ja": "優先ラベル", "en": "preferred label"},
    SKOS + "altLabel": {"ja": "別名", "en": "alternative label"},
    SKOS + "definition": {"ja": "定義", "en": "definition"},
    SKOS + "inScheme": {"ja": "概念体系", "en": "in scheme"},
    SKOS + "Concept": {"ja": "概念", "en": "concept"},
    SKOS + "ConceptScheme": {"ja": "概念体系", "en": "concept scheme"},
    SKOS + "broader": {"ja": "上位概念", "en": "broader concept"},
    SKOS + "related": {"ja": "関連する概念", "en": "related concept"},
    SKOS + "hasTopConcept": {"ja": "最上位の概念", "en": "top concept"},
    SKOS + "topConceptOf": {"ja": "最上位の概念として属する体系", "en": "top concept of"},
    SKOS + "exactMatch": {"ja": "同一の対象", "en": "exact match"},
    SKOS + "closeMatch": {"ja": "近い意味の対象", "en": "close match"},
    SKOS + "relatedMatch": {"ja": "関連する対象", "en": "related match"},
    DCTERMS + "title": {"ja": "タイトル", "en": "title"},
    DCTERMS + "description": {"ja": "説明", "en": "description"},
    DCTERMS + "created": {"ja": "作成日", "en": "created"},
    DCTERMS + "publisher": {"ja": "公開者", "en": "publisher"},
    DCTERMS + "isPartOf": {"ja": "一部を成す対象", "en": "is part of"},
    DCTERMS + "license": {"ja": "ライセンス", "en": "licence"},
    DCTERMS + "source": {"ja": "出典", "en": "source"},
    PROV + "wasInfluencedBy": {"ja": "影響を受けた対象", "en": "influenced by"},
    PROV + "wasDerivedFrom": {"ja": "派生元", "en": "derived from"},
    TIME + "hasXSDDuration": {"ja": "期間の長さ", "en": "duration"},
    ORG + "unitOf": {"ja": "所属する組織", "en": "unit of"},
    VANN + "preferredNamespacePrefix": {"ja": "推奨する接頭辞", "en": "preferred namespace prefix"},
    VANN + "preferredNamespaceUri": {"ja": "推奨する名前空間", "en": "preferred namespace URI"},
    SCHEMA + "url": {"ja": "URL", "en": "URL"},
}


_NUMBER_RUN = re.compile(r"(\d+)")


def notation_key(notation: str | None) -> tuple:
    """A sort key that orders notations as a reader counts them: ``2節`` before ``10節``,
    ``(1)`` before ``(2)``, ``2-2`` before ``2-10``; full-width digits count as digits.

    Text runs and numbers alternate in the key (a text run first, maybe empty), so any
    two keys compare without mixing types: among siblings, numbers come before ``(1)``,
    and those before ``図表1``; no notation sorts last.

    >>> sorted(["10節", "2節", "(2)", "(1)", "2-10", "2-2", "図表2"], key=notation_key)
    ['2-2', '2-10', '2節', '10節', '(1)', '(2)', '図表2']
    >>> notation_key("１-２") == notation_key("1-2"), notation_key(None) > notation_key("図表9")
    (True, True)
    """
    if not notation:
        return ((1,),)
    parts = _NUMBER_RUN.split(unicodedata.normalize("NFKC", notation))
    return ((0,), *((text, int(number)) for text, number in zip(parts[0::2], parts[1::2] + ["-1"])))


def internal_query(name: str) -> str:
    """The text of an internal query file ``queries/_<name>.rq``.

    Internal queries start with ``_`` so the named-query list (graph.queries)
    can hide them; they are files like every other query so that the CLI,
    the pages and the tests read the same SPARQL.
    """
    return get_query("_" + name).text


def short_iri(iri: str) -> str:
    """A compact form for display when nothing labels an IRI: ``pg:Plan``, else the last segment."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")) and len(iri) > len(ns):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail or iri


def pick_label(labels: Iterable[tuple[str, str]], lang: str) -> str | None:
    """The best label among ``(text, language)`` pairs for ``lang``.

    Order: the chosen language, then the other UI languages in
    :data:`LANGUAGES` order, then untagged, then anything. ``None`` if empty.

    >>> pick_label([("x", ""), ("y", "en")], "ja")
    'y'
    >>> pick_label([], "ja") is None
    True
    """
    labels = list(labels)
    if not labels:
        return None
    order = [lang] + [x for x in LANGUAGES if x != lang] + [""]

    def rank(item: tuple[str, str]) -> int:
        tag = (item[1] or "").lower().split("-")[0]
        return order.index(tag) if tag in order else len(order)

    return min(labels, key=rank)[0]


class LabelBook:
    """Labels and notations of many IRIs, gathered by :func:`fetch_labels`."""

    def __init__(self) -> None:
        self._labels: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.notations: dict[str, str] = {}

    def add(self, iri: str, prop: str, text: str, lang: str) -> None:
        if prop == NOTATION:
            self.notations.setdefault(iri, text)
        else:
            self._labels.setdefault(iri, {}).setdefault(prop, []).append((text, lang))

    def label(self, iri: str, lang: str) -> str | None:
        """The stored label in ``lang`` with fallback; built-in labels for standard terms."""
        by_prop = self._labels.get(iri, {})
        for prop in LABEL_PROPERTIES:
            if prop in by_prop:
                return pick_label(by_prop[prop], lang)
        builtin = BUILTIN_LABELS.get(iri)
        return pick_label(((v, k) for k, v in builtin.items()), lang) if builtin else None

    def display(self, iri: str, lang: str) -> str:
        """What to show for an IRI: its label, else a short form of the IRI."""
        return self.label(iri, lang) or short_iri(iri)

    def all_labels(self, iri: str) -> list[tuple[str, str]]:
        """Every label of ``iri`` (text, language) across the label properties."""
        return [pair for prop in LABEL_PROPERTIES for pair in self._labels.get(iri, {}).get(prop, [])]


def _valid_iris(iris: Iterable[str]) -> list[ox.NamedNode]:
    out, seen = [], set()
    for iri in iris:
        if iri in seen:
            continue
        seen.add(iri)
        try:
            out.append(ox.NamedNode(iri))  # validates: no '>' or spaces can reach the query text
        except ValueError:
            continue
    return out


def fetch_labels(store: Store, iris: Iterable[str], *, chunk: int = 400) -> LabelBook:
    """Read the labels and notations of ``iris`` from ``store`` into a :class:`LabelBook`.

    >>> from graph.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load_data('<https://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "計画"@ja .', format="nt")
    >>> fetch_labels(s, ["https://ex.org/a"]).display("https://ex.org/a", "en")
    '計画'
    """
    book = LabelBook()
    for s, p, label in rows_for_iris(store, internal_query("labels"), iris, chunk=chunk):
        if isinstance(label, ox.Literal):
            book.add(s.value, p.value, label.value, label.language or "")
    return book


def rows_for_iris(store: Store, template: str, iris: Iterable[str], *, var: str = "s",
                  chunk: int = 400) -> Iterator[tuple]:
    """The rows of ``template`` with its empty ``VALUES ?var { }`` filled with ``iris``, a chunk at a time.

    Why text and not substitutions: the internal queries start from the IRIs in a
    ``VALUES`` (Oxigraph plans the walk from there), and a chunk of 400 is one
    query instead of 400. Only valid IRIs are written (:class:`pyoxigraph.NamedNode`
    refuses ``>`` or spaces), so nothing can change the query's structure.
    """
    nodes = _valid_iris(iris)
    empty = f"VALUES ?{var} {{ }}"
    for start in range(0, len(nodes), chunk):
        values = " ".join(str(n) for n in nodes[start:start + chunk])
        yield from store.query(template.replace(empty, f"VALUES ?{var} {{ {values} }}", 1)).rows


def labels_json(store: Store, iris: Sequence[str], lang: str) -> Mapping[str, str]:
    """``{iri: label}`` for the IRIs that have a label (the query page's label look-up)."""
    book = fetch_labels(store, iris)
    return {iri: lab for iri in iris if (lab := book.label(iri, lang))}
