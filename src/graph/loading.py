"""How the configured store comes to be: opened (in memory, on disk, or on a server) and loaded.

The app factory and every CLI command call :func:`open_store` once with the
settings; what to load is :mod:`graph.sources`, how a store holds it is
:mod:`graph.store`. Kept apart from the store so that the store stays one
interface and its embedded implementation.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from .settings import Settings
from .sources import configured_data_files, graph_iri_for_file, ontology_files, rdf_format
from .store import EmbeddedStore, Store


def open_store(settings: Settings) -> Store:
    """Build the store the settings ask for, loaded and ready.

    An external server when ``store_url`` is set; else an on-disk pyoxigraph
    store at ``store_path`` (loaded from ``data_paths`` only when empty); else
    an in-memory store loaded from the ontology and ``data_paths``. When that
    first load fails (a bad file), the on-disk store is left empty, so the next
    run loads again and reports the same error.
    """
    if settings.store_url:
        from .remote import RemoteStore  # noqa: PLC0415 (optional backend)

        return RemoteStore.from_settings(settings)
    store = EmbeddedStore(settings.store_path, base_iri=settings.base_iri)
    if settings.store_path is None or store.is_empty():
        try:
            load_default(store, settings)
        except BaseException:
            # Files loaded before the bad one would stay on disk, and the next
            # run would take the half-filled store for a loaded one: empty it.
            if settings.store_path is not None:
                store.update("DROP ALL")
                store.flush()
            raise
    return store


#: Files at least this big are streamed into an on-disk store with pyoxigraph's
#: bulk loader (no transaction, constant memory) instead of one in-memory transaction.
BULK_LOAD_BYTES = 64 * 1024 * 1024
_STREAMABLE = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG}


def load_default(store: Store, settings: Settings) -> None:
    """Load the ontology and the configured data files into ``store``.

    Each file is one transaction (a bad file adds nothing and raises a
    ParseError naming file, line and column). Big N-Triples/N-Quads/Turtle/TriG
    files going into an on-disk store are streamed with the bulk loader so
    that a million-triple file does not have to fit in memory twice.
    """
    for f in ontology_files() + configured_data_files(settings):
        if (isinstance(store, EmbeddedStore) and store.path is not None and store._rewrite is None
                and rdf_format(f) in _STREAMABLE and os.path.getsize(f) >= BULK_LOAD_BYTES):
            store.bulk_load_file(f, graph=graph_iri_for_file(f, settings.base_iri))
        else:
            store.load_file(f, base_iri=settings.base_iri)
    if isinstance(store, EmbeddedStore):
        store.flush()
