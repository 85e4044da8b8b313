"""Named SPARQL queries: the planners' questions as ``.rq`` files, listed, bound and run.

Each ``*.rq`` file beside this module is one question. The query page, the
``/queries/<name>`` API, the CLI (``plangraph query NAME``), the benchmark and
the tests all use these same files, so a question is written once.

A file starts with a comment header, then its PREFIX lines and the query, so
that it runs unchanged in any SPARQL client::

    # title: 計画が踏まえる上位計画
    # title@en: Upper plans a plan draws on
    # description: 計画が上位計画として位置付ける計画と、その狙い。
    # description@en: The plans a plan names as its upper plans, with their aims.
    # param: plan | iri | default=https://w3id.org/plangraph/id/lg/111007/plan/digital-2021 | 計画 | Plan
    PREFIX pg: <https://w3id.org/plangraph/ontology#>
    SELECT ?plan ?upper WHERE { ?plan pg:upperPlan ?upper }

``param`` fields: name | kind | ``required``, ``optional`` or ``default=VALUE``
| label (ja) | label (en) | example (optional). Kinds: see :data:`KINDS`.

Parameters are bound with pyoxigraph's SEP-0007 substitutions (a remote store
injects a ``VALUES`` clause instead); the query text is never edited, so a
value cannot change the query. Two rules make both bindings give the same
answer, and the tests check them on every file: a parameter variable is in the
SELECT projection (pyoxigraph requires it) and is never assigned by ``BIND``.
An optional parameter left empty stays unbound: the query then answers for
every value of that variable.

>>> q = get_query("upper-plans")
>>> q.parameters[0].name, q.parameters[0].kind
('plan', 'iri')
>>> bind(q, {"plan": "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"})["plan"].value
'https://w3id.org/plangraph/id/lg/111007/plan/digital-2021'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from ..errors import ParameterError, QuerySyntaxError, UnknownQuery
from ..fiscal import parse_fiscal_year
from ..settings import DEFAULT_BASE_IRI
from ..store import QueryResult, Store, Term
from ..vocab import XSD

#: The folder of the ``.rq`` files.
QUERY_DIR = Path(__file__).resolve().parent

#: Parameter kinds and what a value must look like.
KINDS: dict[str, str] = {
    "iri": "an absolute IRI (https://…)",
    "string": "text",
    "integer": "a whole number",
    "fiscal_year": "a fiscal year: 2021, 2021年度, FY2021 or 令和3年度 (from 1 April of that year)",
    "date": "a date YYYY-MM-DD",
    "lang": "a language tag (ja, en)",
}

_HEADER_KEYS = {"title", "title@ja", "title@en", "description", "description@ja", "description@en", "param"}
_KEY_ALIASES = {"title@ja": "title", "title_ja": "title", "title_en": "title@en",
                "description@ja": "description", "description_ja": "description",
                "description_en": "description@en"}
#: ``# key: value``; a comment line that does not start with a word and a colon is free text.
_HEADER_LINE = re.compile(r"^#\s*([A-Za-z][A-Za-z_@]*)\s*:\s*(.*?)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")  # no path separators
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_FORBIDDEN = set(' <>"{}|^`\\')
_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_MAX_STRING = 1000


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query: the SPARQL variable of the same name."""

    name: str
    kind: str
    label_ja: str
    label_en: str
    required: bool = False
    default: str | None = None
    example: str | None = None

    def label(self, lang: str = "ja") -> str:
        return self.label_en if lang == "en" else self.label_ja


@dataclass
class NamedQuery:
    """A planner's question: its titles, description, parameters and SPARQL text."""

    name: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    parameters: list[Parameter]
    text: str
    path: Path
    body_line: int = field(default=1, repr=False)  # first line after the header

    def title(self, lang: str = "ja") -> str:
        return self.title_en if lang == "en" else self.title_ja

    def description(self, lang: str = "ja") -> str:
        return self.description_en if lang == "en" else self.description_ja

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"{self.name}: no parameter {name!r}",
                             message_ja=f"定型クエリ {self.name} にパラメータ {name} はありません")


