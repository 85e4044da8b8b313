"""Every PlanGraph setting, declared once with its default and help text.

Nothing else in the code base reads environment variables: the CLI and the
web app call :func:`load_settings` once and pass the result down. A test
(``tests/graph/test_settings.py``) checks that README documents every setting.

Each setting can be given as an environment variable ``PLANGRAPH_<NAME>``
(upper case) or, in the web app, through ``create_app(config={...})`` with the
lower-case name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import ConfigError

#: The repository root (``src/graph/settings.py`` → three levels up).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
DATA_DIR = PROJECT_ROOT / "data"

#: Default base IRI of the data (instances). The ontology has its own fixed namespace.
DEFAULT_BASE_IRI = "https://w3id.org/plangraph/id/"


def _paths(value: str | list) -> list[Path]:
    if isinstance(value, (list, tuple)):
        return [Path(v) for v in value]
    return [Path(p) for p in str(value).split(os.pathsep) if p]


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _opt_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str

    @property
    def env(self) -> str:
        return "PLANGRAPH_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", DEFAULT_BASE_IRI,
            "Base IRI of the data's resources. Data files are written with the default "
            "base; a different value rewrites their IRIs when they are loaded."),
    Setting("data_paths", [DATA_DIR / "saitama"],
            "Data files or folders to load (os.pathsep-separated). The ontology is always loaded. "
            "Default: the real Saitama graph only (synthetic samples live in data/sample/).",
            _paths),
    Setting("store_path", None,
            "Folder of an on-disk pyoxigraph store. Empty: an in-memory store built from data_paths.",
            _opt_str),
    Setting("store_url", None,
            "SPARQL query endpoint of an external server (Oxigraph server, Virtuoso). "
            "Empty: the embedded store.", _opt_str),
    Setting("store_update_url", None,
            "SPARQL update endpoint of the external server (default: same as store_url).", _opt_str),
    Setting("store_gsp_url", None,
            "Graph Store Protocol endpoint of the external server, if it has one.", _opt_str),
    Setting("store_user", None, "User name for the external server.", _opt_str),
    Setting("store_password", None, "Password for the external server.", _opt_str),
    Setting("store_auth", "basic", "Authentication scheme for the external server: basic or digest."),
    Setting("query_timeout_ms", 10_000, "Deadline of one query, in milliseconds; also of a SPARQL Update on "
            "the in-memory store (its trial run in a worker).", int),
    Setting("max_rows", 10_000, "Row cap of one query result; a truncated result says so.", int),
    Setting("max_query_length", 20_000, "Longest accepted query text, in characters (longer: 413).", int),
    Setting("query_workers", 2, "Worker processes that run endpoint queries (killed at the deadline).", int),
    Setting("query_memory_mb", 2048,
            "Memory limit of one query worker process in MiB (address space); 0: no limit.", int),
    Setting("cors", True, "Allow cross-origin reads of the query endpoint and the public pages and downloads "
            "(never of updates, the Graph Store or imports).", _bool),
    Setting("update_token", None,
            "Bearer token that enables SPARQL Update, the Graph Store Protocol and imports. "
            "Empty: all writes are disabled.", _opt_str),
    Setting("max_upload_bytes", 5_000_000, "Largest accepted upload, in bytes.", int),
    Setting("max_view_nodes", 2_000, "Node cap of one network view.", int),
    Setting("download_max_document_quads", 1_000_000,
            "Largest dataset, in quads, offered as a JSON-LD or RDF/XML download (each is built whole in "
            "memory); N-Quads, TriG, N-Triples and Turtle downloads stream at any size from the embedded store "
            "(from an external server every format is capped so).", int),
    Setting("download_concurrency", 2,
            "Whole-dataset downloads made at the same time (on a national store each takes minutes and holds "
            "a request thread); more are answered 503 with Retry-After.", int),
    Setting("whole_network_max_municipalities", 10,
            "Most municipalities a store may hold for the network views and reports to draw the whole "
            "store's alignment network when no plan or municipality is chosen; with more they ask for a "
            "municipality first (the whole country's network takes minutes to build).", int),
    Setting("import_dir", DATA_DIR / "imports",
            "Folder where imported action plans are written (Turtle); loaded with the data when it exists.",
            Path),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`load_settings`."""

    base_iri: str = DEFAULT_BASE_IRI
    data_paths: list = field(default_factory=lambda: [DATA_DIR / "saitama"])
    store_path: str | None = None
    store_url: str | None = None
    store_update_url: str | None = None
    store_gsp_url: str | None = None
    store_user: str | None = None
    store_password: str | None = None
    store_auth: str = "basic"
    query_timeout_ms: int = 10_000
    max_rows: int = 10_000
    max_query_length: int = 20_000
    query_workers: int = 2
    query_memory_mb: int = 2048
    cors: bool = True
    update_token: str | None = None
    max_upload_bytes: int = 5_000_000
    max_view_nodes: int = 2_000
    download_max_document_quads: int = 1_000_000
    download_concurrency: int = 2
    whole_network_max_municipalities: int = 10
    import_dir: Path = DATA_DIR / "imports"

    def replace(self, **changes: Any) -> "Settings":
        return load_settings(environ={}, overrides={**self.as_dict(), **changes})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def load_settings(environ: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Resolve settings: declared default < environment < explicit overrides.

    >>> load_settings(environ={"PLANGRAPH_MAX_ROWS": "50"}).max_rows
    50
    >>> load_settings(environ={}, overrides={"cors": "no"}).cors
    False
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw: Any = s.default
        if s.env in environ:
            raw = environ[s.env]
        if overrides and s.name in overrides:
            raw = overrides[s.name]
        try:
            values[s.name] = raw if raw is None else s.parse(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {s.name} ({s.env}): cannot use {raw!r}: {exc}") from None
    unknown = set(overrides or {}) - set(_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    if not values["base_iri"].endswith(("/", "#")):
        raise ConfigError(f"setting base_iri must end with '/' or '#': {values['base_iri']!r}")
    if values["store_auth"] not in {"basic", "digest"}:
        raise ConfigError(f"setting store_auth must be basic or digest, not {values['store_auth']!r}")
    return Settings(**values)
