"""Why a SPARQL text does not parse, said so that a planner can fix it.

The two parsers we run say it in their own terms: rdflib's (the sandbox's
inspection) gives ``Expected SelectQuery, found '?' (at char 17)``, pointing
at the start of the pattern it backtracked from, not at what is missing;
pyoxigraph's gives ``error at 1:29: expected one of Prefix not found, ['%'],
['-' | '0' ..= '9' | '\\u{00B7}' …`` with every character class it would have
taken. Neither tells a planner that a ``{`` is never closed or that ``foo:``
was never declared.

So :func:`syntax_error` looks at the text itself with a small tokenizer (strings,
IRIs, comments and prefixed names, the things that fool a regular expression)
and names the commonest mistakes in Japanese and English, with line and
column: an unclosed string, a bracket closed wrongly or never, an undeclared
prefix, a text that is not a query. Otherwise it says where the parser stopped.
The parser's own message stays on the error as ``detail`` (one line, cut short),
for whoever wants it.

>>> e = syntax_error("SELECT ?x WHERE { ?s foo:bar ?o }", "error at 1:29: expected one of Prefix not found")
>>> e.text("en")
'prefix foo: is not defined (line 1, column 22): declare it before the query, e.g. PREFIX foo: <https://…/>'
>>> print(syntax_error("SELECT * WHERE { ?s ?p ", "Expected SelectQuery, found '?'", line=1, column=18).text("ja"))
クエリが途中で終わっています（1 行 16 列の「{」が閉じられていません）。
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QuerySyntaxError

#: Most characters of the parser's own message kept as ``detail``.
DETAIL_CHARS = 300

_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_PROLOGUE = {"PREFIX", "BASE"}

# One alternative per kind of token, tried in this order at each position (SPARQL 1.1 §19.8, loosely:
# loose is enough to find a mistake's place, and this runs only on texts a parser has refused).
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<long>'''|\"\"\")
  | (?P<short>['"])
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7]+)
  | (?P<bnode>_:[\w\-.]*)
  | (?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%]))*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[\w.]+)
  | (?P<bracket>[{}()\[\]])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


class _Unclosed(Exception):
    """A string that runs to the end of the text (or of its line, for a short one)."""

    def __init__(self, start: int):
        self.start = start


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` without spaces and comments; strings are one token each.

    >>> [t.text for t in tokens('SELECT ?x { ?x rdfs:label "a # b"@ja } # why')]
    ['SELECT', '?x', '{', '?x', 'rdfs:label', '"a # b"', '@ja', '}']
    """
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative takes any character
        kind = m.lastgroup or "other"
        if kind in ("long", "short"):
            end = _string_end(text, pos, m.group())
            out.append(Token("string", text[pos:end], pos))
            pos = end
            continue
        if kind not in ("space", "comment"):
            out.append(Token(kind, m.group(), pos))
        pos = m.end()
    return out


