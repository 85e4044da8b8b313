"""graph.search: width, kana and case folding; ranking; index rebuilt when the store changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.search import normalize, search
from graph.store import EmbeddedStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "mini.trig"
PLAN = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"


@pytest.fixture()
def store():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return s


def iris(hits):
    return [h.iri for h in hits]


@pytest.mark.parametrize("query", ["ぎょうせい", "ギョウセイ", "ｷﾞｮｳｾｲ", "ぎょうせい手続"])
def test_kana_and_width_folding(store, query):
    assert iris(search(store, query)) == [PLAN + "/measure/1"]


@pytest.mark.parametrize("query", ["ICT", "ＩＣＴ", "ict", "ｉｃｔ人材"])
def test_full_width_and_case_folding(store, query):
    hits = search(store, query)
    assert iris(hits) == [PLAN + "/measure/2"]
    assert hits[0].label == "ICT人材の育成"


def test_label_and_type_in_chosen_language_and_english_label_matches(store):
    hit = search(store, "telework", "ja")[0]
    assert hit.iri == "https://w3id.org/plangraph/id/test/テーマ/テレワーク"
    assert hit.label == "テレワーク" and hit.matched == "Telework"
    assert search(store, "テレワーク", "en")[0].label == "Telework"


def test_every_word_must_match_and_exact_label_ranks_first(store):
    assert set(iris(search(store, "上質 経営"))) == {PLAN + "/policy/3"}
    hits = search(store, "上質な行政サービス")
    assert hits[0].iri == PLAN + "/policy/2"


def test_no_match_and_empty_query(store):
    assert search(store, "存在しない語") == []
    assert search(store, "   ") == []


def test_index_rebuilt_after_the_store_changes(store):
    assert search(store, "デジタル人材") == []
    store.load_data('<https://ex.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "デジタル人材"@ja .',
                    format="nt", graph="https://ex.org/g")
    assert iris(search(store, "でじたる人材")) == ["https://ex.org/x"]


def test_normalize():
    assert normalize("ＡＢＣ　ｱｲｳ") == "abc あいう"


def test_latin_words_match_at_word_starts_only(store):
    store.load_data('<https://ex.org/c> <http://www.w3.org/2000/01/rdf-schema#label> "Source conflict"@en .',
                    format="nt", graph="https://ex.org/g")
    assert "https://ex.org/c" not in iris(search(store, "ict"))
    assert iris(search(store, "confl")) == ["https://ex.org/c"]


def test_plangraph_type_is_preferred_for_display(store):
    theme = "https://w3id.org/plangraph/id/test/テーマ/テレワーク"
    store.load_data(f'<{theme}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept> .', format="nt",
                    graph="https://ex.org/g")
    hit = search(store, "テレワーク")[0]
    assert hit.iri == theme and hit.type == "https://w3id.org/plangraph/ontology#BackgroundTheme"


# --- the compact index (one string of keys; national stores) ------------------------

ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _store(nt: str) -> EmbeddedStore:
    s = EmbeddedStore()
    s.load_data(nt, format="nq")
    return s


def test_a_word_never_matches_across_two_labels():
    # keys sit side by side in one string: "ab" then "cd" must not make "bc"
    s = _store(f'<https://ex.org/a> <{LABEL}> "ab" <https://ex.org/g> .\n'
               f'<https://ex.org/c> <{LABEL}> "cd" <https://ex.org/g> .\n'
               f'<https://ex.org/e> <{LABEL}> "x\\u0000y" <https://ex.org/g> .\n')
    assert iris(search(s, "bc")) == [] and iris(search(s, "ab")) == ["https://ex.org/a"]
    assert iris(search(s, "cd")) == ["https://ex.org/c"]
    assert iris(search(s, "x y")) == ["https://ex.org/e"]  # a NUL inside a label is a space


def test_latin_word_at_the_start_of_a_label_and_not_inside_a_word():
    s = _store(f'<https://ex.org/a> <{LABEL}> "conflict" <https://ex.org/g> .\n'
               f'<https://ex.org/b> <{LABEL}> "ict人材" <https://ex.org/g> .\n')
    assert iris(search(s, "ict")) == ["https://ex.org/b"]


def test_a_label_stated_in_two_graphs_is_indexed_once_and_other_stores_read_the_same_pairs():
    from graph.search import LabelIndex

    nq = (f'<https://ex.org/a> <{LABEL}> "施策"@ja <https://ex.org/g1> .\n'
          f'<https://ex.org/a> <{LABEL}> "施策"@ja <https://ex.org/g2> .\n'
          f'<https://ex.org/a> <http://www.w3.org/2004/02/skos/core#altLabel> "施策"@en <https://ex.org/g2> .\n'
          f'_:b <{LABEL}> "施策の空白ノード"@ja <https://ex.org/g2> .\n')
    s = _store(nq)
    index = LabelIndex(s)
    assert len(index) == 2  # ja and en; the repeat in g2 once; a blank node is not a resource to link
    hits = search(s, "施策")
    assert [(h.iri, h.label, h.matched) for h in hits] == [("https://ex.org/a", "施策", "施策")]
    # the generic Store.pairs (a SPARQL SELECT, what a RemoteStore runs) gives what the embedded index reads
    from graph.store import Store
    generic = sorted((str(a), str(b)) for a, b in Store.pairs(s, LABEL, ALT))
    assert generic == sorted((str(a), str(b)) for a, b in s.pairs(LABEL, ALT))
    assert {str(b) for _, b in s.pairs(ALT)} == {'"施策"@en'}


def test_a_resources_matched_label_does_not_depend_on_the_order_labels_were_read():
    # a remote store reads the label properties graph by graph, the embedded one property by property
    s = _store(f'<https://ex.org/a> <http://www.w3.org/2004/02/skos/core#prefLabel> "施策イ"@ja <https://ex.org/g> .\n'
               f'<https://ex.org/a> <{LABEL}> "施策ア"@ja <https://ex.org/g> .\n')
    assert [h.matched for h in search(s, "施策")] == ["施策ア"]  # equal scores: the first in text order


def test_a_big_stores_index_is_not_waited_for(monkeypatch):
    import threading

    import graph.search as gs
    from graph.errors import NotReady

    release, build = threading.Event(), gs.LabelIndex
    monkeypatch.setattr(gs, "LabelIndex", lambda store: release.wait(10) and build(store))
    s = _store(f'<https://ex.org/a> <{LABEL}> "施策" <https://ex.org/g> .\n')
    with pytest.raises(NotReady) as caught:
        search(s, "施策", wait_s=0.05)
    assert caught.value.status == 503
    release.set()
    assert iris(search(s, "施策", wait_s=5)) == ["https://ex.org/a"]
