"""Find resources by label, the way a Japanese planner types.

Japanese text arrives in several spellings of the same word: full-width or
half-width letters and digits (``ＩＣＴ`` / ``ICT``), half-width katakana
(``ｷﾞｮｳｾｲ``), katakana or hiragana (``ギョウセイ`` / ``ぎょうせい``), upper or
lower case. :func:`normalize` folds all of them to one key (Unicode NFKC,
katakana → hiragana, case-folded, spaces squeezed), and the index compares
keys, so any spelling finds the others.

The index is built once per store from every ``skos:prefLabel``,
``skos:altLabel``, ``rdfs:label`` and ``dcterms:title`` (one query,
``queries/_search_labels.rq``) and again after a write to the store
(its version changes; :mod:`graph.memo`).

>>> normalize("ＩＣＴ人材") == normalize("ict人材")
True
>>> normalize("ギョウセイ") == normalize("ぎょうせい") == normalize("ｷﾞｮｳｾｲ")
True
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from .labels import LANGUAGES, fetch_labels, internal_query, pick_label, short_iri
from .memo import memo
from .store import Store
from .vocab import OWL, PG_NS, RDFS

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


@dataclass
class _Entry:
    iri: str
    text: str
    lang: str
    key: str
    type: str | None


class LabelIndex:
    """Normalised labels of one store, searched in memory."""

    def __init__(self, store: Store):
        rows = store.query(internal_query("search_labels")).rows
        entries: dict[tuple[str, str, str], _Entry] = {}
        self.labels: dict[str, list[tuple[str, str]]] = {}
        for s, label, typ in rows:
            if not isinstance(label, ox.Literal):
                continue
            lang = label.language or ""
            key = (s.value, label.value, lang)
            type_iri = typ.value if isinstance(typ, ox.NamedNode) else None
            entry = entries.get(key)
            if entry is None:
                entries[key] = _Entry(s.value, label.value, lang, normalize(label.value), type_iri)
                self.labels.setdefault(s.value, []).append((label.value, lang))
            elif _type_rank(type_iri) < _type_rank(entry.type):
                entry.type = type_iri
        self.entries = list(entries.values())
        types = {e.type for e in self.entries if e.type}
        self.type_labels = fetch_labels(store, types) if types else None

    def search(self, query: str, lang: str = "ja", *, limit: int = 50) -> list[Hit]:
        """Resources whose label contains every word of ``query`` (folded), best first.

        Ranking: whole label equal to the query, then label starting with it,
        then containing it; a label in the chosen language beats another
        language; shorter labels first. One hit per resource.
        """
        words = normalize(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[str, tuple[int, _Entry]] = {}
        for e in self.entries:
            if not all(_contains(e.key, w) for w in words):
                continue
            score = 300 if e.key == phrase else 200 if e.key.startswith(phrase) else 100
            if e.lang == lang:
                score += 10
            score -= min(len(e.key), 99) // 10
            if e.iri not in best or score > best[e.iri][0]:
                best[e.iri] = (score, e)
        hits = []
        for iri, (score, e) in best.items():
            label = pick_label(self.labels.get(iri, []), lang) or short_iri(iri)
            tlabel = self.type_labels.display(e.type, lang) if (e.type and self.type_labels) else None
            hits.append(Hit(iri, label, e.text, e.type, tlabel, score))
        hits.sort(key=lambda h: (-h.score, h.label, h.iri))
        return hits[:limit]


def label_index(store: Store) -> LabelIndex:
    """The store's label index, built on first use and again after a write (:mod:`graph.memo`).

    It used to compare ``len(store)`` on every search: 1.4 s a request on the whole country.
    """
    return memo(store, "search.label_index", LabelIndex)  # a second search waits for the build


def search(store: Store, query: str, lang: str = LANGUAGES[0], *, limit: int = 50) -> list[Hit]:
    """Search ``store``'s labels for ``query`` with width, kana and case folding.

    >>> from graph.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load_data('<https://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "ギョウセイ"@ja .',
    ...             format="nt")
    >>> [h.label for h in search(s, "ぎょうせい")]
    ['ギョウセイ']
    """
    return label_index(store).search(query, lang, limit=limit)