# --- parsing the files ----------------------------------------------------------

def _header_error(path: Path, lineno: int, problem: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"{path.name}:{lineno}: {problem}", title="Malformed query header")


def _parse_param(path: Path, lineno: int, value: str) -> Parameter:
    fields_ = [f.strip() for f in value.split("|")]
    if len(fields_) not in (5, 6):
        raise _header_error(path, lineno, "param needs 'name | kind | required|optional|default=VALUE "
                                          f"| label ja | label en [| example]', got {len(fields_)} field(s)")
    name, kind, need, label_ja, label_en = fields_[:5]
    example = fields_[5] if len(fields_) == 6 and fields_[5] else None
    if not _NAME.match(name):
        raise _header_error(path, lineno, f"param name {name!r} is not a SPARQL variable name")
    if kind not in KINDS:
        raise _header_error(path, lineno, f"param {name}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    default = None
    if need.startswith("default="):
        default = need[len("default="):].strip()
        if not default:
            raise _header_error(path, lineno, f"param {name}: empty default")
        required = False
    elif need in ("required", "optional"):
        required = need == "required"
    else:
        raise _header_error(path, lineno, f"param {name}: third field must be required, optional "
                                          f"or default=VALUE, not {need!r}")
    if not label_ja or not label_en:
        raise _header_error(path, lineno, f"param {name}: labels in Japanese and English are required")
    param = Parameter(name, kind, label_ja, label_en, required, default, example or default)
    for v in filter(None, (default, example)):
        try:
            _term(param, v)
        except ParameterError as exc:
            raise _header_error(path, lineno, f"param {name}: {exc.message_en}") from None
    return param


def parse_query_file(path: str | Path) -> NamedQuery:
    """Read one ``.rq`` file and its header.

    A malformed header raises :class:`~graph.errors.QuerySyntaxError` naming the
    file and line, so a broken question fails loudly at start-up, not on a page.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    body_line = 1
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            body_line = lineno
            break
        if stripped.strip("#").strip() == "":
            continue
        m = _HEADER_LINE.match(stripped)
        if not m:
            continue  # a free comment
        key, value = _KEY_ALIASES.get(m.group(1).lower(), m.group(1).lower()), m.group(2)
        if key not in _HEADER_KEYS:
            raise _header_error(path, lineno, f"unknown header key {m.group(1)!r} (known: "
                                              f"{', '.join(sorted(_HEADER_KEYS))})")
        if key == "param":
            p = _parse_param(path, lineno, value)
            if any(q.name == p.name for q in params):
                raise _header_error(path, lineno, f"param {p.name} declared twice")
            params.append(p)
        else:
            meta[key] = f"{meta[key]} {value}".strip() if key in meta else value
    for key in ("title", "title@en"):
        if not meta.get(key):
            raise _header_error(path, 1, f"header has no '# {key}:' line")
    for p in params:
        if not re.search(rf"[?$]{p.name}\b", text):
            raise _header_error(path, body_line, f"param {p.name} is not used as ?{p.name} in the query")
    return NamedQuery(
        name=path.stem, title_ja=meta["title"], title_en=meta["title@en"],
        description_ja=meta.get("description", ""), description_en=meta.get("description@en", ""),
        parameters=params, text=text, path=path, body_line=body_line,
    )


@lru_cache(maxsize=8)
def _load(directory: Path) -> tuple[NamedQuery, ...]:
    files = sorted((p for p in directory.glob("*.rq") if not p.name.startswith("_")), key=lambda p: p.stem)
    return tuple(parse_query_file(p) for p in files)


@lru_cache(maxsize=8)
def _by_name(directory: Path) -> dict[str, NamedQuery]:
    return {q.name: q for q in _load(directory)}


@lru_cache(maxsize=64)
def _load_internal(path: Path) -> NamedQuery:
    return parse_query_file(path)


def _folder(directory: str | Path | None) -> Path:
    # Resolving a path costs a few system calls; the API routes look a query up on every request.
    return QUERY_DIR if directory is None else Path(directory).resolve()


def list_queries(directory: str | Path | None = None) -> list[NamedQuery]:
    """Every public named query, sorted by name. Files are read once per process (cached).

    Files whose name starts with ``_`` are internal helpers of other modules
    (entity pages, imports): :func:`get_query` finds them, this list does not.

    >>> "gaps" in [q.name for q in list_queries()]
    True
    """
    return list(_load(_folder(directory)))


def get_query(name: str, directory: str | Path | None = None) -> NamedQuery:
    """The named query called ``name``, else :class:`~graph.errors.UnknownQuery`.

    The error names only the name asked for: listing every file here showed a
    planner 27 internal names; the pages link to the list of questions instead,
    and the CLI points at ``--list``."""
    folder = _folder(directory)
    found = _by_name(folder).get(name)
    if found is not None:
        return found
    if name.startswith("_") and _NAME_FILE.match(name) and (folder / f"{name}.rq").is_file():
        return _load_internal(folder / f"{name}.rq")
    shown = name if len(name) <= 80 else name[:77] + "…"
    raise UnknownQuery(f"there is no named query {shown!r}", message_ja=f"定型クエリ「{shown}」はありません。")


# --- binding ------------------------------------------------------------------------

def _bad(param: Parameter, value: str, why: str, why_ja: str) -> ParameterError:
    """A parameter error in both languages: ``why`` completes "parameter x (Label): …: 'value'",
    ``why_ja`` completes 「パラメータ x（ラベル）の値「…」は…」."""
    shown = value if len(value) <= 80 else value[:77] + "…"
    err = ParameterError(f"parameter {param.name} ({param.label_en}): {why}: {shown!r}",
                         message_ja=f"パラメータ {param.name}（{param.label_ja}）の値「{shown}」は{why_ja}")
    err.parameter = param.name  # type: ignore[attr-defined]
    return err


def _term(param: Parameter, value: str) -> Term:
    """One validated value as a pyoxigraph term of the parameter's kind."""
    kind = param.kind
    if kind == "iri":
        if not _SCHEME.match(value):
            raise _bad(param, value, "not an absolute IRI (one that starts with https:// or another scheme)",
                       "絶対 IRI ではありません（https:// などで始まる IRI を指定してください）。")
        if any(c in _IRI_FORBIDDEN or ord(c) < 0x21 for c in value):
            raise _bad(param, value, "an IRI cannot contain spaces or any of <>\"{}|^`\\",
                       "IRI に使えない文字（空白や <>\"{}|^`\\）を含んでいます。")
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise _bad(param, value, "not a valid IRI", "IRI として正しくありません。") from None
    if kind == "string":
        if len(value) > _MAX_STRING:
            raise _bad(param, value, f"longer than {_MAX_STRING} characters", f"{_MAX_STRING} 文字を超えています。")
        if any(unicodedata.category(c) == "Cc" for c in value):
            raise _bad(param, value, "contains control characters", "制御文字を含んでいます。")
        return ox.Literal(value)
    if kind in ("integer", "fiscal_year"):
        digits = unicodedata.normalize("NFKC", value).strip()
        if kind == "fiscal_year":
            try:  # 2021, 2021年度, FY2021, 令和3年度, R3 (graph.fiscal is the one 和暦 converter)
                year = parse_fiscal_year(value)
            except ValueError:
                year = None
            if year is None or not 1000 <= year <= 9999:
                raise _bad(param, value, "not a fiscal year: give the year it starts in (2021), FY2021, "
                                         "or a Japanese era year such as R3",
                           "年度として読めません（2021、2021年度、令和3年度、R3 のように指定してください）。")
            return ox.Literal(str(year), datatype=ox.NamedNode(XSD + "gYear"))
        if not re.fullmatch(r"[+-]?\d{1,18}", digits):
            raise _bad(param, value, "not a whole number", "整数ではありません。")
        return ox.Literal(str(int(digits)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise _bad(param, value, "not a date YYYY-MM-DD", "YYYY-MM-DD 形式の日付ではありません。") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if kind == "lang":
        if not _LANG.match(value):
            raise _bad(param, value, "not a language tag such as ja or en", "言語タグ（ja、en など）ではありません。")
        return ox.Literal(value.lower())
    raise _bad(param, value, f"unknown kind {kind}", f"未知の種類 {kind} です。")  # unreachable: kinds are checked on load


def iri_value(name: str, value: str, label_ja: str, label_en: str) -> str:
    """``value`` checked as an IRI given in the request parameter ``name``, which is not a named
    query's own (the alignment reports' ``element`` and ``goal``): the same checks and words as a
    named query's ``iri`` parameter, naming the parameter the person wrote.

    >>> iri_value("goal", "abc", "上位計画の目標", "Upper-plan goal")
    Traceback (most recent call last):
    ...
    graph.errors.ParameterError: parameter goal (Upper-plan goal): not an absolute IRI (one that starts with https:// or another scheme): 'abc' / パラメータ goal（上位計画の目標）の値「abc」は絶対 IRI ではありません（https:// などで始まる IRI を指定してください）。
    """
    return _term(Parameter(name, "iri", label_ja, label_en), value.strip()).value


def _rebase(value: str, base_iri: str | None) -> str:
    if base_iri and base_iri != DEFAULT_BASE_IRI and value.startswith(DEFAULT_BASE_IRI):
        return base_iri + value[len(DEFAULT_BASE_IRI):]
    return value


def bind(query: NamedQuery, params: Mapping[str, str], *, base_iri: str | None = None) -> dict[str, Term]:
    """Validate ``params`` against the query's parameters and turn them into terms.

    Empty values count as absent (an empty form field); absent ones take their
    default; a required one with neither is an error, an optional one stays
    unbound. Defaults written with the default base IRI follow ``base_iri``.

    >>> q = get_query("upper-plans")
    >>> bind(q, {"plan": "not an iri"})
    Traceback (most recent call last):
    ...
    graph.errors.ParameterError: parameter plan (Plan): not an absolute IRI (one that starts with https:// or another scheme): 'not an iri' / パラメータ plan（計画）の値「not an iri」は絶対 IRI ではありません（https:// などで始まる IRI を指定してください）。
    """
    known = {p.name: p for p in query.parameters}
    for name in params:
        if name not in known:
            err = ParameterError(f"{query.name}: unknown parameter {name!r} (known: {', '.join(known) or 'none'})",
                                 message_ja=f"パラメータ {name} はこの定型クエリにはありません"
                                            f"（使えるもの: {'、'.join(known) or 'なし'}）。")
            err.parameter = name  # type: ignore[attr-defined]
            raise err
    out: dict[str, Term] = {}
    for p in query.parameters:
        value = params.get(p.name)
        value = value.strip() if isinstance(value, str) and p.kind != "string" else value
        if value in (None, ""):
            if p.default is not None:
                value = _rebase(p.default, base_iri) if p.kind == "iri" else p.default
            elif p.required:
                err = ParameterError(f"{query.name}: parameter {p.name} ({p.label_en}) is required",
                                     message_ja=f"パラメータ {p.name}（{p.label_ja}）を指定してください。")
                err.parameter = p.name  # type: ignore[attr-defined]
                raise err
            else:
                continue
        if not isinstance(value, str):
            raise _bad(p, repr(value), "values are given as text", "文字列で指定してください。")
        out[p.name] = _term(p, value)
    return out


def run_named(store: Store, name: str, params: Mapping[str, str] | None = None, *,
              max_rows: int | None = None) -> QueryResult:
    """Run the named query ``name`` on ``store`` with ``params`` bound safely.

    >>> from graph.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load_data('<https://ex.org/p> <https://w3id.org/plangraph/ontology#upperPlan> <https://ex.org/u> .',
    ...             format="nt", graph="https://ex.org/g")
    >>> [r[1].value for r in run_named(s, "upper-plans", {"plan": "https://ex.org/p"}).rows]
    ['https://ex.org/u']
    """
    query = get_query(name)
    bindings = bind(query, params or {}, base_iri=getattr(store, "base_iri", None))
    return store.query(query.text, substitutions=bindings, max_rows=max_rows)
