"""The synthetic national graph: seeded, valid codes, always marked synthetic, sized as promised."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from graph.errors import InputError
from graph.synthetic import (TRIPLES_PER_MUNICIPALITY, check_digit, generate_file, is_valid_code,
                             municipality_codes, write_graph)
from graph.vocab import PG

BASE = "https://w3id.org/plangraph/id/"


def _text(n: int, seed: int, **kw) -> str:
    buf = io.StringIO()
    write_graph(buf, municipalities=n, seed=seed, **kw)
    return buf.getvalue()


def _store(n: int, seed: int = 7) -> ox.Store:
    s = ox.Store()
    s.load(_text(n, seed).encode(), format=ox.RdfFormat.N_QUADS)
    return s


@pytest.mark.parametrize("code", ["111007", "011002", "130001", "010006", "271004", "141003"])
def test_real_codes_have_valid_check_digits(code):
    # さいたま市 111007, 札幌市 011002, 東京都 130001, 北海道 010006, 大阪市 271004, 横浜市 141003
    assert check_digit(code[:5]) == int(code[5])
    assert is_valid_code(code)


def test_wrong_check_digit_and_bad_input_are_rejected():
    assert not is_valid_code("111008")
    assert not is_valid_code("11100")
    with pytest.raises(InputError):
        check_digit("1110a")


def test_remainders_zero_and_one_wrap_to_one_and_zero():
    # 01400: 5+16 = 21, 21 mod 11 = 10 → 1;  20000: 12 mod 11 = 1 → 10 → 0;  11000: 11 mod 11 = 0 → 11 → 1
    assert check_digit("01400") == 1
    assert check_digit("20000") == 0
    assert check_digit("11000") == 1


def test_generated_codes_are_distinct_and_valid():
    codes = municipality_codes(1741)
    assert len(set(codes)) == 1741
    assert all(is_valid_code(c) for c in codes)
    assert {c[:2] for c in codes} == {f"{p:02d}" for p in range(1, 48)}


def test_same_seed_same_bytes_other_seed_other_graph():
    assert _text(3, seed=42) == _text(3, seed=42)
    assert _text(3, seed=42) != _text(3, seed=43)


def test_a_municipality_does_not_depend_on_how_many_are_generated():
    small = set(_text(2, seed=5).splitlines())
    big = set(_text(5, seed=5).splitlines())
    assert small <= big


def test_every_municipality_and_plan_is_marked_synthetic_and_lives_under_synthetic():
    s = _store(4)
    unmarked = s.query(f"""
        SELECT ?x WHERE {{
          {{ ?x a <{PG.Municipality}> }} UNION {{ ?x a <{PG.ComprehensivePlan}> }}
          UNION {{ ?x a <{PG.SectorPlan}> }} UNION {{ ?x a <{PG.Strategy}> }}
          FILTER NOT EXISTS {{ ?x <{PG.synthetic}> true }} }}""", use_default_graph_as_union=True)
    assert list(unmarked) == []
    subjects = {q.subject.value for q in s}
    assert all(x.startswith(BASE + "synthetic/") or x.startswith(BASE + "fy/") for x in subjects)
    assert not any(x.startswith(BASE + "lg/") for x in subjects)


def test_structure_counts_are_in_the_promised_ranges():
    s = _store(3)
    rows = s.query(f"""
        SELECT ?pol (COUNT(DISTINCT ?m) AS ?measures) WHERE {{
          ?pol a <{PG.BasicPolicy}> . ?m <{PG.parentElement}> ?pol ; a <{PG.Measure}> }}
        GROUP BY ?pol""", use_default_graph_as_union=True)
    counts = [int(r["measures"].value) for r in rows]
    assert counts and all(5 <= c <= 15 for c in counts)
    per_plan = s.query(f"""
        SELECT ?plan (COUNT(?pol) AS ?n) WHERE {{ ?pol a <{PG.BasicPolicy}> ; <{PG.partOfPlan}> ?plan }}
        GROUP BY ?plan""", use_default_graph_as_union=True)
    assert all(3 <= int(r["n"].value) <= 5 for r in per_plan)
    projects = s.query(f"""
        SELECT ?m (COUNT(?p) AS ?n) WHERE {{ ?m <{PG.hasProject}> ?p }} GROUP BY ?m""",
                       use_default_graph_as_union=True)
    assert all(1 <= int(r["n"].value) <= 4 for r in projects)


def test_national_strategies_are_shared_by_every_municipality():
    s = _store(3)
    rows = s.query(f"""
        SELECT ?nat (COUNT(DISTINCT ?lg) AS ?n) WHERE {{
          ?plan <{PG.upperPlan}> ?nat ; <{PG.publisher}> ?lg . ?nat a <{PG.Strategy}> }}
        GROUP BY ?nat""", use_default_graph_as_union=True)
    assert max(int(r["n"].value) for r in rows) == 3


def test_labels_in_japanese_and_english():
    s = _store(1)
    label = s.query(f"""SELECT ?ja ?en WHERE {{ ?m a <{PG.Municipality}> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?ja, ?en
        FILTER(lang(?ja) = "ja" && lang(?en) = "en") }}""", use_default_graph_as_union=True)
    row = next(label)
    assert row["ja"].value == "合成市011002"
    assert row["en"].value == "Synthetic City 011002"


def test_triples_per_municipality_match_the_published_estimate():
    one, eleven = len(_text(1, seed=3).splitlines()), len(_text(11, seed=3).splitlines())
    per = (eleven - one) / 10
    assert 0.8 * TRIPLES_PER_MUNICIPALITY < per < 1.2 * TRIPLES_PER_MUNICIPALITY


def test_one_named_graph_per_municipality_plus_the_national_graph():
    s = _store(3)
    graphs = sorted(g.value for g in s.named_graphs())
    assert graphs == [BASE + "graph/synthetic/jp"] + [BASE + f"graph/synthetic/lg/{c}"
                                                    for c in sorted(municipality_codes(3))]


def test_generate_file_writes_atomically_and_parses(tmp_path):
    out = tmp_path / "sub" / "country.nt"
    n = generate_file(out, municipalities=2, seed=1)
    assert n == len(out.read_text(encoding="utf-8").splitlines())
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))) == n
    assert [p.name for p in out.parent.iterdir()] == ["country.nt"]
    with pytest.raises(InputError):
        generate_file(tmp_path / "x.ttl", municipalities=1)
    assert not (tmp_path / "x.ttl").exists()


def test_base_iri_is_configurable():
    text = _text(1, seed=1, base_iri="https://example.org/pg/")
    assert "https://w3id.org/plangraph/id/" not in text
    assert "<https://example.org/pg/synthetic/lg/011002>" in text
