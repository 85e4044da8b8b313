"""A VoID + DCAT description of the dataset: what is in it, under which licence, where to get it.

Open-data portals (CKAN, the national 自治体標準オープンデータ catalogues)
and LOD crawlers read DCAT and VoID; the web app's dataset page and
``plangraph export --void`` both serve the triples built here.

Licence: the RDF is the PlanGraph project's *description* of the plans and
is offered under CC BY 4.0; the source text of each plan belongs to its
municipality (Chapter 1 of さいたま市行政デジタル化計画 to Saitama City) — the
description says both, in Japanese and English.

>>> from graph.store import EmbeddedStore
>>> s = EmbeddedStore()
>>> s.load_data('<https://w3id.org/plangraph/id/a> a <https://w3id.org/plangraph/ontology#Plan> .',
...             format="ttl", graph="https://w3id.org/plangraph/id/graph/g")
>>> stats = dataset_statistics(s)
>>> stats.triples, stats.graphs, stats.classes
(1, {'https://w3id.org/plangraph/id/graph/g': 1}, {'https://w3id.org/plangraph/ontology#Plan': 1})
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Mapping

import pyoxigraph as ox

from .export import EXPORT_FORMATS
from .labels import rows_for_iris
from .memo import memo, memo_soon
from .queries import get_query
from .settings import DEFAULT_BASE_IRI
from .store import Store
from .vocab import DCAT, DCTERMS, ONTOLOGY_IRI, PG_NS, PREFIXES, RDF, RDFS, SD, VOID, XSD

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = {"ja": "PlanGraph 自治体計画ナレッジグラフ", "en": "PlanGraph knowledge graph of municipal plans"}
DESCRIPTION = {
    "ja": "自治体の計画（基本理念・基本方針・施策・上位計画の目標・根拠法令・計画期間）と、その出典（章・節・図表）を "
          "RDF で記述したデータセット。",
    "en": "Municipal plans (philosophy, basic policies, measures, upper-plan goals, legal basis, plan periods) "
          "described in RDF, each statement with its source section or figure.",
}
RIGHTS = {
    "ja": "この RDF は PlanGraph プロジェクトによる計画の記述であり、CC BY 4.0 で提供します。"
          "引用した計画本文の著作権は各自治体（さいたま市行政デジタル化計画はさいたま市）に帰属します。",
    "en": "This RDF is the PlanGraph project's description of the plans, offered under CC BY 4.0. "
          "The quoted plan text belongs to each municipality (the Administrative Digitalization Plan to "
          "Saitama City).",
}
KEYWORDS = {"ja": ("自治体計画", "行政計画", "計画間の整合性", "リンクトデータ"),
            "en": ("municipal plans", "government planning", "plan alignment", "Linked Data")}
_IANA = "https://www.iana.org/assignments/media-types/"
_LANGUAGES = ("http://id.loc.gov/vocabulary/iso639-1/ja", "http://id.loc.gov/vocabulary/iso639-1/en")


@dataclass
class DatasetStatistics:
    """Counts that VoID states: distinct triples of the union, triples per graph, entities per class."""

    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]
    vocabularies: list[str]


def _int(term) -> int:
    return int(term.value) if term is not None else 0


def triple_count(store: Store) -> int:
    """Distinct triples over all graphs — the number the dataset page and VoID give
    (``len(store)`` counts quads: a triple stated in two assertion graphs twice).

    Counted once per version of the store (:mod:`graph.memo`): about 30 s on the whole
    country, and the home page shows it."""
    return memo(store, "dataset.triple_count", _triples)


def _triples(store: Store) -> int:
    """Distinct triples, summed per predicate (a triple has one predicate, so nothing is counted twice)."""
    template = get_query("_dataset-triples").text
    predicates = [p.value for (p,) in store.query(get_query("_dataset-predicates").text).rows
                  if isinstance(p, ox.NamedNode)]
    return sum(_int(n) for p in predicates for (n,) in rows_for_iris(store, template, [p], var="p"))


#: How long a page waits for a whole-store count before it shows "counting" instead (seconds).
PAGE_WAIT_S = 0.3


def triple_count_soon(store: Store) -> int | None:
    """:func:`triple_count` if it is known within :data:`PAGE_WAIT_S`, else None (still being counted)."""
    return memo_soon(store, "dataset.triple_count", _triples, wait_s=PAGE_WAIT_S)


def dataset_statistics_soon(store: Store) -> DatasetStatistics | None:
    """:func:`dataset_statistics` if known within :data:`PAGE_WAIT_S`, else None (still being counted)."""
    return memo_soon(store, "dataset.statistics", _count, wait_s=PAGE_WAIT_S)


def dataset_statistics(store: Store) -> DatasetStatistics:
    """Count the store through SPARQL, so it works on the embedded and a remote store alike.

    Once per version of the store (:mod:`graph.memo`): the counts read every triple.
    """
    return memo(store, "dataset.statistics", _count)


def _count(store: Store) -> DatasetStatistics:
    per_graph, per_class, terms = (store.query(get_query(f"_dataset-{name}").text)
                                   for name in ("graphs", "classes", "terms"))
    used = {row[0].value for row in terms.rows if isinstance(row[0], ox.NamedNode)}
    vocabularies = sorted({(ONTOLOGY_IRI if ns == PG_NS else ns)
                           for ns in PREFIXES.values() if any(t.startswith(ns) for t in used)})
    return DatasetStatistics(
        triples=triple_count(store),  # remembered on its own: the home page shows it
        graphs={r[0].value: _int(r[1]) for r in per_graph.rows if isinstance(r[0], ox.NamedNode)},
        classes={r[0].value: _int(r[1]) for r in per_class.rows if isinstance(r[0], ox.NamedNode)},
        vocabularies=vocabularies,
    )


def _key(iri: str) -> str:
    """A short stable key for minting sub-resource IRIs (``pg-Plan``, else a hash)."""
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and local.replace("_", "").replace("-", "").isalnum():
            return f"{prefix}-{local}"
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


def describe_dataset(
    store: Store,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    endpoint_url: str | None = None,
    dump_base_url: str | None = None,
    dump_urls: Mapping[str, str] | None = None,
    modified: dt.date | None = None,
    statistics: DatasetStatistics | None = None,
) -> list[ox.Triple]:
    """The VoID + DCAT triples describing the store's dataset.

    ``endpoint_url`` becomes void:sparqlEndpoint (and a dcat:DataService);
    each export format becomes a dcat:Distribution and a void:dataDump, at
    ``dump_urls[format]`` or ``{dump_base_url}plangraph.{extension}``
    (formats with neither get no download URL). ``modified`` defaults to today (UTC).
    """
    stats = statistics or dataset_statistics(store)
    ds_iri = f"{base_iri}dataset"
    ds = ox.NamedNode(ds_iri)
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(v: str) -> ox.NamedNode:
        return ox.NamedNode(v)

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=iri(XSD + "integer"))

    add(ds, RDF + "type", iri(VOID + "Dataset"))
    add(ds, RDF + "type", iri(DCAT + "Dataset"))
    for lang in ("ja", "en"):
        add(ds, DCTERMS + "title", ox.Literal(TITLE[lang], language=lang))
        add(ds, RDFS + "label", ox.Literal(TITLE[lang], language=lang))
        add(ds, DCTERMS + "description", ox.Literal(DESCRIPTION[lang], language=lang))
        add(ds, DCTERMS + "rights", ox.Literal(RIGHTS[lang], language=lang))
        for word in KEYWORDS[lang]:
            add(ds, DCAT + "keyword", ox.Literal(word, language=lang))
    for language in _LANGUAGES:
        add(ds, DCTERMS + "language", iri(language))
    add(ds, DCTERMS + "license", iri(LICENSE))
    add(ds, DCTERMS + "modified",
        ox.Literal((modified or dt.datetime.now(dt.timezone.utc).date()).isoformat(), datatype=iri(XSD + "date")))
    add(ds, VOID + "uriSpace", ox.Literal(base_iri))
    add(ds, VOID + "triples", integer(stats.triples))
    add(ds, VOID + "classes", integer(len(stats.classes)))
    for v in stats.vocabularies:
        add(ds, VOID + "vocabulary", iri(v))

    for g, n in sorted(stats.graphs.items()):
        sub = iri(f"{ds_iri}/graph/{_key(g)}")
        add(ds, VOID + "subset", sub)
        add(sub, RDF + "type", iri(VOID + "Dataset"))
        add(sub, SD + "name", iri(g))
        add(sub, VOID + "triples", integer(n))

    for c, n in sorted(stats.classes.items()):
        part = iri(f"{ds_iri}/class/{_key(c)}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", iri(c))
        add(part, VOID + "entities", integer(n))

    if endpoint_url:
        add(ds, VOID + "sparqlEndpoint", iri(endpoint_url))
        service = iri(f"{ds_iri}/service/sparql")
        add(service, RDF + "type", iri(DCAT + "DataService"))
        add(service, DCAT + "endpointURL", iri(endpoint_url))
        add(service, DCAT + "servesDataset", ds)
        add(service, DCTERMS + "conformsTo", iri("https://www.w3.org/TR/sparql11-protocol/"))
        add(service, DCTERMS + "title", ox.Literal("SPARQL エンドポイント", language="ja"))
        add(service, DCTERMS + "title", ox.Literal("SPARQL endpoint", language="en"))

    for f in EXPORT_FORMATS.values():
        url = (dump_urls or {}).get(f.name) or (f"{dump_base_url}plangraph.{f.extension}" if dump_base_url else None)
        dist = iri(f"{ds_iri}/distribution/{f.name}")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", iri(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", ox.Literal(f.rdf_format.name))
        add(dist, DCAT + "mediaType", iri(_IANA + f.media_type))
        add(dist, DCTERMS + "license", iri(LICENSE))
        if url:
            add(dist, DCAT + "downloadURL", iri(url))
            add(dist, DCAT + "accessURL", iri(url))
            add(ds, VOID + "dataDump", iri(url))
            # the same file gzipped (graph.export.gzipped), a distribution of its own
            gz = iri(f"{ds_iri}/distribution/{f.name}-gzip")
            add(ds, DCAT + "distribution", gz)
            add(gz, RDF + "type", iri(DCAT + "Distribution"))
            add(gz, DCTERMS + "title", ox.Literal(f"{f.rdf_format.name} (gzip)"))
            add(gz, DCAT + "mediaType", iri(_IANA + f.media_type))
            add(gz, DCAT + "compressFormat", iri(_IANA + "application/gzip"))
            add(gz, DCTERMS + "license", iri(LICENSE))
            add(gz, DCAT + "downloadURL", iri(url + ".gz"))
            add(gz, DCAT + "accessURL", iri(url + ".gz"))
    return out


def describe_dataset_bytes(store: Store, format: str = "turtle", **kwargs) -> bytes:
    """:func:`describe_dataset` serialized (``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``)."""
    from .export import EXPORT_FORMATS as formats  # noqa: PLC0415

    fmt = formats[format]
    ds = f"{kwargs.get('base_iri', DEFAULT_BASE_IRI)}dataset"
    # The dataset first, then its parts, each subject's triples together (Turtle groups adjacent ones).
    triples = sorted(describe_dataset(store, **kwargs),
                     key=lambda t: (t.subject.value != ds, t.subject.value, t.predicate.value != RDF + "type"))
    if fmt.quads:
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], format=fmt.rdf_format,
                            prefixes={**PREFIXES, "sd": SD})
    return ox.serialize(triples, format=fmt.rdf_format, prefixes={**PREFIXES, "sd": SD})
