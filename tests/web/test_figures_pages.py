"""The figure pages on the real Saitama graph (and on the synthetic fixture for measures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views" / "sample-plan.trig"
BASE = "https://w3id.org/plangraph/id/"
SAITAMA = BASE + "lg/111007/plan/digital-2021"
SAMPLE = BASE + "lg/999990/plan/dx-2024"


@pytest.fixture(scope="module")
def client(saitama_store):
    from web import create_app

    return create_app(store=saitama_store).test_client()


@pytest.fixture(scope="module")
def sample_client():
    from graph.store import EmbeddedStore
    from web import create_app

    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return create_app(store=s).test_client()


def _text(client, path, **q) -> str:
    r = client.get(path, query_string=q)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def test_index_lists_four_figures(client):
    page = _text(client, "/figures")
    for n in (1, 2, 3, 4):
        assert f'href="/figures/{n}?plan=' in page
    assert "図表2 基本理念・基本方針と上位計画の関連性" in page


@pytest.mark.parametrize("n,query", [(1, "figure1-position"), (2, "figure2-upper-plans"),
                                     (3, "figure3-overview"), (4, "figure4-period")])
def test_each_figure_links_to_its_query(client, n, query):
    page = _text(client, f"/figures/{n}")
    href = re.search(rf'href="(/queries/{query}\?plan=[^"]+)"', page).group(1).replace("&amp;", "&")
    from graph.queries import get_query

    assert get_query(query).parameters[0].name == "plan"
    # the link resolves to the named-query page (its own tests cover running it; under a loaded
    # machine its query deadline may answer 503/504, never 404)
    assert client.get(href).status_code != 404


def test_figure1_page(client):
    page = _text(client, "/figures/1")
    for label in ("さいたま市総合振興計画", "しあわせ倍増プラン2017", "さいたま市成長加速化戦略",
                  "さいたま市まち・ひと・しごと創生総合戦略", "官民データ活用推進基本法", "官民データ活用推進計画",
                  "さいたま市行政デジタル化計画アクション・プラン", "第四次さいたま市情報化計画", "平成28年法律第103号"):
        assert label in page


def test_figure2_page_pairs_by_text_and_shows_the_conflict(client):
    page = _text(client, "/figures/2")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)
    assert len(rows) == 4
    shiawase = next(r for r in rows if "しあわせ倍増プラン2017" in r)
    assert "上質な行政経営" in shiawase and "上質な生活環境" not in shiawase
    assert 'id="conflicts"' in page and "図表と本文の不一致" in page and "本文が優先" in page



def test_figure2_english_page_names_what_a_conflict_concerns_in_english(client):
    english = client.application.test_client()  # its own cookie jar: the language cookie stays here
    page = _text(english, "/figures/2", lang="en")
    concerns = re.findall(r"— Concerns: (.*?)</p>", page)
    assert len(concerns) == 5
    assert any("High-quality administrative management" in c for c in concerns)
    assert not any(re.search(r"[\u3001\u3040-\u30ff\u4e00-\u9fff]", c) for c in concerns), concerns
    assert "High-quality living environment, Transformation into a high-quality-management city hall" in concerns

def test_figure3_says_there_are_no_measures(client, sample_client):
    page = _text(client, "/figures/3")
    assert 'id="no-measures"' in page and "上質な行政サービス" in page and "観点: 行政経営" in page
    sample = _text(sample_client, "/figures/3", plan=SAMPLE)
    assert 'id="no-measures"' not in sample
    assert "オンライン申請の拡大" in sample and "窓口のキャッシュレス化" in sample


def test_figure4_page_timeline(client):
    page = _text(client, "/figures/4")
    heads = re.findall(r'<th scope="col" data-year="(\d{4})">(.*?)<br>', page)
    assert heads == [("2021", "令和3年度"), ("2022", "令和4年度"), ("2023", "令和5年度"), ("2024", "令和6年度"),
                     ("2025", "令和7年度")]
    assert "(2021)" in page
    plan_row = re.search(r'<tr data-role="plan">.*?</tr>', page, re.S).group(0)
    assert plan_row.count('class="pg-on pg-plan"') == 5
    nxt = next(r for r in re.findall(r'<tr data-role="review">.*?</tr>', page, re.S) if "次期計画の検討" in r)
    assert re.findall(r'<td class="pg-mark" data-year="(\d{4})">', nxt) == ["2025"]


def test_english_titles_and_labels(client):
    assert "Figure 4: the plan period" in _text(client, "/figures/4", lang="en")
    page = _text(client, "/figures/3", lang="en")
    assert "High-quality administrative services" in page and "上質な行政サービス" not in page


def test_english_figures_cite_years_and_law_numbers_in_english(client):
    # 図表4: fiscal years as FY2021 (和暦 beneath), and no Japanese-only frequency notes (不断, 毎年):
    # the review's English label already says how often
    page = _text(client, "/figures/4", lang="en")
    heads = re.findall(r'<th scope="col" data-year="(\d{4})">(.*?)<br>', page)
    assert heads == [(str(y), f"FY{y}") for y in range(2021, 2026)]
    assert '<span class="pg-note" lang="ja">令和3年度</span>' in page
    assert "Annual review of the action plan" in page and "毎年" not in page and "不断" not in page
    assert "（毎年）" in _text(client, "/figures/4", lang="ja")
    # 図表1: the law number as the Japanese Law Translation database cites it
    page = _text(client, "/figures/1", lang="en")
    assert "(Act No. 103 of 2016)" in page and "平成28年法律第103号" not in page
    assert "（平成28年法律第103号）" in _text(client, "/figures/1", lang="ja")


def test_dataset_page_brackets_follow_the_language(client):
    assert "(with named graphs: provenance)" in _text(client, "/dataset", lang="en")
    assert "（名前付きグラフ（出典）付き）" in _text(client, "/dataset", lang="ja")


def test_unknown_figure_and_bad_plan(client):
    assert client.get("/figures/5").status_code == 404
    assert client.get("/figures/1", query_string={"plan": "not an iri"}).status_code == 400
