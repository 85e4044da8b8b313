"""Findings of the QA pass over the running app, each kept as a test that would have caught it."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, urlencode
from pathlib import Path

import pytest

from web import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(saitama_store):
    """A client of the app on the real Saitama graph (read-only)."""
    app = create_app({"TESTING": True}, store=saitama_store)
    yield app.test_client()
    app.extensions["plangraph.executor"].close()


def html(resp) -> str:
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("url, current", [("/views", "ネットワーク図"), ("/figures", "図表"),
                                          ("/figures/2", "図表"), ("/reports", "レポート"),
                                          ("/reports/gaps", "レポート")])
def test_nav_reaches_reports_and_marks_the_current_section(client, url, current):
    body = html(client.get(url))
    nav = body[body.index("<nav"):body.index("</nav>")]
    assert 'href="/reports"' in nav
    marked = re.findall(r'<a href="[^"]*"\s+aria-current="page">([^<]+)</a>', nav)
    assert marked == [current], url


def _import_app(tmp_path):
    from graph.store import EmbeddedStore
    from graph.sources import ontology_files

    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(ROOT / "data" / "sample" / "sample-city.ttl")
    return create_app({"TESTING": True, "import_dir": str(tmp_path), "update_token": "t"}, store=store)


def test_import_form_names_columns_by_their_spreadsheet_letters(tmp_path):
    body = html(_import_app(tmp_path).test_client().get("/import"))
    cells = re.findall(r"<tr><td>([^<]+)</td>\s*<td>([^<]+)</td>", body)
    assert cells[0] == ("A", "区分") and cells[5] == ("F", "基本方針") and cells[-1] == ("N", "備考")


def test_import_missing_columns_point_at_the_header_not_at_another_column(tmp_path):
    import io

    app = _import_app(tmp_path)
    form = {"plan": "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024", "token": "t",
            "file": (io.BytesIO("a,b,c\n1,2,3\n".encode()), "wrong.csv")}
    resp = app.test_client().post("/import/action-plan", data=form, content_type="multipart/form-data")
    body = html(resp)
    assert resp.status_code == 400
    assert "wrong.csv:1行（見出し）: 必須の列「区分」がありません" in body
    assert "D列" not in body
    assert list(tmp_path.iterdir()) == []


def test_404_page_speaks_the_page_language(client):
    ja = client.get("/no-such-page?lang=ja")
    assert ja.status_code == 404
    assert "このページはありません" in html(ja) and "no such page" not in html(ja)
    en = client.get("/no-such-page?lang=en")
    assert "no such page" in html(en) and "このページはありません" not in html(en)
    api = client.get("/no-such-page.json")  # a program cannot say which language its reader reads: both
    assert api.get_json()["error"] == "no such page / このページはありません。アドレス（URL）を確かめてください。"


def test_query_error_titles_are_japanese_on_a_japanese_page(client):
    ja = html(client.get("/queries/plan-structure?plan=not+an+iri&lang=ja"))
    assert "パラメータの値が正しくありません" in ja and "Bad query parameter" not in ja
    en = html(client.get("/queries/plan-structure?plan=not+an+iri&lang=en"))
    assert "Bad query parameter" in en
    bad = html(client.get("/query?query=SELEKT+*&lang=ja"))
    assert "クエリの構文が正しくありません" in bad
    long = client.get("/query", query_string={"query": "SELECT * {} #" + "x" * 30_000, "lang": "ja"})
    assert long.status_code == 413 and "クエリが長すぎます" in html(long)


def test_every_error_class_has_a_japanese_title():
    import inspect

    from graph import errors
    from web.i18n import ERROR_TITLES_JA

    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.PlanGraphError):
            assert cls.title in ERROR_TITLES_JA, cls


def test_figures_pick_the_plan_by_its_name_not_by_typing_an_iri(client):
    index = html(client.get("/figures?lang=ja"))
    start = index.index('<form class="pg-filters"')
    form = index[start:index.index("</form>", start)]
    assert 'type="url"' not in form
    assert re.search(r'<option value="https://w3id.org/plangraph/id/lg/111007/plan/digital-2021" selected>'
                     r"さいたま市行政デジタル化計画</option>", form)
    page = html(client.get("/figures/4?lang=ja"))
    line = re.search(r'<p class="pg-plan-line">.*?</p>', page, re.S).group(0)
    assert ">さいたま市行政デジタル化計画</a>" in line


def test_view_filters_offer_only_the_chosen_plans_policies_and_upper_plans():
    from graph.store import EmbeddedStore
    from graph.sources import data_files, ontology_files

    store = EmbeddedStore()
    for f in [*ontology_files(), *data_files([ROOT / "data" / "saitama", ROOT / "data" / "sample"])]:
        store.load_file(f)
    app = create_app({"TESTING": True}, store=store)
    c = app.test_client()
    sample = "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024"

    def options(body: str, name: str) -> list[str]:
        select = re.search(rf'<select name="{name}">(.*?)</select>', body, re.S).group(1)
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)[1:]

    every = html(c.get("/views?lang=ja"))
    assert "(1) 上質な生活環境 — さいたま市行政デジタル化計画" in options(every, "policy")
    assert "(1) 暮らしのデジタル化 — サンプル市デジタル化計画（架空）" in options(every, "policy")
    one = html(c.get("/views", query_string={"plan": sample, "lang": "ja"}))
    assert options(one, "policy") == ["(1) 暮らしのデジタル化", "(2) 行政サービスのデジタル化", "(3) 行政経営のデジタル化"]
    assert options(one, "upper") and all("サンプル市" in u for u in options(one, "upper"))
    app.extensions["plangraph.executor"].close()


def test_home_and_dataset_page_give_the_same_triple_count(client):
    def count(body: str) -> str:
        return re.search(r"<dt>トリプル数</dt><dd>([\d,]+)</dd>", body).group(1)

    assert count(html(client.get("/?lang=ja"))) == count(html(client.get("/dataset?lang=ja")))


def test_a_check_only_import_does_not_say_imported_nor_link_to_the_unwritten_plan(tmp_path):
    import io

    app = _import_app(tmp_path)
    sheet = (ROOT / "data" / "sample" / "sample-city-action-plan.csv").read_bytes()
    form = {"plan": "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024", "token": "t",
            "dry_run": "1", "file": (io.BytesIO(sheet), "plan.csv")}
    body = html(app.test_client().post("/import/action-plan", data=form, content_type="multipart/form-data"))
    assert "<h1>検査が終わりました（問題はありません）</h1>" in body and "取込が完了しました" not in body
    assert "アクション・プランを開く" not in body  # the action plan was not written: its page would be a 404
    assert re.search(r"<dt>施策</dt><dd>7</dd>", body)


def test_import_form_preselects_a_plan_with_policies_or_the_asked_one(client):
    def selected(body: str) -> str:
        return re.search(r'<option value="([^"]+)" selected>', body).group(1)

    saitama = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"
    assert selected(html(client.get("/import"))) == saitama  # not さいたま市まち・ひと・しごと創生総合戦略 (an upper plan)
    other = "https://w3id.org/plangraph/id/lg/111007/plan/sogo-shinko"
    assert selected(html(client.get("/import", query_string={"plan": other}))) == other


def test_a_permalink_to_an_unknown_named_query_says_so(client):
    resp = client.get("/query?name=no-such-question&lang=ja")
    assert resp.status_code == 404
    body = html(resp)
    assert 'role="alert"' in body and "その定型クエリはありません" in body and "no-such-question" in body


def test_named_query_csv_opens_in_excel_without_mojibake(client):
    """Excel on Japanese Windows needs the UTF-8 BOM, or it reads the file as Shift_JIS."""
    data = client.get("/queries/plan-structure.csv").data
    assert data.startswith(b"\xef\xbb\xbfplan,")
    assert "上質な行政経営" in data.decode("utf-8-sig")


def test_figures_index_links_each_query_with_the_plan_filled_in(client):
    """The figure queries require ?plan: a link without it opens an empty form."""
    body = html(client.get("/figures?lang=ja"))
    links = re.findall(r'href="(/queries/figure[^"]*)"', body)
    assert len(links) == 4
    assert all("plan=https" in link for link in links), links
    answer = client.get(links[0].replace("&amp;", "&").replace("/queries/figure1-position", "/queries/figure1-position.json"))
    assert answer.get_json()["ok"] and answer.get_json()["rows"]


def test_every_api_link_on_the_queries_index_answers(client):
    body = html(client.get("/queries?lang=ja"))
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/queries/[^"]+\.(?:json|csv)[^"]*)"', body)]
    assert len(links) >= 40
    failing = [(link, r.status_code) for link in links if (r := client.get(link)).status_code != 200]
    assert failing == []


def test_network_view_link_only_where_the_network_has_the_node(client):
    policy = html(client.get("/id/lg/111007/plan/digital-2021/policy/3?lang=ja"))
    assert "/views/ego?node=" in policy
    assertion = html(client.get("/id/lg/111007/plan/digital-2021/prov/s2-2-ict-measures?lang=ja"))
    assert "/views/ego?node=" not in assertion  # its network view would be empty


def test_home_starts_planners_at_the_figures_and_reports_too(client):
    body = html(client.get("/?lang=ja"))
    start = body[body.index('id="start-h"'):body.index('id="q-h"')]
    for href in ('href="/views"', 'href="/figures"', 'href="/reports"'):
        assert href in start


# --- The UI review of error messages: each page speaks its own language -------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
POLICY = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021/policy/3"
GOAL = "https://w3id.org/plangraph/id/lg/111007/plan/sogo-shinko/goal/1"


def error_message(resp) -> str:
    """The error sentence a page shows (the error page's, or the query pages' error box)."""
    found = re.search(r'<p class="error-message">(.*?)</p>', html(resp), re.S)
    assert found, html(resp)[:2000]
    return unescape(found.group(1))


def both(client, url: str) -> tuple[str, str, int]:
    sep = "&" if "?" in url else "?"
    ja, en = client.get(url + sep + "lang=ja"), client.get(url + sep + "lang=en")
    assert ja.status_code == en.status_code
    return error_message(ja), error_message(en), ja.status_code


@pytest.mark.parametrize("url", ["/views?plan=" + quote("<script>x</script>"), "/figures/1?plan=not-an-iri",
                                 "/queries/plan-structure?plan=not-an-iri", "/query?name=plan-structure&plan=x+y"])
def test_a_bad_plan_parameter_is_said_in_the_page_language_only(client, url):
    # The review: "parameter plan (計画): not an absolute IRI: '…' / パラメータ plan の値が不正です" on both pages.
    ja, en, status = both(client, url)
    assert status == 400
    assert ja.startswith("パラメータ plan（計画）の値「") and "IRI" in ja and "not an" not in ja
    assert en.startswith("parameter plan (Plan): ") and not JAPANESE.search(en)


@pytest.mark.parametrize("url", ["/resource?iri=" + quote("https://ex.org/a b"), "/id/" + quote("<script>x</script>")])
def test_an_address_that_is_not_an_iri_is_explained_in_the_page_language(client, url):
    ja, en, status = both(client, url)
    assert status == 404
    assert "は IRI ではないため、データセットにはありません。" in ja and "not an IRI" not in ja
    assert "is not an IRI" in en and not JAPANESE.search(en)


@pytest.mark.parametrize("query, ja_words, en_words", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE は使えません", "SERVICE is not allowed"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "データを変更する SPARQL Update です", "queries here are read-only"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "このストアのグラフではありません",
     "not a graph of this store"),
    ("SELECT ?x WHERE { ?s foo:bar ?o }", "接頭辞 foo: が定義されていません（1 行 22 列）",
     "prefix foo: is not defined (line 1, column 22)"),
    ("SELECT * WHERE { ?s ?p ", "クエリが途中で終わっています（1 行 16 列の「{」が閉じられていません）",
     "the query ends unexpectedly: the '{' at line 1, column 16 is never closed"),
])
def test_the_query_page_says_why_a_query_cannot_run_in_its_language(client, query, ja_words, en_words):
    ja, en, status = both(client, "/query?" + urlencode({"query": query}))
    assert status == 400
    assert ja_words in ja and not re.search(r"[a-z]{4,} [a-z]{4,}", ja.replace("Update", "")), ja
    assert en_words in en and not JAPANESE.search(en)
    assert "'\\u{00B7}'" not in ja + en and "Expected SelectQuery" not in ja + en  # no parser dump in the sentence


def test_the_parsers_own_words_stay_on_the_page_folded_away(client):
    body = html(client.get("/query", query_string={"query": "SELECT * WHERE { ?s ?p ", "lang": "ja"}))
    detail = re.search(r'<details class="error-detail"><summary>(.*?)</summary><pre>(.*?)</pre>', body, re.S)
    assert detail and "構文解析器" in detail.group(1) and "Expected SelectQuery" in detail.group(2)


def test_a_fiscal_year_is_explained_in_each_language(client):
    ja, en, status = both(client, "/queries/plans-in-force?fiscal_year=abc")
    assert status == 400
    assert "年度として読めません" in ja and "令和3年度" in ja
    assert "not a fiscal year" in en and "FY2021" in en and not JAPANESE.search(en)


@pytest.mark.parametrize("url", ["/queries/nope", "/query?name=nope"])
def test_an_unknown_question_says_so_and_links_to_the_questions(client, url):
    # The review: the page listed the 27 file names of the named queries.
    for lang, words in (("ja", "定型クエリ「nope」はありません。"), ("en", "there is no named query 'nope'")):
        resp = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert resp.status_code == 404 and error_message(resp) == words
        box = html(resp)[html(resp).index('class="error-message"'):]
        box = box[:box.index("</p>", box.index("error-next"))]
        assert '<a href="/queries">' in box and "figure1-position" not in box


def test_explain_names_its_own_parameters_and_checks_the_goal(client):
    # The review: "parameter n (節点)" for a bad element; a bad goal answered "no path".
    bad_element = client.get("/reports/explain", query_string={"element": "abc", "goal": GOAL, "lang": "ja"})
    assert bad_element.status_code == 400 and error_message(bad_element).startswith("パラメータ element（要素）の値「abc」")
    bad_goal = client.get("/reports/explain", query_string={"element": POLICY, "goal": "abc", "lang": "en"})
    assert bad_goal.status_code == 400 and error_message(bad_goal).startswith("parameter goal (Upper-plan goal): ")


def test_explain_says_an_element_is_not_in_the_data_rather_than_no_path(client):
    resp = client.get("/reports/explain", query_string={"element": "https://example.org/x", "goal": GOAL,
                                                        "lang": "ja"})
    assert resp.status_code == 404 and 'id="no-path"' not in html(resp)
    assert "要素 <https://example.org/x> はどの計画の整合性ネットワークにもありません" in error_message(resp)
    assert 'id="no-path"' in html(client.get("/reports/explain", query_string={  # a real "no" still says so
        "element": POLICY, "goal": "https://w3id.org/plangraph/id/lg/111007/plan/seicho-kasokuka/goal/1"}))


@pytest.mark.parametrize("url", ["/figures/1?plan=https://example.org/x", f"/figures/2?plan={POLICY}",
                                 "/figures?plan=https://example.org/x"])
def test_a_figure_of_something_that_is_no_plan_is_not_found(client, url):
    # The review: 200 with six boxes "グラフにはこの項目の記述がありません".
    ja, en, status = both(client, url)
    assert status == 404
    assert ja.startswith("グラフには計画 <") and "がありません" in ja
    assert en.startswith("the graph holds no plan <") and not JAPANESE.search(en)
