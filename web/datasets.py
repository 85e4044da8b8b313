"""The dataset: its VoID + DCAT description and downloads of the whole graph.

``/dataset`` describes the dataset for people (HTML) and for LOD crawlers and
open-data portals (Turtle, JSON-LD, RDF/XML, N-Triples by ``Accept`` or by
``/dataset.ttl`` …), built by :func:`graph.dataset.describe_dataset`. Every
export format of :data:`graph.export.EXPORT_FORMATS` is a download at
``/dataset/plangraph.<extension>`` (and gzipped at ``….<extension>.gz``),
streamed in chunks, with the licence stated beside it and in the description. ``/.well-known/void`` (the VoID spec's well-known location)
redirects here, and the description's own IRI (``{base_iri}dataset``)
dereferences here too. ``/dataset/context.jsonld`` publishes the JSON-LD
context that every JSON-LD answer embeds (so no reader needs to fetch it).
"""

from __future__ import annotations

import json
import threading
from itertools import chain
from typing import Iterator

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from graph.dataset import DESCRIPTION, LICENSE, RIGHTS, TITLE, dataset_statistics_soon, describe_dataset
from graph.errors import NotReady
from graph.export import EXPORT_FORMATS, gzipped, iter_export, published_context, size_limited
from graph.labels import fetch_labels
from graph.results import RESULT_FORMATS, serialize_result
from graph.store import GraphResult

from . import get_settings, get_store
from .entities import RDF_EXTENSIONS, RDF_MEDIA
from .i18n import current_lang

bp = Blueprint("datasets", __name__)

#: Download extension → export format name.
DOWNLOADS: dict[str, str] = {f.extension: f.name for f in EXPORT_FORMATS.values()}


def _description(statistics=None) -> GraphResult:
    """The VoID/DCAT triples, with this app's endpoint and download URLs."""
    dump_urls = {f.name: url_for("datasets.download", ext=f.extension, _external=True)
                 for f in EXPORT_FORMATS.values()}
    triples = describe_dataset(get_store(), base_iri=get_settings().base_iri,
                               endpoint_url=request.url_root + "sparql", dump_urls=dump_urls,
                               statistics=statistics)
    return GraphResult(triples)


def _rdf(fmt: str) -> Response:
    resp = Response(serialize_result(_description(), fmt), mimetype=RESULT_FORMATS[fmt].media_type)
    resp.vary.add("Accept")
    return resp


@bp.get("/dataset")
def dataset():
    """The dataset page, or its VoID/DCAT description as RDF when the client asks for RDF."""
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA], default="text/html")
    if best in RDF_MEDIA:
        return _rdf(RDF_MEDIA[best])
    store = get_store()
    stats = dataset_statistics_soon(store)  # None on a big store until counted: the page says so
    lang = current_lang()
    counts = stats.classes if stats else {}
    book = fetch_labels(store, list(counts))
    classes = sorted(((book.display(c, lang), c, n) for c, n in counts.items()), key=lambda x: -x[2])
    # a format the download would refuse at this size is named without a link (once the counts are known)
    limit = get_settings().download_max_document_quads
    over = stats is not None and limit is not None and sum(stats.graphs.values()) > limit
    downloads = [(f, None if over and size_limited(store, f) else url_for("datasets.download", ext=f.extension))
                 for f in EXPORT_FORMATS.values()]
    description_links = [(ext.lstrip("."), url_for("datasets.dataset_rdf", ext=ext.lstrip(".")))
                         for ext in RDF_EXTENSIONS]
    resp = Response(render_template(
        "dataset.html", title=TITLE[lang], description=DESCRIPTION[lang], rights=RIGHTS[lang], licence=LICENSE,
        stats=stats, classes=classes, downloads=downloads, description_links=description_links,
        endpoint=request.url_root + "sparql", context_url=url_for("datasets.context")), mimetype="text/html")
    resp.vary.add("Accept")
    return resp


@bp.get("/dataset.<ext>")
def dataset_rdf(ext: str):
    """The description as RDF by extension: ``/dataset.ttl``, ``.jsonld``, ``.rdf``, ``.nt``."""
    fmt = RDF_EXTENSIONS.get("." + ext)
    if fmt is None:
        abort(404)
    return _rdf(fmt)


@bp.get("/dataset/context.jsonld")
def context():
    """PlanGraph's published JSON-LD context (the prefixes); exports embed the same object."""
    body = json.dumps(published_context(), ensure_ascii=False, indent=1) + "\n"
    return Response(body, mimetype="application/ld+json")


@bp.record_once
def _download_slots(state) -> None:
    settings = state.app.extensions["plangraph.settings"]
    state.app.extensions["plangraph.download_slots"] = threading.BoundedSemaphore(settings.download_concurrency)


class _InSlot:
    """A download's chunks, holding a download slot until the last chunk is read or the response closed.

    A class, not a generator: the WSGI server calls ``close()`` when the
    response is sent or the client went away, also before the first chunk
    (a generator's ``finally`` would not run then).
    """

    def __init__(self, chunks: Iterator[bytes], slots: threading.BoundedSemaphore):
        self.chunks, self.slots, self.held = chunks, slots, True

    def __iter__(self) -> "_InSlot":
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except BaseException:  # the end, or a failure midway: either way the slot is free again
            self.close()
            raise

    def close(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()


@bp.get("/dataset/plangraph.<ext>")
def download(ext: str):
    """The whole dataset in one export format, as a file download streamed in chunks; ``.gz`` gzipped.

    The first chunk is made before the response starts, so an export that
    cannot be made (JSON-LD of a store too big for it) is an error page, not
    a cut-off file. At most ``download_concurrency`` downloads run at once: on
    a national store one takes minutes and holds a request thread, so more
    would leave no thread for the pages.
    """
    gzip = ext.endswith(".gz")
    name = DOWNLOADS.get(ext.removesuffix(".gz"))
    if name is None:
        abort(404)
    fmt = EXPORT_FORMATS[name]
    slots = current_app.extensions["plangraph.download_slots"]
    if not slots.acquire(blocking=False):
        raise NotReady("データセットのダウンロードが混み合っています。しばらくしてからもう一度お試しください / "
                       "every download slot is busy (whole-dataset downloads take minutes on a big store); "
                       "try again shortly", title="Busy")
    try:
        chunks = iter_export(get_store(), name, max_document_quads=get_settings().download_max_document_quads)
        body: Iterator[bytes] = chain([next(chunks, b"")], chunks)
    except BaseException:
        slots.release()
        raise
    resp = Response(_InSlot(gzipped(body) if gzip else body, slots),
                    mimetype="application/gzip" if gzip else fmt.media_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="plangraph.{ext}"'
    resp.headers["Link"] = f'<{LICENSE}>; rel="license"'
    return resp


@bp.get("/.well-known/void")
def well_known_void():
    """The VoID well-known location → the dataset description."""
    return redirect(url_for("datasets.dataset"), code=303)
