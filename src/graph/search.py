"""Find resources by label, the way a Japanese planner types.

Japanese text arrives in several spellings of the same word: full-width or
half-width letters and digits (``ＩＣＴ`` / ``ICT``), half-width katakana
(``ｷﾞｮｳｾｲ``), katakana or hiragana (``ギョウセイ`` / ``ぎょうせい``), upper or
lower case. :func:`normalize` folds all of them to one key (Unicode NFKC,
katakana → hiragana, case-folded, spaces squeezed), and the index compares
keys, so any spelling finds the others.

The index is built once per store from every ``skos:prefLabel``,
``skos:altLabel``, ``rdfs:label`` and ``dcterms:title`` (read with
:meth:`graph.store.Store.pairs`) and again after a write to the store
(its version changes; :mod:`graph.memo`).

>>> normalize("ＩＣＴ人材") == normalize("ict人材")
True
>>> normalize("ギョウセイ") == normalize("ぎょうせい") == normalize("ｷﾞｮｳｾｲ")
True
"""

from __future__ import annotations

import heapq
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

import pyoxigraph as ox

from .labels import LANGUAGES, fetch_labels, internal_query, rows_for_iris, short_iri
from .errors import NotReady
from .memo import memo, memo_soon
from .store import Store
from .vocab import DCTERMS, OWL, PG_NS, RDFS, SKOS

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6  # ァ … ヶ; hiragana is 0x60 lower
_KATA_TO_HIRA = {c: c - 0x60 for c in range(_KATAKANA_START, _KATAKANA_END + 1)}


def normalize(text: str) -> str:
    """The search key of a text: NFKC, katakana as hiragana, case-folded, single spaces.

    >>> normalize("  Ｗｅｂ　会議 ")
    'web 会議'
    """
    text = unicodedata.normalize("NFKC", text).translate(_KATA_TO_HIRA).casefold()
    return " ".join(text.split())


def _type_rank(type_iri: str | None) -> int:
    """Which type to show for a hit: PlanGraph's own classes before generic ones."""
    if type_iri is None:
        return 3
    if type_iri.startswith(PG_NS):
        return 0
    return 2 if type_iri.startswith((OWL, RDFS)) else 1


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _contains(key: str, word: str) -> bool:
    """``word`` occurs in ``key``; a Latin word must start at a word start.

    Japanese has no spaces, so Japanese text matches anywhere; but ``ict``
    should find "ICT人材", not the middle of "conflict".

    >>> _contains("ict人材の育成", "ict"), _contains("source conflict", "ict"), _contains("行政さーびす", "さーびす")
    (True, False, True)
    """
    if not _is_word_char(word[0]):
        return word in key
    start = key.find(word)
    while start != -1:
        if start == 0 or not _is_word_char(key[start - 1]):
            return True
        start = key.find(word, start + 1)
    return False


@dataclass
class Hit:
    """One search result: the resource, the label that matched, its label and type for display."""

    iri: str
    label: str
    matched: str
    type: str | None
    type_label: str | None
    score: int


#: The label properties the index reads.
INDEXED = (SKOS + "prefLabel", SKOS + "altLabel", RDFS + "label", DCTERMS + "title")
#: Candidates ranked by their matched label before the shown labels are read (per hit shown).
_PRESELECT = 4


