"""Pages: layout and language switch, the query page, named queries as HTML/JSON/CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from graph.queries import list_queries
from graph.store import EmbeddedStore
from graph.sources import ontology_files
from graph.vocab import PREFIXES
from web import create_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "mini.trig"
ID = "https://w3id.org/plangraph/id/"
PLAN = ID + "lg/111007/plan/digital-2021"
PAGES = ["/", "/query", "/queries", "/queries/plan-structure", "/dataset", "/search?q=ICT",
         "/id/lg/111007/plan/digital-2021/policy/3", "/query?name=plan-structure"]


@pytest.fixture(scope="module")
def app(saitama_store):
    """The app on the real Saitama graph (read-only)."""
    return create_app({"TESTING": True}, store=saitama_store)


@pytest.fixture()
def client(app):
    """A fresh client per test: the language cookie must not leak between tests."""
    return app.test_client()


def mini_client(**config):
    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(FIXTURE)
    store.load_data('<https://w3id.org/plangraph/id/test/formula> '
                    '<http://www.w3.org/2000/01/rdf-schema#label> "=HYPERLINK(\\"x\\") 式テスト"@ja .',
                    format="nt", graph=ID + "graph/test")
    return create_app({"TESTING": True, **config}, store=store).test_client()


def html(resp) -> str:
    return resp.get_data(as_text=True)


# --- layout, language -----------------------------------------------------------------

@pytest.mark.parametrize("url", PAGES)
def test_pages_are_japanese_first_with_nav_and_english_switch(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, url
    body = html(resp)
    assert '<html lang="ja">' in body
    for label in ("ホーム", "SPARQL クエリ", "定型クエリ", "データセット", "検索", 'href="/views"', 'href="/figures"'):
        assert label in body
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', body).group(1)
    target = urlparse(switch.replace("&amp;", "&"))
    assert target.path == urlparse(url).path  # the switch keeps the current page
    assert parse_qs(target.query)["lang"] == ["en"]
    for k, v in parse_qs(urlparse(url).query).items():
        assert parse_qs(target.query)[k] == v


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_style_or_external_assets(client, url):
    """CSP script-src/style-src 'self': scripts and styles come from files served by the app."""
    body = html(client.get(url))
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<style\b", body)
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)
    for ref in re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', body):
        assert ref.startswith("/"), ref  # nothing from a CDN or external font host


def test_english_switch_and_cookie_remembers_it(client):
    resp = client.get("/?lang=en")
    body = html(resp)
    assert '<html lang="en">' in body and "Named queries" in body and ">日本語<" in body
    assert "plangraph_lang=en" in resp.headers["Set-Cookie"]
    assert '<html lang="en">' in html(client.get("/queries"))  # remembered
    assert '<html lang="ja">' in html(client.get("/queries?lang=ja"))
    assert '<html lang="ja">' in html(client.get("/queries"))


def test_every_ui_message_has_both_languages():
    from web.i18n import MESSAGES

    for key, entry in MESSAGES.items():
        assert entry.get("ja") and entry.get("en"), key


def test_static_assets_are_served_with_licence(client):
    for path in ("/static/css/site.css", "/static/js/query.js", "/static/vendor/codemirror/codemirror.js",
                 "/static/vendor/codemirror/sparql.js", "/static/vendor/codemirror/codemirror.css"):
        assert client.get(path).status_code == 200, path
    assert "MIT License" in html(client.get("/static/vendor/codemirror/LICENSE"))


def test_home_links_the_plan_and_lists_named_queries(client):
    body = html(client.get("/"))
    assert 'href="/id/lg/111007/plan/digital-2021"' in body
    for q in list_queries():
        assert q.title_ja in body


# --- query page ---------------------------------------------------------------------------

def test_query_page_prefills_prefixes_and_lists_named_queries(client):
    body = html(client.get("/query"))
    for prefix, ns in PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{ns}&gt;" in body
    assert 'src="/static/vendor/codemirror/codemirror.js"' in body
    assert '<textarea id="query" name="query"' in body  # works as a plain form without JS
    for q in list_queries():
        assert f">{q.title_ja}</option>" in body
    assert "計画の体系" in body  # a description travels in the catalogue for the script


def test_named_query_on_query_page_runs_and_labels_iris(client):
    body = html(client.get("/query?name=plan-structure"))
    assert 'id="param-plan"' in body
    assert 'class="results-table"' in body
    # IRIs link to entity pages and show Japanese labels
    assert re.search(r'<a href="/id/lg/111007/plan/digital-2021/policy/3" class="iri"[^>]*>上質な行政経営</a>', body)
    assert 'href="/queries/plan-structure.csv?plan=' in body
    assert 'class="permalink"' in body and "/query?name=plan-structure&amp;plan=" in body


def test_free_text_query_runs_with_labels_downloads_and_permalink(client):
    q = f"SELECT ?p WHERE {{ <{PLAN}/policy/3> <https://w3id.org/plangraph/ontology#partOfPlan> ?p }}"
    resp = client.get("/query", query_string={"query": q})
    body = html(resp)
    assert resp.status_code == 200
    assert ">さいたま市行政デジタル化計画</a>" in body
    assert 'href="/sparql?query=' in body and "format=csv" in body
    link = re.search(r'href="([^"]+)" class="permalink"', body).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(link).query)["query"] == [q]  # the permalink reproduces the query


def test_edited_named_query_runs_as_free_text(client):
    text = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
    body = html(client.get("/query", query_string={"name": "plan-structure", "query": text}))
    assert "<th scope=\"col\">x</th>" in body and "3 行" in body


def test_truncation_is_a_visible_notice():
    c = mini_client(max_rows=2)
    body = html(c.get("/query", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}))
    assert 'data-truncated="true"' in body and "行数の上限（2 行、設定 max_rows）に達した" in body
    assert "2 行以上" in body  # the count says the answer has more rows than it holds
    assert html(c.get("/query", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})).count(
        'data-truncated') == 0


def test_a_page_of_a_longer_answer_says_how_many_it_shows_and_where_the_rest_is(monkeypatch):
    """Not 'cut at 1000 rows' under '2045 行': the answer is whole, the page shows its start."""
    import web.pages

    monkeypatch.setattr(web.pages, "PAGE_ROWS", 3)
    c = mini_client()
    body = html(c.get("/query", query_string={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }"}))
    assert "5 行" in body and "5 行以上" not in body
    assert "最初の 3 行を表示しています" in body and "上限" not in body
    assert body.count("<tr>") == 1 + 3
    english = html(c.get("/query", query_string={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }",
                                                 "lang": "en"}))
    assert "Showing the first 3 rows" in english and "5 row(s)" in english


@pytest.mark.parametrize("text,status,fragment", [
    ("SELECT * WHERE { ?s ?p }", 400, "クエリの構文が正しくありません"),  # the title in the page language
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "SERVICE"),
])
def test_query_errors_are_shown_in_the_page(text, status, fragment):
    resp = mini_client(query_timeout_ms=60_000).get("/query", query_string={"query": text})  # a busy CI machine
    assert resp.status_code == status, re.sub(r"\s+", " ", html(resp))[-1500:]
    assert 'role="alert"' in html(resp) and fragment in html(resp)


# --- named queries as pages and APIs ------------------------------------------------------

def test_queries_index_lists_every_query_with_its_apis(client):
    body = html(client.get("/queries"))
    for q in list_queries():
        assert q.title_ja in body and f'href="/queries/{q.name}.json' in body  # required parameters: their example



def test_descriptions_link_the_questions_they_name_by_title(client):
    """"Use municipality-plans" named a file the lists never show; the description now names the
    question by its title and links it, in both languages."""
    page = html(client.get("/queries", query_string={"lang": "ja"}))
    assert "municipality-plans」" not in page
    assert '<a href="/queries/municipality-plans">「自治体の計画の一覧」</a>' in page
    named = html(client.get("/queries/label-search", query_string={"lang": "en"}))
    assert '<a href="/queries/municipality-label-search">&#34;Find by label within a municipality&#34;</a>' in named
    home = html(client.get("/", query_string={"lang": "ja"}))
    assert '<a href="/queries/municipality-plans-in-force">「自治体の、ある年度に計画期間中の計画」</a>' in home

def test_named_query_page_form_and_results(client):
    body = html(client.get("/queries/plan-structure"))
    assert "計画の体系" in body and 'name="plan"' in body and "上質な行政経営" in body
    english = html(client.get("/queries/plan-structure?lang=en"))
    assert "High-quality administrative management" in english


def test_named_query_json(client):
    resp = client.get("/queries/plan-structure.json", query_string={"plan": PLAN})
    data = resp.get_json()
    assert resp.status_code == 200 and data["ok"] is True and data["name"] == "plan-structure"
    assert data["parameters"] == {"plan": PLAN}
    assert "element" in data["columns"]
    assert f"{PLAN}/policy/3" in {r["element"] for r in data["rows"]}
    assert data["truncated"] is False


@pytest.mark.parametrize("url,status", [
    ("/queries/plan-structure.json?plan=not+an+iri", 400),
    ("/queries/plan-structure.json?nosuch=1", 400),
    ("/queries/label-search.json", 400),          # required parameter missing
    ("/queries/no-such-query.json", 404),
])
def test_named_query_json_errors_have_the_error_shape(client, url, status):
    resp = client.get(url)
    data = resp.get_json()
    assert resp.status_code == status
    assert data["ok"] is False and data["status"] == status and data["error"] and data["title"]


def test_named_query_csv_is_neutralised():
    resp = mini_client().get("/queries/label-search.csv", query_string={"q": "式テスト"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    cells = [c for r in rows[1:] for c in r]
    assert "'=HYPERLINK(\"x\") 式テスト" in cells
    assert not any(c.startswith("=") for c in cells)


def test_query_page_csv_link_asks_the_endpoint_for_spreadsheet_safety():
    """The endpoint's CSV is exact (the spec); the page's download link, which a planner opens in
    Excel, asks for formula cells to be neutralised."""
    import html as html_lib
    import re

    tc = mini_client()
    q = 'SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(CONTAINS(?l, "式テスト")) }'
    body = html(tc.get("/query", query_string={"query": q}))
    link = html_lib.unescape(re.search(r'<a href="([^"]+)" class="fmt" download>CSV</a>', body).group(1))
    assert "spreadsheet-safe=1" in link
    safe = tc.get(link)
    assert safe.data.startswith(b"\xef\xbb\xbf")  # Excel on a Japanese Windows needs the BOM for UTF-8
    assert safe.headers["Content-Disposition"] == 'attachment; filename="query.csv"'
    cells = [c for r in csv.reader(io.StringIO(safe.get_data(as_text=True))) for c in r]
    assert "'=HYPERLINK(\"x\") 式テスト" in cells
    plain = tc.get(link.replace("&spreadsheet-safe=1", ""))
    assert not plain.data.startswith(b"\xef\xbb\xbf")
    assert "=HYPERLINK(\"x\") 式テスト" in [c for r in csv.reader(io.StringIO(plain.get_data(as_text=True)))
                                          for c in r]


def test_named_query_csv_real_answer(client):
    resp = client.get("/queries/plan-structure.csv", query_string={"plan": PLAN})
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert "上質な行政経営" in {r["elementLabel"] for r in rows}
    assert resp.headers["Content-Disposition"] == 'attachment; filename="plan-structure.csv"'


def test_construct_result_is_a_triple_table_with_turtle_download(client):
    q = f"CONSTRUCT {{ <{PLAN}/policy/3> ?p ?o }} WHERE {{ <{PLAN}/policy/3> ?p ?o }}"
    body = html(client.get("/query", query_string={"query": q}))
    assert "<th scope=\"col\">predicate</th>" in body and "上質な行政経営" in body
    assert "format=turtle" in body and "format=csv" not in body


def test_every_message_key_used_by_the_page_templates_exists():
    from web.i18n import MESSAGES

    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    mine = ["base.html", "macros.html", "home.html", "query.html", "queries.html", "named.html", "_results.html",
            "_params.html", "entity.html", "entity_404.html", "search.html", "dataset.html"]
    for name in mine:
        for key in re.findall(r"""\bt\(['"]([\w.]+)['"]""", (templates / name).read_text(encoding="utf-8")):
            assert key in MESSAGES, f"{name}: {key}"
