"""What a network view, figure or report is about: the municipality and plan choices, and plan-scoped networks.

Why a module of its own: on the whole synthetic country (1,741 municipalities,
6.75M quads) reading the alignment network of the whole store takes about
four minutes, and a plan selector with 7,000 plans is of no use to anyone.
So the pages ask the store, by small parameter-first queries, for the
municipalities and for one municipality's plans, and build the network of the
chosen plan only (0.1–0.2 s on the country, kept per store version and plan).

The rule the pages follow (:func:`is_national`): a store holding more
municipalities than the setting ``whole_network_max_municipalities`` (default
10) never has its whole network built; without a chosen plan or municipality
the pages offer the municipality selector instead. Smaller stores (the
Saitama data, a few samples) keep the whole-network view of before.

>>> from graph.alignment import example_store
>>> s = example_store()
>>> plan_choices(s, "ja")
[('https://example.org/plan', '例示計画')]
>>> sorted(plan_graph(s, "https://example.org/plan"))[:2]
['https://example.org/goal1', 'https://example.org/goal2']
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from . import alignment as al
from .memo import memo, memo_bounded
from .queries import bind, get_query
from .store import SelectResult, Store

#: A choice in a selector: (IRI, label).
Choice = tuple[str, str]

#: How many plans' networks at most make up the neighbourhood of one node on a national store
#: (a national goal is supported by plans all over the country; ``_node-plans.rq`` has the same LIMIT).
NODE_PLANS = 8


#: The 47 prefectures by JIS X 0401 code (the first two digits of a local government code), ja and en.
#: Facts of the code list, used only to group the municipality selector (1,741 options) by prefecture.
PREFECTURES: dict[str, tuple[str, str]] = {f"{i:02d}": (ja, en) for i, (ja, en) in enumerate((
    ("北海道", "Hokkaido"), ("青森県", "Aomori"), ("岩手県", "Iwate"), ("宮城県", "Miyagi"), ("秋田県", "Akita"),
    ("山形県", "Yamagata"), ("福島県", "Fukushima"), ("茨城県", "Ibaraki"), ("栃木県", "Tochigi"),
    ("群馬県", "Gunma"), ("埼玉県", "Saitama"), ("千葉県", "Chiba"), ("東京都", "Tokyo"), ("神奈川県", "Kanagawa"),
    ("新潟県", "Niigata"), ("富山県", "Toyama"), ("石川県", "Ishikawa"), ("福井県", "Fukui"),
    ("山梨県", "Yamanashi"), ("長野県", "Nagano"), ("岐阜県", "Gifu"), ("静岡県", "Shizuoka"), ("愛知県", "Aichi"),
    ("三重県", "Mie"), ("滋賀県", "Shiga"), ("京都府", "Kyoto"), ("大阪府", "Osaka"), ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"), ("和歌山県", "Wakayama"), ("鳥取県", "Tottori"), ("島根県", "Shimane"),
    ("岡山県", "Okayama"), ("広島県", "Hiroshima"), ("山口県", "Yamaguchi"), ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"), ("愛媛県", "Ehime"), ("高知県", "Kochi"), ("福岡県", "Fukuoka"), ("佐賀県", "Saga"),
    ("長崎県", "Nagasaki"), ("熊本県", "Kumamoto"), ("大分県", "Oita"), ("宮崎県", "Miyazaki"),
    ("鹿児島県", "Kagoshima"), ("沖縄県", "Okinawa")), 1)}


@dataclass(frozen=True)
class Named:
    """A municipality or plan as a selector shows it: IRI, Japanese and English names, code."""

    iri: str
    label_ja: str | None
    label_en: str | None
    code: str | None = None

    def label(self, lang: str) -> str:
        """The name in ``lang``, else in the other language, else the IRI."""
        first, second = (self.label_en, self.label_ja) if lang == "en" else (self.label_ja, self.label_en)
        return first or second or self.iri


def _rows(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    query = get_query(name)
    result = store.query(query.text, substitutions=bind(query, params, base_iri=getattr(store, "base_iri", None)))
    assert isinstance(result, SelectResult)
    return [{k: t.value for k, t in d.items()} for d in result.dicts()]


def _named(rows: list[dict[str, str]], key: str) -> list[Named]:
    return [Named(r[key], r.get("labelJa"), r.get("labelEn"), r.get("code")) for r in rows]


def municipalities(store: Store) -> list[Named]:
    """Every municipality in the store, by local government code (then name), once per store version.

    On the whole country: 1,741 rows, 0.2–0.4 s on disk, so it is not asked on every request.
    """
    def read(s: Store) -> list[Named]:
        found = _named(_rows(s, "_municipalities"), "municipality")
        return sorted(found, key=lambda m: (m.code or "~", m.label("ja"), m.iri))
    return memo(store, "scope.municipalities", read)


def municipality_choices(store: Store, lang: str) -> list[Choice]:
    """The municipality selector: name in ``lang`` with its code, in code order (prefectures stay together)."""
    return [(m.iri, f"{m.label(lang)} ({m.code})" if m.code else m.label(lang)) for m in municipalities(store)]


def municipality_groups(store: Store, lang: str) -> list[tuple[str, list[Choice]]]:
    """The municipality selector grouped by prefecture (the code's first two digits), in code order.

    A municipality without a (known) code goes in a last group with an empty name.

    >>> from graph.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load_data('<https://ex.org/a> a <https://w3id.org/plangraph/ontology#Municipality> ; '
    ...             '<https://w3id.org/plangraph/ontology#municipalityCode> "111007" .', format="ttl")
    >>> municipality_groups(s, "ja")
    [('埼玉県', [('https://ex.org/a', 'https://ex.org/a (111007)')])]
    """
    groups: dict[str, list[Choice]] = {}
    for m, choice in zip(municipalities(store), municipality_choices(store, lang)):
        pref = PREFECTURES.get((m.code or "")[:2])
        groups.setdefault(pref[lang == "en"] if pref else "", []).append(choice)
    return list(groups.items())


def is_national(store: Store, max_municipalities: int) -> bool:
    """Whether the store is too big to build its whole alignment network for a page:
    it holds more than ``max_municipalities`` municipalities."""
    return len(municipalities(store)) > max_municipalities


def has_municipalities(store: Store) -> bool:
    """Whether the pages offer a municipality selector (more than one municipality to choose from)."""
    return len(municipalities(store)) > 1


def plans(store: Store, *, municipality: str | None = None) -> list[Named]:
    """The plans that have elements (a philosophy, policy, measure or project): of one
    municipality, or of the whole store when ``municipality`` is None (small stores only)."""
    if municipality is None:
        return memo(store, "scope.plans", lambda s: _named(_rows(s, "_element-plans"), "plan"))
    return memo_bounded(store, "scope.municipality_plans", municipality,
                        lambda s, m: _named(_rows(s, "_municipality-element-plans", municipality=m), "plan"))


def plan_choices(store: Store, lang: str, *, municipality: str | None = None) -> list[Choice]:
    """The plan selector, by name in ``lang``: one municipality's plans, or every plan (small stores)."""
    return sorted(((p.iri, p.label(lang)) for p in plans(store, municipality=municipality)),
                  key=lambda c: (c[1], c[0]))


def plan_municipality(store: Store, plan: str) -> str | None:
    """The municipality that publishes ``plan`` (or the plan it is part of), to preselect it; None if none."""
    found = _rows(store, "_plan-municipality", plan=plan)
    return found[0]["municipality"] if found else None


def plan_graph(store: Store, plan: str) -> nx.DiGraph:
    """The alignment network of one plan (:func:`graph.alignment.alignment_graph` with ``plan``),
    kept per store version for the most recently used plans. Shared: callers must not change it."""
    return memo_bounded(store, "scope.plan_graph", plan, lambda s, p: al.alignment_graph(s, plan=p))


def plans_graph(store: Store, plan_iris: list[str]) -> nx.DiGraph:
    """The networks of several plans in one graph (a municipality's, or those around a node)."""
    graphs = [plan_graph(store, p) for p in plan_iris]
    return nx.compose_all(graphs) if graphs else nx.DiGraph()


def municipality_graph(store: Store, municipality: str) -> nx.DiGraph:
    """The networks of every plan of one municipality that has elements."""
    return plans_graph(store, [p.iri for p in plans(store, municipality=municipality)])


def node_graph(store: Store, node: str) -> nx.DiGraph:
    """The networks of the plans (at most :data:`NODE_PLANS`) whose network holds ``node``:
    enough to draw its neighbourhood without reading the whole country."""
    found = list(dict.fromkeys(r["plan"] for r in _rows(store, "_node-plans", n=node)))
    return plans_graph(store, found[:NODE_PLANS])


def whole_graph(store: Store) -> nx.DiGraph:
    """The whole store's alignment network, once per store version (small stores only: see :func:`is_national`)."""
    return memo(store, "views.alignment_graph", al.alignment_graph)