class LabelIndex:
    """Normalised labels of one store, searched in memory.

    Why this shape: the whole country has 1.75M labels of 880k resources. One
    Python object per label took 5 GB and 135 s to build, and each search
    walked them one by one (2–4 s). Here every key is one slice of a single
    string (``\\x00`` between keys), found with ``str.find`` in C; the
    original labels are a second string, and the resources a third; the rest
    are arrays of offsets. Display labels and types are read from the store
    for the hits shown only.
    """

    def __init__(self, store: Store):
        keys, texts, iris = _Joiner(), _Joiner(), _Joiner()
        self._subject, self._lang = array("L"), array("B")
        self._langs: list[str] = ["", "ja", "en"]
        lang_codes = {lang: i for i, lang in enumerate(self._langs)}
        ids: dict[str, int] = {}
        seen: set[int] = set()
        for s, label in store.pairs(*INDEXED):
            if not isinstance(s, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            lang = label.language or ""
            sid = ids.get(s.value)
            if sid is None:
                sid = ids[s.value] = len(ids)
                iris.add(s.value)
            mark = hash((sid, label.value, lang))
            if mark in seen:  # the same label in two graphs (assertion graphs) or two properties
                continue
            seen.add(mark)
            if lang not in lang_codes:
                lang_codes[lang] = len(self._langs)
                self._langs.append(lang)
            keys.add(normalize(label.value))
            texts.add(label.value)
            self._subject.append(sid)
            self._lang.append(lang_codes[lang])
        self._keys, self._texts, self._iris = keys.done(), texts.done(), iris.done()

    def __len__(self) -> int:
        return len(self._subject)

    def _matches(self, words: list[str]) -> Iterator[int]:
        """The entries whose key contains every word, each once: found by the longest word."""
        keys, starts = self._keys.text, self._keys.starts
        anchor = max(words, key=len)
        others = [w for w in words if w is not anchor]
        latin = _is_word_char(anchor[0])
        pos = keys.find(anchor)
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            begin, end = starts[i], starts[i + 1] - 1
            if pos + len(anchor) <= end and not (latin and pos > begin and _is_word_char(keys[pos - 1])) \
                    and all(_contains(keys[begin:end], w) for w in others):
                yield i
                pos = keys.find(anchor, end + 1)
            else:
                pos = keys.find(anchor, pos + 1)

    def search(self, store: Store, query: str, lang: str = "ja", *, limit: int = 50) -> list[Hit]:
        """Resources whose label contains every word of ``query`` (folded), best first.

        Ranking: whole label equal to the query, then label starting with it,
        then containing it; a label in the chosen language beats another
        language; shorter labels first. One hit per resource, with the label
        that matched best. Ties are broken by the matched label, then (among
        the hits read from the store) by the label shown.
        """
        words = normalize(query.replace("\x00", " ")).split()
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[int, tuple[int, int]] = {}  # resource → (score, entry)
        for i in self._matches(words):
            key = self._keys[i]
            score = 300 if key == phrase else 200 if key.startswith(phrase) else 100
            if self._langs[self._lang[i]] == lang:
                score += 10
            score -= min(len(key), 99) // 10
            sid = self._subject[i]
            # the best label of a resource, and among equals the first in text order: the order in
            # which the store listed its labels (per property, or per graph) does not matter
            if sid not in best or score > best[sid][0] or \
                    (score == best[sid][0] and self._texts[i] < self._texts[best[sid][1]]):
                best[sid] = (score, i)

        chosen = heapq.nsmallest(limit * _PRESELECT, best.items(),
                                 key=lambda kv: (-kv[1][0], self._texts[kv[1][1]], self._iris[kv[0]]))
        iris = [self._iris[sid] for sid, _ in chosen]
        book = fetch_labels(store, iris)
        types = _types(store, iris)
        type_book = fetch_labels(store, set(types.values())) if types else None
        hits = []
        for iri, (sid, (score, i)) in zip(iris, chosen):
            typ = types.get(iri)
            text = self._texts[i]
            hits.append(Hit(iri, book.label(iri, lang) or text or short_iri(iri), text, typ,
                            type_book.display(typ, lang) if typ and type_book else None, score))
        hits.sort(key=lambda h: (-h.score, h.label, h.iri))
        return hits[:limit]


class _Joiner:
    """Strings joined into one, with where each starts (a sentinel start at the end)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._chunks: list[str] = []
        self._starts = array("Q", [0])

    def add(self, text: str) -> None:
        text = text.replace("\x00", " ")  # the separator cannot occur inside a text
        self._parts.append(text)
        self._starts.append(self._starts[-1] + len(text) + 1)
        if len(self._parts) >= 10_000:  # join as we go: 10,000 small strings cost more than one
            self._chunks.append("\x00".join(self._parts) + "\x00")
            self._parts = []

    def done(self) -> "_Joined":
        self._chunks.append("".join(p + "\x00" for p in self._parts))
        return _Joined("".join(self._chunks), self._starts)


class _Joined:
    """Strings joined into one (``text``) and where each starts; ``joined[i]`` is the i-th string."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str, starts: array):
        self.text, self.starts = text, starts

    def __getitem__(self, i: int) -> str:
        return self.text[self.starts[i]:self.starts[i + 1] - 1]


def _types(store: Store, iris: list[str]) -> dict[str, str]:
    """The type shown for each IRI: PlanGraph's own classes before generic ones."""
    found: dict[str, str] = {}
    for s, typ in rows_for_iris(store, internal_query("search_types"), iris):
        if isinstance(typ, ox.NamedNode):
            old = found.get(s.value)
            if old is None or (_type_rank(typ.value), typ.value) < (_type_rank(old), old):
                found[s.value] = typ.value
    return found


def label_index(store: Store, *, wait_s: float | None = None) -> LabelIndex:
    """The store's label index, built on first use and again after a write (:mod:`graph.memo`).

    With ``wait_s``, :class:`~graph.errors.NotReady` if it is still being built after that many
    seconds (the build goes on in the background): on the whole country it takes about a
    minute, and a planner should see a page that says so rather than a page that hangs.
    """
    if wait_s is None:
        return memo(store, "search.label_index", LabelIndex)  # a second search waits for the build
    index = memo_soon(store, "search.label_index", LabelIndex, wait_s=wait_s)
    if index is None:
        raise NotReady("the search index is being built (about a minute for a national store); "
                       "ask again shortly")
    return index


def search(store: Store, query: str, lang: str = LANGUAGES[0], *, limit: int = 50,
           wait_s: float | None = None) -> list[Hit]:
    """Search ``store``'s labels for ``query`` with width, kana and case folding.

    ``wait_s``: see :func:`label_index`.

    >>> from graph.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load_data('<https://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "ギョウセイ"@ja .',
    ...             format="nt")
    >>> [h.label for h in search(s, "ぎょうせい")]
    ['ギョウセイ']
    """
    return label_index(store, wait_s=wait_s).search(store, query, lang, limit=limit)
