"""Linked Data under /id/: HTML pages, RDF by Accept and by extension, Japanese IRIs, 404s."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlparse

import pyoxigraph as ox
import pytest

from graph.store import EmbeddedStore

from graph.sources import ontology_files
from web import create_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "mini.trig"
ID = "https://w3id.org/plangraph/id/"
PLAN = ID + "lg/111007/plan/digital-2021"
PG = "https://w3id.org/plangraph/ontology#"
THEME_PATH = "test/テーマ/テレワーク"
THEME = ID + THEME_PATH


def build_store(base_iri: str = ID) -> EmbeddedStore:
    store = EmbeddedStore(base_iri=base_iri)
    for f in ontology_files():
        store.load_file(f, base_iri=base_iri)
    store.load_file(FIXTURE, base_iri=base_iri)
    store.load_data(f'<{ID}test/xss> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>"@ja .',
                    format="nt", graph=ID + "graph/test")
    return store


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True}, store=build_store())


@pytest.fixture()
def client(app):
    """A fresh client per test: the language cookie must not leak between tests."""
    return app.test_client()


def text(resp) -> str:
    return resp.get_data(as_text=True)


def triples(resp, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(resp.get_data(), format=fmt)}


def test_html_page_with_japanese_labels_types_properties_inverse_and_provenance(client):
    resp = client.get("/id/lg/111007/plan/digital-2021/policy/2")
    body = text(resp)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "Accept" in resp.headers["Vary"]
    assert "<h1>上質な行政サービス</h1>" in body
    assert ">基本方針</a>" in body                         # type labelled from the ontology
    assert '>さいたま市行政デジタル化計画</a>' in body          # outgoing pg:partOfPlan, labelled
    assert ">所属計画</a>" in body                          # the property's Japanese label
    # inverse relation: measure 1 points here by pg:parentElement
    assert re.search(r'<a href="/id/lg/111007/plan/digital-2021/measure/1" class="iri"[^>]*>ギョウセイ手続のオンライン化</a>', body)
    assert "このリソースを参照しているもの" in body
    # provenance: the section's notation and the quote
    assert "出典: 2-2 2-2 基本方針" in body
    assert "行政サービスを実現」することに資するICT施策を実施し" in body
    assert 'href="/views/ego?node=https%3A%2F%2Fw3id.org%2Fplangraph%2Fid%2Flg%2F111007%2Fplan%2Fdigital-2021%2Fpolicy%2F2"' in body


def test_english_labels_with_japanese_fallback(client):
    assert "<h1>High-quality administrative services</h1>" in text(client.get(
        "/id/lg/111007/plan/digital-2021/policy/2?lang=en"))
    # policy 3 has no English label in the fixture: the Japanese one is shown
    assert "<h1>上質な行政経営</h1>" in text(client.get("/id/lg/111007/plan/digital-2021/policy/3?lang=en"))


def test_labels_are_escaped(client):
    body = text(client.get("/id/test/xss"))
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("text/turtle;q=0.9, text/html;q=0.5", ox.RdfFormat.TURTLE),
])
def test_rdf_by_accept(client, accept, fmt):
    resp = client.get("/id/lg/111007/plan/digital-2021/policy/2", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == accept.split(";")[0].split(",")[0]
    assert "Accept" in resp.headers["Vary"]
    got = triples(resp, fmt)
    assert (PLAN + "/policy/2", PG + "partOfPlan", PLAN) in got                # outgoing
    assert (PLAN + "/measure/1", PG + "parentElement", PLAN + "/policy/2") in got  # incoming


def test_browser_accept_gets_html(client):
    resp = client.get("/id/lg/111007/plan/digital-2021/policy/2", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert resp.mimetype == "text/html"


@pytest.mark.parametrize("ext,mime,fmt", [
    (".ttl", "text/turtle", ox.RdfFormat.TURTLE),
    (".nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    (".rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    (".jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_rdf_by_extension(client, ext, mime, fmt):
    resp = client.get("/id/lg/111007/plan/digital-2021/policy/2" + ext)
    assert resp.status_code == 200 and resp.mimetype == mime
    assert (PLAN + "/policy/2", "http://www.w3.org/2000/01/rdf-schema#label", "上質な行政サービス") in triples(resp, fmt)


def test_japanese_iri_round_trips(client):
    url = "/id/" + quote(THEME_PATH)
    assert "%E3%83%86" in url
    body = text(client.get(url))
    assert f"<code>{THEME}</code>" in body and "<h1>テレワーク</h1>" in body
    # the plan page links to it percent-encoded, and that link comes back to the same IRI
    plan_page = text(client.get("/id/lg/111007/plan/digital-2021"))
    assert f'href="{url}"' in plan_page
    got = triples(client.get(url + ".ttl"), ox.RdfFormat.TURTLE)
    assert (THEME, "http://www.w3.org/2004/02/skos/core#prefLabel", "テレワーク") in got
    assert (PLAN, PG + "backgroundTheme", THEME) in got
    jsonld = json.loads(client.get(url, headers={"Accept": "application/ld+json"}).get_data())
    assert THEME in json.dumps(jsonld, ensure_ascii=False)


def test_named_graph_iris_dereference_to_their_statements_as_rdf(client):
    """A graph IRI that nothing describes (a file's graph) still dereferences: as RDF, its statements."""
    xss = (ID + "test/xss", "http://www.w3.org/2000/01/rdf-schema#label", "<script>alert(1)</script>")
    assert client.get("/id/graph/test").status_code == 200  # the HTML page lists them
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)):
        resp = client.get("/id/graph/test", headers={"Accept": accept})
        assert resp.status_code == 200 and resp.mimetype == accept
        assert triples(resp, fmt) == {xss}
    quads = list(ox.parse(client.get("/id/graph/test.nq").get_data(), format=ox.RdfFormat.N_QUADS))
    assert [(q.subject.value, q.graph_name.value) for q in quads] == [(ID + "test/xss", ID + "graph/test")]
    # a file's graph IRI ends in the file's own extension (….trig): RDF by Accept still works
    file_graph = "graph/tests/fixtures/pages/mini.trig"
    resp = client.get("/id/" + file_graph, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert (PLAN + "/prov/measure-1", PG + "source", "https://w3id.org/plangraph/id/lg/111007/doc/digital-2021/ch1/fig4") \
        in triples(resp, ox.RdfFormat.TURTLE)


def test_unknown_iri_is_404_for_html_and_rdf(client):
    resp = client.get("/id/lg/111007/plan/no-such-plan")
    assert resp.status_code == 404 and "見つかりません" in text(resp)
    assert client.get("/id/lg/111007/plan/no-such-plan", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/lg/111007/plan/no-such-plan.ttl").status_code == 404
    api = client.get("/id/lg/111007/plan/no-such-plan", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.mimetype == "application/json"  # README's Errors: the JSON shape
    assert api.get_json()["ok"] is False and "no-such-plan" in api.get_json()["error"]


def test_dataset_iri_and_root_redirect_to_the_dataset_page(client):
    for url in ("/id/dataset", "/id/"):
        resp = client.get(url)
        assert resp.status_code == 303 and resp.headers["Location"].endswith("/dataset")


def test_ontology_terms_have_pages(client):
    resp = client.get("/resource", query_string={"iri": PG + "BasicPolicy"})
    assert resp.status_code == 200 and "<h1>基本方針</h1>" in text(resp)
    resp = client.get("/resource", query_string={"iri": PLAN})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/id/lg/111007/plan/digital-2021")


def test_api_labels(client):
    resp = client.get("/api/labels", query_string=[("iri", PLAN + "/policy/2"), ("iri", THEME),
                                                  ("iri", ID + "nothing"), ("lang", "en")])
    data = resp.get_json()
    assert data["ok"] is True
    assert data["labels"] == {PLAN + "/policy/2": "High-quality administrative services", THEME: "Telework"}


def test_configured_base_iri_maps_id_paths():
    base = "http://127.0.0.1:5000/id/"
    c = create_app({"TESTING": True, "base_iri": base}, store=build_store(base)).test_client()
    body = text(c.get("/id/lg/111007/plan/digital-2021/policy/2"))
    assert f"<code>{base}lg/111007/plan/digital-2021/policy/2</code>" in body
    assert 'href="/id/lg/111007/plan/digital-2021"' in body
    got = triples(c.get("/id/" + quote(THEME_PATH) + ".nt"), ox.RdfFormat.N_TRIPLES)
    assert (base + THEME_PATH, "http://www.w3.org/2004/02/skos/core#prefLabel", "テレワーク") in got


def test_assertion_graph_page_lists_its_statements(client):
    body = text(client.get("/id/lg/111007/plan/digital-2021/prov/measure-1"))
    assert "このグラフに含まれる文" in body
    assert re.search(r'<table class="results-table statements">.*ギョウセイ手続のオンライン化.*上質な行政サービス', body, re.S)


def test_long_value_lists_fold_after_fifty():
    store = build_store()
    app = create_app({"TESTING": True}, store=store)
    hub = ID + "test/hub"
    lines = "\n".join(f"<{ID}test/member/{i}> <{PG}partOfPlan> <{hub}> ." for i in range(60))
    store.load_data(lines, format="nt", graph=ID + "graph/hub")
    body = text(app.test_client().get("/id/test/hub"))
    assert "ほか 10 件を表示" in body and body.count('href="/id/test/member/') == 60


# --- the dataset ----------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"


def test_dataset_page_shows_licence_and_every_download(client):
    body = text(client.get("/dataset"))
    assert "CC BY 4.0" in body and 'href="https://creativecommons.org/licenses/by/4.0/"' in body
    for ext in ("ttl", "nt", "trig", "nq", "jsonld", "rdf"):
        assert f'href="/dataset/plangraph.{ext}"' in body


def test_the_json_ld_context_is_published_and_is_the_one_every_export_embeds(client):
    assert 'href="/dataset/context.jsonld"' in text(client.get("/dataset"))
    resp = client.get("/dataset/context.jsonld")
    assert resp.status_code == 200 and resp.mimetype == "application/ld+json"
    context = json.loads(resp.get_data())["@context"]
    assert context["pg"] == PG
    assert json.loads(client.get("/dataset/plangraph.jsonld").get_data())["@context"] == context
    described = client.get("/id/lg/111007/plan/digital-2021/policy/2", headers={"Accept": "application/ld+json"})
    assert json.loads(described.get_data())["@context"] == context


@pytest.mark.parametrize("ext,fmt,quads", [
    ("ttl", ox.RdfFormat.TURTLE, False), ("nt", ox.RdfFormat.N_TRIPLES, False),
    ("trig", ox.RdfFormat.TRIG, True), ("nq", ox.RdfFormat.N_QUADS, True),
    ("jsonld", ox.RdfFormat.JSON_LD, True), ("rdf", ox.RdfFormat.RDF_XML, False),
])
def test_dataset_downloads_hold_the_whole_graph(client, app, ext, fmt, quads):
    resp = client.get(f"/dataset/plangraph.{ext}")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == f'attachment; filename="plangraph.{ext}"'
    assert "creativecommons.org/licenses/by/4.0" in resp.headers["Link"]
    parsed = list(ox.parse(resp.get_data(), format=fmt))
    store = app.extensions["plangraph.store"]
    if quads:
        assert len(parsed) == len(store)
        assert {q.graph_name.value for q in parsed} >= {PLAN + "/prov/policy-2"}
    else:
        assert len({(q.subject, q.predicate, q.object) for q in parsed}) == \
            len({(q.subject, q.predicate, q.object) for q in store.quads()})


@pytest.mark.parametrize("ext", ["nq", "ttl", "jsonld"])
def test_dataset_downloads_stream_and_come_gzipped_too(client, ext):
    import gzip

    plain = client.get(f"/dataset/plangraph.{ext}")
    assert plain.is_streamed  # chunk by chunk (graph.export.iter_export), never the whole store at once
    packed = client.get(f"/dataset/plangraph.{ext}.gz")
    assert packed.status_code == 200 and packed.mimetype == "application/gzip"
    assert packed.headers["Content-Disposition"] == f'attachment; filename="plangraph.{ext}.gz"'
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert f'href="/dataset/plangraph.{ext}.gz"' in text(client.get("/dataset"))
    assert client.get(f"/dataset/plangraph.{ext}.zip").status_code == 404


def test_a_json_ld_download_too_big_to_build_is_a_clear_error_not_a_cut_off_file():
    store = build_store()
    small = create_app({"TESTING": True, "download_max_document_quads": 10}, store=store).test_client()
    resp = small.get("/dataset/plangraph.jsonld", headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert "N-Quads, TriG, N-Triples and Turtle" in resp.get_data(as_text=True)
    streamed = small.get("/dataset/plangraph.nq")
    assert streamed.status_code == 200 and len(list(ox.parse(streamed.get_data(), format=ox.RdfFormat.N_QUADS))) > 10


def test_the_dataset_page_names_without_a_link_the_formats_refused_at_this_size():
    small = create_app({"TESTING": True, "download_max_document_quads": 10}, store=build_store()).test_client()
    page = text(small.get("/dataset"))
    for ext in ("jsonld", "rdf"):  # built whole: refused past 10 quads, so no link that would answer 400
        assert f'href="/dataset/plangraph.{ext}"' not in page
    for ext in ("nq", "trig", "nt", "ttl"):  # streamed at any size from the embedded store
        assert f'href="/dataset/plangraph.{ext}"' in page
    assert page.count('class="muted small too-large"') == 2 and "N-Quads をお使いください" in page
    roomy = text(create_app({"TESTING": True}, store=build_store()).test_client().get("/dataset"))
    assert 'href="/dataset/plangraph.jsonld"' in roomy and "too-large" not in roomy


def test_downloads_at_once_are_capped_and_a_slot_frees_when_a_download_ends():
    app = create_app({"TESTING": True, "download_concurrency": 1, "download_max_document_quads": 10},
                     store=build_store())
    client = app.test_client()
    running = client.get("/dataset/plangraph.nq", buffered=False)  # being sent: it holds the one slot
    assert running.status_code == 200
    busy = client.get("/dataset/plangraph.ttl", headers={"Accept": "application/json"})
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
    assert "download slot" in busy.get_data(as_text=True)
    assert client.get("/dataset").status_code == 200  # the pages are not held up
    running.close()  # the server closes the response when it is sent or the client goes away
    # a download that fails before its first byte gives its slot back too
    assert client.get("/dataset/plangraph.jsonld", headers={"Accept": "application/json"}).status_code == 400
    assert client.get("/dataset/plangraph.ttl").status_code == 200


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/turtle"}}, {"path": "/dataset.ttl"}])
def test_dataset_description_as_rdf(client, how):
    resp = client.get(how.get("path", "/dataset"), headers=how.get("headers", {}))
    assert resp.mimetype == "text/turtle" and "Accept" in resp.headers["Vary"]
    got = triples(resp, ox.RdfFormat.TURTLE)
    ds = ID + "dataset"
    assert (ds, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", VOID + "Dataset") in got
    assert (ds, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", DCAT + "Dataset") in got
    dumps = {o for s, p, o in got if p == VOID + "dataDump"}
    assert {urlparse(d).path for d in dumps} == {f"/dataset/plangraph.{e}" for e in
                                                 ("ttl", "nt", "trig", "nq", "jsonld", "rdf")}


def test_well_known_void_redirects_to_the_dataset(client):
    resp = client.get("/.well-known/void")
    assert resp.status_code in (301, 302, 303) and resp.headers["Location"].endswith("/dataset")


@pytest.mark.parametrize("how", [{"path": "/id/lg/111007/plan/digital-2021/policy/2.trig"},
                                 {"headers": {"Accept": "application/n-quads"}}])
def test_quad_formats_keep_each_statement_in_its_source_graph(client, how):
    resp = client.get(how.get("path", "/id/lg/111007/plan/digital-2021/policy/2"), headers=how.get("headers", {}))
    assert resp.status_code == 200 and resp.mimetype in ("application/trig", "application/n-quads")
    fmt = ox.RdfFormat.TRIG if resp.mimetype == "application/trig" else ox.RdfFormat.N_QUADS
    quads = {(q.subject.value, q.predicate.value, q.object.value, q.graph_name.value)
             for q in ox.parse(resp.get_data(), format=fmt)}
    prov = PLAN + "/prov/policy-2"
    assert (PLAN + "/policy/2", PG + "partOfPlan", PLAN, prov) in quads
    assert (PLAN + "/measure/1", PG + "parentElement", PLAN + "/policy/2", PLAN + "/prov/measure-1") in quads
    assert any(s == prov and p == PG + "source" and o.endswith("/ch1/s2-2") for s, p, o, _ in quads)
    assert any(s == prov and p == PG + "quote" for s, p, o, _ in quads)


def test_sources_section_lists_each_source_once(client):
    body = text(client.get("/id/lg/111007/plan/digital-2021/policy/2"))
    section = body[body.index('id="src-h"'):body.index('id="props-h"')]
    assert section.count("<blockquote") == 1 and "2-2 2-2 基本方針" in section


def test_sources_section_follows_the_document_in_both_languages(saitama_store, make_app):
    """One heading per section, in document order, the same on the Japanese and English pages."""
    client = make_app(saitama_store).test_client()
    headings = {}
    for lang in ("ja", "en"):
        body = text(client.get("/id/lg/111007/plan/digital-2021", query_string={"lang": lang}))
        section = body[body.index('id="src-h"'):body.index('id="props-h"')]
        headings[lang] = re.findall(r'<a href="(/id/lg/111007/doc/[^"]+)" class="iri"', section)
        assert section.count("<blockquote") == 17
    assert headings["ja"] == headings["en"] == ["/id/lg/111007/doc/digital-2021/ch1" + x
                                                for x in ("", "/s1", "/s2", "/s2-2", "/s3")]



def test_standard_terms_show_their_labels_with_the_iri_on_hover(saitama_store, make_app):
    """The plan's page showed "prov:wasInfluencedBy" and tags like "gYearMonth"; search hits showed
    "skos:ConceptScheme". Each now shows its label in the page language, the IRI in the title."""
    client = make_app(saitama_store).test_client()
    plan = text(client.get("/id/lg/111007/plan/digital-2021", query_string={"lang": "ja"}))
    assert ">prov:wasInfluencedBy" not in plan
    assert 'href="http://www.w3.org/ns/prov#wasInfluencedBy" class="iri external" rel="noopener noreferrer" ' \
           'title="http://www.w3.org/ns/prov#wasInfluencedBy">影響を受けた対象<' in plan
    city = text(client.get("/id/lg/111007", query_string={"lang": "ja"}))
    assert '<span class="tag" title="http://www.w3.org/2001/XMLSchema#gYearMonth">年月</span>' in city
    assert ">gYearMonth<" not in city
    period = text(client.get("/id/lg/111007/plan/digital-2021/period", query_string={"lang": "en"}))
    assert '<span class="tag" title="http://www.w3.org/2001/XMLSchema#date">date</span>' in period
    hits = text(client.get("/search", query_string={"q": "策定の背景", "lang": "ja"}))
    assert 'title="http://www.w3.org/2004/02/skos/core#ConceptScheme">概念体系</span>' in hits
    assert "skos:ConceptScheme" not in hits
