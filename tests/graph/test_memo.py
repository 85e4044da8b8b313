"""graph.memo: whole-store answers kept per store version; every kind of write changes the version."""

from __future__ import annotations

import pyoxigraph as ox

from graph import memo as memo_module
from graph.dataset import triple_count
from graph.memo import memo
from graph.search import search
from graph.store import EmbeddedStore, Store

EX = "https://ex.org/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_every_write_changes_the_version(tmp_path):
    s = EmbeddedStore()
    seen = [s.version]
    s.load_data(f'<{EX}a> <{LABEL}> "一" .', format="nt", graph=EX + "g")
    seen.append(s.version)
    s.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}b> <{LABEL}> \"二\" }} }}")
    seen.append(s.version)
    s.replace_graph(EX + "g", [ox.Quad(ox.NamedNode(EX + "c"), ox.NamedNode(LABEL), ox.Literal("三"))])
    seen.append(s.version)
    f = tmp_path / "d.nt"
    f.write_text(f'<{EX}d> <{LABEL}> "四" .\n', encoding="utf-8")
    s.bulk_load_file(f, graph=EX + "h")
    seen.append(s.version)
    assert seen == sorted(set(seen)) and len(seen) == 5  # strictly increasing


def test_answers_are_kept_until_a_write_and_counts_follow_it():
    s = EmbeddedStore()
    s.load_data(f'<{EX}a> <{LABEL}> "行政" .', format="nt", graph=EX + "g")
    queries = []
    real = s.query
    s.query = lambda text, **kw: queries.append(text) or real(text, **kw)  # type: ignore[method-assign]
    assert triple_count(s) == 1
    counted = len(queries)  # the predicates, then one count per predicate
    assert triple_count(s) == 1 and len(queries) == counted == 2  # counted once, not once per call
    assert [h.label for h in search(s, "行政")] == ["行政"]
    s.load_data(f'<{EX}b> <{LABEL}> "行政計画" .', format="nt", graph=EX + "g")
    assert triple_count(s) == 2
    assert sorted(h.label for h in search(s, "行政")) == ["行政", "行政計画"]


class _Remote(Store):
    """A store that is not embedded: others may write to it, so answers also expire."""

    def __len__(self) -> int:
        return 0


def test_answers_about_a_remote_store_also_expire(monkeypatch):
    store, calls = _Remote(), []
    clock = [1000.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: clock[0])
    compute = lambda s: calls.append(1) or len(calls)  # noqa: E731
    assert memo(store, "k", compute) == 1
    clock[0] += memo_module.REMOTE_MAX_AGE_S - 1
    assert memo(store, "k", compute) == 1
    clock[0] += 2
    assert memo(store, "k", compute) == 2


def test_triple_count_is_the_distinct_triples_of_the_union_counted_per_predicate():
    # the same triple in two graphs counts once; two predicates on one subject count twice;
    # a blank-node subject and a literal object count like any other
    s = EmbeddedStore()
    s.load_data('<https://ex.org/a> <https://ex.org/p> "x" <https://ex.org/g1> .\n'
                '<https://ex.org/a> <https://ex.org/p> "x" <https://ex.org/g2> .\n'
                '<https://ex.org/a> <https://ex.org/q> "x" <https://ex.org/g2> .\n'
                '_:b <https://ex.org/p> <https://ex.org/a> <https://ex.org/g1> .\n'
                '<https://ex.org/c> <https://ex.org/p> "x" .\n', format="nq")
    expected = len({(q.subject, q.predicate, q.object) for q in s.quads()})
    assert len(s) == 5 and expected == 4
    assert triple_count(s) == expected
