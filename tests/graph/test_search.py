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
