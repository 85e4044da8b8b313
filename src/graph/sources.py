"""The files a store is loaded from: which ones, in which RDF format, into which named graph.

One definition for every loader and checker (the store, ``plangraph validate``,
``export``, ``push``, the importer), so they all see the same files and name
the same graphs. Nothing here reads RDF; :mod:`graph.rdfio` parses it safely.

>>> rdf_format("plan.trig") == ox.RdfFormat.TRIG
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from .errors import NotFound, ParseError
from .settings import DEFAULT_BASE_IRI, ONTOLOGY_DIR, PROJECT_ROOT, Settings

#: File extension → pyoxigraph format. One table; every loader and exporter uses it.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(name_or_path: str | Path) -> ox.RdfFormat:
    """The pyoxigraph format for a format name or a file name.

    >>> rdf_format("plan.trig") == ox.RdfFormat.TRIG
    True
    """
    key = str(name_or_path).lower()
    if "." in key:
        key = key.rsplit(".", 1)[1]
    try:
        return RDF_FORMATS[key]
    except KeyError:
        raise ParseError(f"unknown RDF format {key!r} (known: {', '.join(sorted(set(RDF_FORMATS)))})",
                         source=str(name_or_path)) from None


def graph_iri_for_file(path: Path, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The named graph that receives a file's default-graph triples.

    Stable across machines: built from the path relative to the project root.

    >>> graph_iri_for_file(PROJECT_ROOT / "data" / "saitama" / "plan.trig")
    'https://w3id.org/plangraph/id/graph/data/saitama/plan.trig'
    """
    path = Path(path).resolve()
    try:
        rel = path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        rel = "file/" + path.name
    return f"{base_iri}graph/{rel}"


def ontology_files() -> list[Path]:
    """The ontology files loaded into every store (not the SHACL shapes)."""
    return sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if "shapes" not in p.name)


def data_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the RDF files under them, in a stable order."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lstrip(".").lower() in RDF_FORMATS))
        elif p.exists():
            out.append(p)
        else:
            raise NotFound(f"{p}: no such file or folder")
    return out


def configured_data_files(settings: Settings) -> list[Path]:
    """The data files the settings name: ``data_paths``, plus ``import_dir`` when it exists.

    One definition for loading (:func:`graph.loading.load_default`) and for checking
    (``plangraph validate``, ``plangraph export``), so both see the same files.
    """
    imports = [Path(settings.import_dir)] if Path(settings.import_dir).is_dir() else []
    return data_files(list(settings.data_paths) + imports)
