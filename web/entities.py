"""Linked Data: every IRI under the base IRI dereferences here.

The data's IRIs start with the base IRI (setting ``base_iri``, by default
``https://w3id.org/plangraph/id/``). This app answers for them under
``/id/``: the request path ``/id/<rest>`` stands for the IRI
``base_iri + rest``, so ``https://w3id.org/plangraph/id/lg/111007`` is served
at ``/id/lg/111007``. (w3id.org redirects its ``/plangraph/id/`` space to a
public deployment; a deployment may also set ``base_iri`` to its own
``https://host/id/``.) Japanese characters in IRIs travel percent-encoded as
UTF-8 in the URL and come back intact.

Browsers get an HTML page (:func:`graph.describe.describe`); programs get the
resource's RDF description by ``Accept`` (Turtle, JSON-LD, RDF/XML,
N-Triples) or by a file extension (``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``),
always with ``Vary: Accept``; TriG and N-Quads (``.trig``, ``.nq``) keep each
statement in its named graph and add those graphs' sources and quotes. Terms outside the base IRI that the store
describes (the ontology's classes and properties) have a page at
``/resource?iri=…``. ``/api/labels`` gives labels for the query page's tables.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from graph.alignment import in_alignment_graph
from graph.describe import describe, describe_rdf
from graph.errors import NotFound
from graph.labels import labels_json

from . import get_settings, get_store
from .i18n import current_lang
from .errors import wants_json

bp = Blueprint("entities", __name__)

#: RDF media type → result format name (graph.results); the first is the default for RDF.
RDF_MEDIA: dict[str, str] = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/n-triples": "ntriples",
}
#: File extension → result format name.
RDF_EXTENSIONS: dict[str, str] = {".ttl": "turtle", ".jsonld": "jsonld", ".rdf": "rdfxml", ".nt": "ntriples"}
#: Quad formats: the statements in their named graphs, with the graphs' sources (provenance).
QUAD_MEDIA: dict[str, str] = {"application/trig": "trig", "application/n-quads": "nquads"}
QUAD_EXTENSIONS: dict[str, str] = {".trig": "trig", ".nq": "nquads"}
MEDIA_TYPES: dict[str, str] = {**{v: k for k, v in RDF_MEDIA.items()}, **{v: k for k, v in QUAD_MEDIA.items()}}
#: Most labels one /api/labels call returns.
MAX_LABEL_IRIS = 500


def local_path(iri: str) -> str | None:
    """The ``/id/…`` path of an IRI under the base IRI, else None."""
    base = get_settings().base_iri
    if iri.startswith(base) and len(iri) > len(base):
        return url_for("entities.entity", rest=iri[len(base):])
    return None


@bp.app_template_global()
def entity_href(iri: str) -> str:
    """Where a link to ``iri`` goes: its local page under /id/, else /resource for the
    ontology's terms, else the IRI itself (an external link)."""
    local = local_path(iri)
    if local:
        return local
    if iri.startswith("https://w3id.org/plangraph/"):
        return url_for("entities.resource", iri=iri)
    return iri


@bp.app_template_global()
def is_external(iri: str) -> bool:
    """True when :func:`entity_href` leaves the app."""
    return not (local_path(iri) or iri.startswith("https://w3id.org/plangraph/"))


@bp.app_template_global()
def in_network_view(iri: str) -> bool:
    """Is ``iri`` a node of the alignment network? (A section, an assertion or a fiscal year
    is not: a link to its network view would open an empty page.) One query from the node,
    not the whole network (four minutes on the whole country)."""
    return in_alignment_graph(get_store(), iri)


@bp.app_template_global()
def network_view_href(iri: str) -> str:
    """The ego network view of a node (helper F's /views/ego)."""
    return "/views/ego?" + urlencode({"node": iri})


def _rdf_response(iri: str, fmt: str) -> Response:
    try:
        body = describe_rdf(get_store(), iri, fmt)
    except NotFound as exc:
        resp = Response(exc.message + "\n", status=404, mimetype="text/plain")
    else:
        resp = Response(body, mimetype=MEDIA_TYPES[fmt])
    resp.vary.add("Accept")
    return resp


def _negotiated_format() -> str | None:
    """The RDF format the client's Accept prefers over HTML, or None for HTML."""
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA, *QUAD_MEDIA], default="text/html")
    return RDF_MEDIA.get(best) or QUAD_MEDIA.get(best)


def _html_response(iri: str) -> Response:
    view = describe(get_store(), iri, current_lang())
    if not view.exists and wants_json():  # a program asked (Accept: application/json): the JSON error shape
        raise NotFound(f"no description of <{iri}> in this dataset")
    if not view.exists:
        resp = Response(render_template("entity_404.html", iri=iri), status=404, mimetype="text/html")
    else:
        rdf_links = [(ext.lstrip("."), _rdf_link(iri, ext)) for ext in {**RDF_EXTENSIONS, **QUAD_EXTENSIONS}]
        resp = Response(render_template("entity.html", view=view, rdf_links=rdf_links), mimetype="text/html")
    resp.vary.add("Accept")
    return resp


def _rdf_link(iri: str, ext: str) -> str:
    local = local_path(iri)
    if local:
        return local + ext
    return url_for("entities.resource", iri=iri, format={**RDF_EXTENSIONS, **QUAD_EXTENSIONS}[ext])


def _serve(iri: str) -> Response:
    fmt = _negotiated_format()
    return _rdf_response(iri, fmt) if fmt else _html_response(iri)


@bp.get("/id/")
def id_root():
    """The base IRI itself: the dataset page describes what lives under it."""
    return redirect(url_for("datasets.dataset"), code=303)


@bp.get("/id/<path:rest>")
def entity(rest: str):
    """Dereference ``base_iri + rest``: HTML or RDF by Accept, or RDF by extension."""
    base = get_settings().base_iri
    if rest == "dataset" or rest.startswith("dataset/"):  # graph.dataset's IRIs: described by /dataset
        return redirect(url_for("datasets.dataset"), code=303)
    for ext, fmt in {**RDF_EXTENSIONS, **QUAD_EXTENSIONS}.items():
        if rest.endswith(ext) and len(rest) > len(ext):
            resp = _rdf_response(base + rest[: -len(ext)], fmt)
            if resp.status_code == 404:  # an IRI that itself ends in ".ttl"
                return _serve(base + rest)
            return resp
    return _serve(base + rest)


@bp.get("/resource")
def resource():
    """A page for any IRI the store describes (ontology terms, laws' e-Gov links…)."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(404)
    local = local_path(iri)
    if local:
        return redirect(local, code=303)
    fmt = request.args.get("format")
    if fmt in MEDIA_TYPES:
        return _rdf_response(iri, fmt)
    return _serve(iri)


@bp.get("/api/labels")
def api_labels():
    """``{"ok": true, "labels": {iri: label}}`` for ``?iri=…&iri=…`` in the page language."""
    iris = request.args.getlist("iri")[:MAX_LABEL_IRIS]
    return jsonify({"ok": True, "lang": current_lang(), "labels": labels_json(get_store(), iris, current_lang())})