def _string_end(text: str, start: int, quote: str) -> int:
    """Where the string opened at ``start`` by ``quote`` ends (just after its closing quote)."""
    pos = start + len(quote)
    while pos < len(text):
        c = text[pos]
        if c == "\\":
            pos += 2
            continue
        if text.startswith(quote, pos):
            return pos + len(quote)
        if len(quote) == 1 and c in "\r\n":
            break  # a short string may not span lines
        pos += 1
    raise _Unclosed(start)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``.

    >>> line_column("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + max(column - 1, 0), len(text))


def _at(text: str, offset: int, lang: str) -> str:
    line, column = line_column(text, offset)
    return f"{line} 行 {column} 列" if lang == "ja" else f"line {line}, column {column}"


_POSITION = [re.compile(r"error at (\d+):(\d+)"), re.compile(r"line:(\d+), col:(\d+)")]


def parser_position(raw: str) -> tuple[int, int] | None:
    """Line and column in a parser's message (pyoxigraph's ``error at L:C``, pyparsing's ``line:L, col:C``)."""
    for pattern in _POSITION:
        m = pattern.search(raw)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


#: pyoxigraph's character ranges (``['A' ..= 'Z' | 'a' ..= 'z' | '\u{00C0}'..='\u{00D6}' …]``): every letter
#: a name may start with, which says nothing to a person, shortened to "…".
_CHAR = r"'(?:\\.|[^'\\])*'"
_RANGES = re.compile(rf"\[\s*{_CHAR}(?:\s*(?:\.\.=|\|)\s*{_CHAR})*\s*\]")


def _detail(raw: str) -> str | None:
    """The parser's message on one line, its character ranges elided, cut at :data:`DETAIL_CHARS`.

    >>> _detail("error at 1:29: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' | '_'], [':']")
    "error at 1:29: expected one of Prefix not found, ['%'], …, [':']"
    """
    one_line = _RANGES.sub(lambda m: "…" if "..=" in m.group() else m.group(), " ".join(raw.split()))
    return (one_line if len(one_line) <= DETAIL_CHARS else one_line[:DETAIL_CHARS - 1] + "…") or None


def syntax_error(text: str, raw: str, *, line: int | None = None, column: int | None = None,
                 update: bool = False) -> QuerySyntaxError:
    """The error to raise for ``text``, which a parser refused with message ``raw``.

    ``line`` and ``column`` are where the parser stopped, when it says so other
    than in ``raw``. ``update``: the text is a SPARQL Update, not a query.
    """
    noun_en, noun_ja = ("update", "更新") if update else ("query", "クエリ")
    en, ja = _explain(text, noun_en, noun_ja, update)
    if en is None:
        if line is None:
            line, column = parser_position(raw) or (None, None)
        if line is not None:
            offset = _offset(text, line, column or 1)
            rest = text[offset:]
            if not tokens_or_none(rest):
                en = f"the {noun_en} ends unexpectedly ({_at(text, offset, 'en')})"
                ja = f"{noun_ja}が途中で終わっています（{_at(text, offset, 'ja')}）。"
            else:
                snippet = rest.split("\n", 1)[0].strip()
                snippet = snippet if len(snippet) <= 30 else snippet[:29] + "…"
                en = f"the {noun_en} cannot be read from {_at(text, offset, 'en')} on ('{snippet}')"
                ja = f"{_at(text, offset, 'ja')}（「{snippet}」）から先を読み取れません。"
        else:
            en, ja = f"the {noun_en} is not valid SPARQL", f"{noun_ja}の構文が正しくありません。"
    return QuerySyntaxError(en, message_ja=ja, detail=_detail(raw))


def named_mistake(text: str, raw: str, *, update: bool = False) -> QuerySyntaxError | None:
    """The error for a mistake in ``text`` that can be named (an undeclared prefix, an unclosed
    bracket or string…), else None.

    For another parser's refusal (an external SPARQL server's 400): its message is replaced
    only when we know what is wrong, so the app says the same on every store, and a 400 that
    is not about syntax keeps the server's own words.
    """
    noun_en, noun_ja = ("update", "更新") if update else ("query", "クエリ")
    en, ja = _explain(text, noun_en, noun_ja, update)
    return None if en is None else QuerySyntaxError(en, message_ja=ja, detail=_detail(raw))


def tokens_or_none(text: str) -> list[Token] | None:
    """The tokens of ``text``, or None when it holds none (only spaces and comments) or cannot be read."""
    try:
        return tokens(text) or None
    except _Unclosed:
        return [Token("string", text, 0)]


def _explain(text: str, noun_en: str, noun_ja: str, update: bool) -> tuple[str | None, str | None]:
    """A named mistake in ``text`` as (English, Japanese), or (None, None)."""
    try:
        toks = tokens(text)
    except _Unclosed as exc:
        return (f"the string that starts at {_at(text, exc.start, 'en')} is not closed",
                f"{_at(text, exc.start, 'ja')}から始まる文字列が閉じられていません。")
    if not toks:
        return f"the {noun_en} is empty", f"{noun_ja}が空です。"
    found = _brackets(text, toks, noun_en, noun_ja)
    if found and found[0] == "mismatch":
        return found[1], found[2]
    if not update:
        form = _form(toks)
        if form is not None and form.text.upper() not in _FORMS:
            return (f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after its PREFIX lines), "
                    f"not '{form.text}' ({_at(text, form.start, 'en')})",
                    f"クエリは（PREFIX 行の後に）SELECT、ASK、CONSTRUCT、DESCRIBE のいずれかで始めてください"
                    f"（{_at(text, form.start, 'ja')}が「{form.text}」になっています）。")
    undeclared = _undeclared_prefix(toks)
    if undeclared is not None:
        prefix = undeclared.text.split(":", 1)[0]
        where_en, where_ja = _at(text, undeclared.start, "en"), _at(text, undeclared.start, "ja")
        if prefix.lower() in ("http", "https", "urn", "file", "mailto"):
            iri = re.match(r"[^\s{}()\[\];,]+", text[undeclared.start:]).group()  # type: ignore[union-attr]
            iri = iri if len(iri) <= 60 else iri[:59] + "…"
            return (f"an IRI is written in angle brackets: <{iri}> ({where_en})",
                    f"IRI は <{iri}> のように山括弧で囲んでください（{where_ja}）。")
        return (f"prefix {prefix}: is not defined ({where_en}): declare it before the {noun_en}, "
                f"e.g. PREFIX {prefix}: <https://…/>",
                f"接頭辞 {prefix}: が定義されていません（{where_ja}）。{noun_ja}の前に PREFIX {prefix}: <https://…/> "
                f"のように宣言してください。")
    if found:
        return found[1], found[2]
    return None, None


