"""CLI commands: one module per command, each exposing a click command named ``command``.

:mod:`graph.cli` lists the modules in ``COMMANDS`` and imports each only when
it is run (or listed by ``--help``), so a slow import (pySHACL, the remote
store) costs only the command that needs it.

Commands reach the settings and the store through :class:`CliContext`
(``@pass_cli``): the group's common options are turned into
:class:`~graph.settings.Settings` once, and the store is opened on first use,
so ``plangraph query --list`` never loads the data.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import click

from ..settings import Settings, load_settings
from ..store import Store
from ..loading import open_store


class CliContext:
    """The settings (built once from the common options) and the store (opened lazily)."""

    def __init__(self, overrides: Mapping[str, Any] | None = None, *, debug: bool = False):
        self.overrides = dict(overrides or {})
        self.debug = debug
        self.settings: Settings = load_settings(overrides=self.overrides)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store the settings describe, loaded (ontology + data) on first use."""
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    @property
    def data_given(self) -> bool:
        """Did the user name the data (``--data``) rather than take the default?"""
        return "data_paths" in self.overrides

    def close(self) -> None:
        """Close the store if it was opened (an on-disk store releases its lock)."""
        if self._store is not None:
            self._store.close()


pass_cli = click.make_pass_decorator(CliContext)


def stdout_bytes(data: bytes | Iterable[bytes]) -> None:
    """Write bytes (or chunks of bytes, as they come) to stdout unchanged.

    RDF and CSV must not be re-encoded by the terminal's locale; a streamed
    export goes out chunk by chunk instead of being held whole.
    """
    out = click.get_binary_stream("stdout")
    for chunk in [data] if isinstance(data, bytes) else data:
        out.write(chunk)
    out.flush()
