"""PlanGraph's Flask app: ``create_app(config=None)`` builds it.

Like Flask's tutorial app: settings are resolved once (declared in
:mod:`graph.settings`), the store is opened once and reached through
:func:`get_store`, and each concern is one blueprint. Routes stay thin:
they parse the request, call a ``graph`` function and render.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, current_app

from graph import netguard
from graph.executor import QueryExecutor, open_executor
from graph.settings import Settings, load_settings
from graph.store import Store

#: Blueprints, each one concern, registered in this order. Each module exposes ``bp``.
from graph.loading import open_store
BLUEPRINTS: tuple[str, ...] = ("i18n", "pages", "entities", "datasets", "search", "figures", "imports", "views", "reports",
                              "errors", "security", "sparql")


def create_app(config: Mapping[str, Any] | None = None, *, store: Store | None = None) -> Flask:
    """Build the app. ``config`` holds PlanGraph settings by lower-case name
    (see :mod:`graph.settings`) and Flask keys in upper case; tests pass a
    ready ``store`` built from small fixtures instead of the default data."""
    import importlib

    config = dict(config or {})
    flask_keys = {k: v for k, v in config.items() if k.isupper()}
    settings = load_settings(overrides={k: v for k, v in config.items() if not k.isupper()})

    app = Flask(__name__)
    app.config.update(flask_keys)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.extensions["plangraph.settings"] = settings
    app.extensions["plangraph.store"] = store if store is not None else open_store(settings)
    # Endpoint queries run in killable worker processes (started on first use);
    # outbound connections from this process are refused (graph.netguard).
    netguard.install()
    netguard.allow_store_hosts([settings.store_url, settings.store_update_url, settings.store_gsp_url])
    app.extensions["plangraph.executor"] = open_executor(app.extensions["plangraph.store"], settings)

    for name in BLUEPRINTS:
        module = importlib.import_module(f"web.{name}")
        app.register_blueprint(module.bp)
    return app


def get_store() -> Store:
    """The app's one store."""
    return current_app.extensions["plangraph.store"]


def get_settings() -> Settings:
    """The app's resolved settings."""
    return current_app.extensions["plangraph.settings"]


def get_executor() -> QueryExecutor:
    """The app's query executor: deadline, row cap and sandbox for user-supplied queries."""
    return current_app.extensions["plangraph.executor"]