def _brackets(text: str, toks: list[Token], noun_en: str, noun_ja: str) -> tuple[str, str, str] | None:
    """The first bracket closed wrongly ("mismatch"), else the innermost one never closed ("unclosed")."""
    stack: list[Token] = []
    for tok in toks:
        if tok.kind != "bracket":
            continue
        if tok.text in _OPEN:
            stack.append(tok)
            continue
        where_en, where_ja = _at(text, tok.start, "en"), _at(text, tok.start, "ja")
        if not stack:
            return ("mismatch", f"the '{tok.text}' at {where_en} closes nothing",
                    f"{where_ja}の「{tok.text}」に対応する開き括弧がありません。")
        opener = stack.pop()
        if _OPEN[opener.text] != tok.text:
            return ("mismatch", f"the '{tok.text}' at {where_en} does not close the '{opener.text}' at "
                                f"{_at(text, opener.start, 'en')}",
                    f"{where_ja}の「{tok.text}」は {_at(text, opener.start, 'ja')}の「{opener.text}」と対応しません"
                    f"（「{_OPEN[opener.text]}」が必要です）。")
    if not stack:
        return None
    opener = stack[-1]
    where_en, where_ja = _at(text, opener.start, "en"), _at(text, opener.start, "ja")
    if any(o.text == "{" for o in stack):  # a group left open: the text was cut short
        return ("unclosed", f"the {noun_en} ends unexpectedly: the '{opener.text}' at {where_en} is never closed",
                f"{noun_ja}が途中で終わっています（{where_ja}の「{opener.text}」が閉じられていません）。")
    # every group is closed, so a ')' or ']' was left out along the way
    return ("unclosed", f"the '{opener.text}' at {where_en} is never closed",
            f"{where_ja}の「{opener.text}」が閉じられていません（「{_OPEN[opener.text]}」が必要です）。")


def _form(toks: list[Token]) -> Token | None:
    """The first word after the prologue (PREFIX p: <iri>, BASE <iri>), which names the query form."""
    i = 0
    while i < len(toks):
        word = toks[i].text.upper()
        if word == "PREFIX":
            i += 3
        elif word == "BASE":
            i += 2
        else:
            return toks[i] if toks[i].kind in ("word", "pname") else None
    return None


def _undeclared_prefix(toks: list[Token]) -> Token | None:
    """The first prefixed name whose prefix no PREFIX line before it declares."""
    declared: set[str] = set()
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and i + 1 < len(toks) and toks[i + 1].kind == "pname":
            declared.add(toks[i + 1].text.split(":", 1)[0])
            i += 2
            continue
        if tok.kind == "pname" and tok.text.split(":", 1)[0] not in declared:
            return tok
        i += 1
    return None
