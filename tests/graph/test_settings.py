"""Settings: declared once, documented in README, resolved default < environment < override."""

from __future__ import annotations

import os
import re
from dataclasses import fields
from pathlib import Path

import pytest

from graph.errors import ConfigError
from graph.settings import DEFAULT_BASE_IRI, SETTINGS, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme_settings_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings"):]
    documented = set(re.findall(r"^\| `(PLANGRAPH_[A-Z_]+)` \|", table, flags=re.M))
    declared = {s.env for s in SETTINGS}
    assert declared - documented == set(), "settings missing from README"
    assert documented - declared == set(), "README documents settings that do not exist"


def test_settings_dataclass_and_declarations_agree():
    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    defaults = load_settings(environ={})
    for s in SETTINGS:
        assert getattr(defaults, s.name) == (s.parse(s.default) if s.default is not None else None), s.name
        assert s.help.strip(), s.name


def test_precedence_default_then_environment_then_override():
    assert load_settings(environ={}).max_rows == 10_000
    assert load_settings(environ={"PLANGRAPH_MAX_ROWS": "50"}).max_rows == 50
    assert load_settings(environ={"PLANGRAPH_MAX_ROWS": "50"}, overrides={"max_rows": 7}).max_rows == 7


def test_values_are_parsed():
    s = load_settings(environ={"PLANGRAPH_CORS": "off", "PLANGRAPH_DATA_PATHS": os.pathsep.join(["a", "b/c"]),
                               "PLANGRAPH_STORE_PATH": ""})
    assert s.cors is False
    assert s.data_paths == [Path("a"), Path("b/c")]
    assert s.store_path is None


@pytest.mark.parametrize("environ,overrides,words", [
    ({"PLANGRAPH_MAX_ROWS": "lots"}, None, "PLANGRAPH_MAX_ROWS"),
    ({"PLANGRAPH_CORS": "maybe"}, None, "not a boolean"),
    ({}, {"base_iri": "https://example.jp/id"}, "must end with"),
    ({}, {"store_auth": "kerberos"}, "basic or digest"),
    ({}, {"no_such_setting": 1}, "unknown setting"),
])
def test_bad_values_are_config_errors(environ, overrides, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(environ=environ, overrides=overrides)


def test_replace_keeps_the_other_values():
    s = load_settings(environ={"PLANGRAPH_MAX_ROWS": "50"})
    t = s.replace(base_iri="https://example.jp/id/")
    assert (t.max_rows, t.base_iri) == (50, "https://example.jp/id/")
    assert s.base_iri == DEFAULT_BASE_IRI
