"""The real Saitama graph holds every fact of Chapter 1, each traceable to its sentence, and nothing more.

The store is the one every user gets (ontology + data/saitama, the conftest
``saitama_store`` fixture). Assertions use the chapter's own Japanese strings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
SOURCE_TEXT = ROOT / "data" / "sources" / "saitama-digital-2021-ch1.txt"

BASE = "https://w3id.org/plangraph/id/"
CITY = BASE + "lg/111007"
PLAN = CITY + "/plan/"
DIGITAL = PLAN + "digital-2021"
DOC = CITY + "/doc/digital-2021"
CH1 = DOC + "/ch1/"
PROV = DIGITAL + "/prov/"
FILE_GRAPHS = BASE + "graph/"
REFERENCES = BASE + "ref/"

HEADER = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"

# Japanese labels that are not (and cannot be) strings of the chapter. Each is
# documented in data/saitama/README.md.
LABEL_EXCEPTIONS = {
    # 「四次にわたって情報化計画を策定」: the first three are not named by the text.
    PLAN + "johoka-1",
    PLAN + "johoka-2",
    PLAN + "johoka-3",
}


def squash(text: str) -> str:
    """Drop all whitespace: the extraction broke one sentence over a blank line, and 図表2 is tab-separated."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def source_text() -> str:
    """The chapter, whitespace dropped, followed by the same text with its one defined abbreviation applied.

    1節 defines 「情報通信技術（以下「ICT」という。）」; a literal may say ICT where the
    defining sentence spells it out. Nothing else is rewritten.
    """
    text = squash(SOURCE_TEXT.read_text(encoding="utf-8"))
    return text + "\n" + text.replace("情報通信技術（以下「ICT」という。）", "ICT")


@pytest.fixture(scope="module")
def q(saitama_store):
    """Run a SELECT DISTINCT and return its rows as tuples of plain values (IRIs and lexical forms)."""

    def run(sparql: str) -> list[tuple]:
        res = saitama_store.query(HEADER + sparql)
        return [tuple(None if t is None else t.value for t in row) for row in res.rows]

    return run


@pytest.fixture(scope="module")
def ask(saitama_store):
    def run(sparql: str) -> bool:
        return saitama_store.query(HEADER + sparql).value

    return run


def col(rows, i=0) -> set:
    return {r[i] for r in rows}


# --- the city, earlier plans, the guideline -------------------------------------------------


def test_city_code_founding_and_estat_link(q):
    rows = q(f"""SELECT DISTINCT ?code ?est WHERE {{ <{CITY}> a pg:Municipality ; rdfs:label "さいたま市"@ja ;
        pg:municipalityCode ?code ; pg:established ?est ;
        skos:exactMatch <http://data.e-stat.go.jp/lod/sac/C11100> }}""")
    assert rows == [("111007", "2001-05")]
    dt = q(f"SELECT DISTINCT (DATATYPE(?e) AS ?d) WHERE {{ <{CITY}> pg:established ?e }}")
    assert dt == [(PREFIXES["xsd"] + "gYearMonth",)]


def test_municipality_code_is_sourced_to_jis_not_to_the_chapter(q):
    rows = q(f"""SELECT DISTINCT ?src WHERE {{ GRAPH ?g {{ <{CITY}> pg:municipalityCode "111007" }}
        ?g a pg:Assertion ; pg:source ?src }}""")
    assert rows == [(REFERENCES + "jis-x-0402",)]


def test_four_information_plans_only_the_fourth_named(q):
    rows = q("""SELECT DISTINCT ?n ?p WHERE { ?p pg:ordinal ?n ; pg:upperPlan ?sogo .
        ?sogo rdfs:label "さいたま市総合振興計画"@ja } ORDER BY ?n""")
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4]
    fourth = rows[3][1]
    assert fourth == PLAN + "johoka-4"
    labels = q(f"SELECT DISTINCT ?l WHERE {{ <{fourth}> rdfs:label|skos:altLabel ?l FILTER(lang(?l)='ja') }}")
    assert col(labels) == {"第四次さいたま市情報化計画", "第四次計画"}


def test_optimization_guideline_issued_2003_11(q):
    rows = q(f"""SELECT DISTINCT ?issued WHERE {{ <{PLAN}saitekika-hoshin> a pg:Guideline ;
        rdfs:label "さいたま市情報システム最適化方針"@ja ; pg:issued ?issued ; pg:publisher <{CITY}> }}""")
    assert rows == [("2003-11",)]


# --- the plan -----------------------------------------------------------------------------


def test_plan_identity_publisher_succession(q):
    rows = q(f"""SELECT DISTINCT ?prev WHERE {{ <{DIGITAL}> a pg:SectorPlan ;
        rdfs:label "さいたま市行政デジタル化計画"@ja , "Saitama City Administrative Digitalization Plan"@en ;
        pg:publisher <{CITY}> ; pg:succeeds ?prev }}""")
    assert rows == [(PLAN + "johoka-4",)]


def test_four_upper_plans_with_their_aims(q):
    rows = q(f"""SELECT DISTINCT ?label ?aim WHERE {{ <{DIGITAL}> pg:upperPlan ?u . ?u rdfs:label ?label
        FILTER(lang(?label) = 'ja') OPTIONAL {{ ?u pg:aim ?aim }} }}""")
    assert dict(rows) == {
        "さいたま市総合振興計画": None,
        "しあわせ倍増プラン2017": "市民一人ひとりが幸せを感じできる都市を実現するため",
        "さいたま市成長加速化戦略": "東日本の中枢都市として成長・発展していくことを目指すため",
        "さいたま市まち・ひと・しごと創生総合戦略": "人口減少・少子高齢化の課題に対応するため",
    }
    kinds = q(f"""SELECT DISTINCT ?label ?kind WHERE {{ <{DIGITAL}> pg:upperPlan ?u . ?u rdfs:label ?label ; a ?kind
        FILTER(lang(?label) = 'ja') }}""")
    assert ("さいたま市総合振興計画", PREFIXES["pg"] + "ComprehensivePlan") in kinds
    assert ("しあわせ倍増プラン2017", PREFIXES["pg"] + "Strategy") in kinds
    desc = q(f"SELECT DISTINCT ?d WHERE {{ <{PLAN}sogo-shinko> pg:description ?d }}")
    assert ("本市の市政運営の最も基本となる計画",) in desc


def test_period_fiscal_years_and_dates(q):
    rows = q(f"""SELECT DISTINCT ?start ?end ?sl ?el WHERE {{ <{DIGITAL}> pg:planPeriod ?p .
        ?p a pg:PlanPeriod ; pg:startDate ?start ; pg:endDate ?end ;
           pg:startFiscalYear/rdfs:label ?sl ; pg:endFiscalYear/rdfs:label ?el
        FILTER(lang(?sl) = 'ja' && lang(?el) = 'ja') }}""")
    assert rows == [("2021-04-01", "2026-03-31", "令和3年度", "令和7年度")]


def test_period_aligned_with_first_implementation_plan_of_comprehensive_plan(q):
    rows = q(f"""SELECT DISTINCT ?label ?whole WHERE {{ <{DIGITAL}> pg:planPeriod/pg:alignedPeriodOf ?ip .
        ?ip a pg:ImplementationPlan ; rdfs:label ?label ; dcterms:isPartOf/rdfs:label ?whole
        FILTER(lang(?label) = 'ja' && lang(?whole) = 'ja') }}""")
    assert rows == [("総合振興計画の前期「実施計画」", "さいたま市総合振興計画")]


def test_five_fiscal_years(q):
    rows = q("""SELECT DISTINCT ?fy ?y ?ja ?en ?s ?e WHERE { ?fy a pg:FiscalYear ; pg:fiscalYear ?y ;
        rdfs:label ?ja , ?en ; pg:startDate ?s ; pg:endDate ?e
        FILTER(lang(?ja) = 'ja' && lang(?en) = 'en') } ORDER BY ?y""")
    assert [r[1:] for r in rows] == [
        (str(y), f"令和{y - 2018}年度", f"FY{y}", f"{y}-04-01", f"{y + 1}-03-31") for y in range(2021, 2026)
    ]
    assert [r[0] for r in rows] == [f"{BASE}fy/{y}" for y in range(2021, 2026)]


def test_law_and_statutory_plan_type(q):
    rows = q(f"""SELECT DISTINCT ?law ?id ?num ?prom ?obl WHERE {{
        <{DIGITAL}> pg:designatedAs ?t . ?t a pg:StatutoryPlanType ; rdfs:label "官民データ活用推進計画"@ja ;
            pg:legalBasis ?law ; pg:obligation ?obl .
        ?law a pg:Law ; rdfs:label "官民データ活用推進基本法"@ja ; pg:lawId ?id ; pg:lawNumber ?num ; pg:promulgated ?prom }}""")
    assert rows == [(BASE + "jp/law/428AC1000000103", "428AC1000000103", "平成28年法律第103号", "2016-12-14", "努力義務")]
    t = q(f"SELECT DISTINCT ?t WHERE {{ <{DIGITAL}> pg:designatedAs ?t }}")
    assert t == [(BASE + "jp/plan-type/kanmin-data-katsuyo-suishin-keikaku",)]


def test_law_id_is_sourced_to_egov_and_law_number_to_the_text(q):
    id_src = q("""SELECT DISTINCT ?src WHERE { GRAPH ?g { ?law pg:lawId "428AC1000000103" } ?g pg:source ?src }""")
    assert id_src == [(REFERENCES + "e-gov-428AC1000000103",)]
    num_src = col(q("""SELECT DISTINCT ?src WHERE { GRAPH ?g { ?law pg:lawNumber "平成28年法律第103号" } ?g pg:source ?src }"""))
    assert CH1 + "s1" in num_src


def test_action_plan_is_planned_concretizes_and_is_reviewed_every_year(q):
    rows = q(f"""SELECT DISTINCT ?freq WHERE {{ <{DIGITAL}> pg:concretizedBy ?ap .
        ?ap a pg:ActionPlan ; rdfs:label "さいたま市行政デジタル化計画アクション・プラン"@ja ;
            pg:concretizes <{DIGITAL}> ; pg:review/pg:frequency ?freq }}""")
    assert rows == [("毎年",)]
    comment = q(f"SELECT DISTINCT ?c WHERE {{ <{DIGITAL}/action-plan> rdfs:comment ?c FILTER(lang(?c)='ja') }}")
    assert any("予定" in c for (c,) in comment)


def test_next_plan_review_in_final_year_and_review_triggers(q):
    rows = q(f"""SELECT DISTINCT ?fyl WHERE {{ <{DIGITAL}> pg:review ?r . ?r rdfs:label "次期計画の検討"@ja ;
        pg:scheduledIn ?fy . ?fy rdfs:label ?fyl FILTER(lang(?fyl)='ja') }}""")
    assert rows == [("令和7年度",)]
    triggers = q(f"""SELECT DISTINCT ?l WHERE {{ <{DIGITAL}> pg:reviewTrigger ?t . ?t a pg:ReviewTrigger ; rdfs:label ?l
        FILTER(lang(?l)='ja') }}""")
    assert col(triggers) == {"政府のデジタル庁の新設に向けた取組", "自治体システム標準化", "本市を取り巻く社会情勢や市民ニーズの変化"}


# --- philosophy, viewpoints, policies, supports -------------------------------------------


def test_philosophy_takes_the_comprehensive_plans_future_city_vision(q):
    rows = q(f"""SELECT DISTINCT ?goal WHERE {{ <{DIGITAL}/philosophy> a pg:BasicPhilosophy ;
        rdfs:label "上質な生活都市さいたま市"@ja ; pg:partOfPlan <{DIGITAL}> ; pg:supports ?g .
        ?g pg:goalOf <{PLAN}sogo-shinko> ; rdfs:label ?goal FILTER(lang(?goal)='ja') }}""")
    assert col(rows) == {"上質な生活都市", "未来に引き継ぐための持続可能なまちづくりを進める"}
    kw = q(f"SELECT DISTINCT ?k WHERE {{ <{PLAN}sogo-shinko/goal/2> pg:keyword ?k }}")
    assert col(kw) == {"都市インフラの整備", "災害対策", "新たな産業の創出"}


def test_three_policies_with_viewpoint_notation_parent(q):
    rows = q(f"""SELECT DISTINCT ?n ?label ?vp WHERE {{ ?p a pg:BasicPolicy ; pg:partOfPlan <{DIGITAL}> ;
        pg:parentElement <{DIGITAL}/philosophy> ; pg:notation ?n ; rdfs:label ?label ; pg:viewpoint/rdfs:label ?vp
        FILTER(lang(?label)='ja' && lang(?vp)='ja') }} ORDER BY ?n""")
    assert rows == [
        ("(1)", "上質な生活環境", "生活環境"),
        ("(2)", "上質な行政サービス", "行政サービス"),
        ("(3)", "上質な行政経営", "行政経営"),
    ]


def test_supports_follow_the_text(q):
    rows = q(f"""SELECT DISTINCT ?n ?goal ?upper WHERE {{ ?p a pg:BasicPolicy ; pg:partOfPlan <{DIGITAL}> ; pg:notation ?n ;
        pg:supports ?g . ?g rdfs:label ?goal ; pg:goalOf/skos:altLabel ?upper
        FILTER(lang(?goal)='ja') }}""")
    assert set(rows) == {
        ("(1)", "産業創出による経済活性化", "まち・ひと・しごと創生総合戦略"),
        ("(1)", "上質な暮らしを実現できる都市", "まち・ひと・しごと創生総合戦略"),
        ("(1)", "安心減災都市", "まち・ひと・しごと創生総合戦略"),
        ("(2)", "市民・企業から選ばれる都市へ", "成長加速化戦略"),
        ("(3)", "高品質経営市役所への転換", "しあわせ倍増プラン"),
    }


def test_figure2_pairing_is_a_conflict_not_a_support(q, ask):
    # 図表2 rows 2 and 4 pair しあわせ倍増プラン2017 with (1) and まち・ひと・しごと with (3).
    assert not ask(f"ASK {{ <{DIGITAL}/policy/1> pg:supports/pg:goalOf <{PLAN}shiawase-baizo-2017> }}")
    assert not ask(f"ASK {{ <{DIGITAL}/policy/3> pg:supports/pg:goalOf <{PLAN}machi-hito-shigoto> }}")
    rows = q(f"""SELECT DISTINCT ?subject ?text WHERE {{ ?c a pg:SourceConflict ; pg:figureSource <{CH1}fig2> ;
        pg:textSource ?text ; pg:conflictSubject ?subject ; pg:textSays ?ts ; pg:figureSays ?fs ;
        pg:resolution ?rja , ?ren FILTER(lang(?rja)='ja' && lang(?ren)='en') }}""")
    assert (DIGITAL + "/policy/1", CH1 + "s2-2-1") in rows
    assert (DIGITAL + "/policy/3", CH1 + "s2-2-3") in rows
    assert (DIGITAL + "/philosophy", CH1 + "s2-1") in rows


def test_figure2_wording_of_policy1_is_recorded(q):
    rows = q(f"""SELECT DISTINCT ?fs WHERE {{ ?c pg:conflictSubject <{DIGITAL}/policy/1> ; pg:figureSays ?fs }}""")
    assert any("上質な生活空間を実現" in fs for (fs,) in rows)
    desc = q(f"SELECT DISTINCT ?d WHERE {{ <{DIGITAL}/policy/1> pg:description ?d }}")
    assert desc == [("ICTを活用したコミュニケーションや教育、産業創造により、上質な生活環境を実現",)]


def test_where_does_this_come_from(q):
    """The documented provenance query: the support of (2) is stated by 2-2 (2) and by 図表2."""
    rows = q(f"""SELECT DISTINCT ?sec ?quote WHERE {{
        GRAPH ?g {{ <{DIGITAL}/policy/2> pg:supports <{PLAN}seicho-kasokuka/goal/1> }}
        ?g pg:source ?sec ; pg:quote ?quote }}""")
    assert col(rows) == {CH1 + "s2-2-2", CH1 + "fig2"}
    assert any("「市民・企業から選ばれる都市へ」などを踏まえ" in quote for _, quote in rows)


# --- background themes ----------------------------------------------------------------------


def test_background_themes_scheme(q):
    rows = q(f"""SELECT DISTINCT ?l WHERE {{ <{DIGITAL}> pg:backgroundTheme ?c . ?c a pg:BackgroundTheme , skos:Concept ;
        skos:inScheme <{DIGITAL}/background> ; skos:prefLabel ?l FILTER(lang(?l)='ja') }}""")
    labels = col(rows)
    for expected in ["AI・RPA・IoTなどの技術の発展", "有線・無線ネットワークの高速化・大容量化", "スマートフォンの普及",
                     "SNSによる情報交流の拡大", "クラウド化の進展", "データ流通量の飛躍的拡大", "情報セキュリティ事案の深刻化",
                     "新型コロナウイルス感染症（COVID-19）", "「新しい生活様式」", "ソーシャルディスタンス", "Web会議・テレワーク",
                     "行政全体のデジタル化の遅れ", "人口減少社会における生産性向上", "働き方改革としてのテレワーク",
                     "テレワークのBCP上の有効性"]:
        assert expected in labels
    orphans = q(f"""SELECT DISTINCT ?c WHERE {{ ?c a pg:BackgroundTheme .
        FILTER NOT EXISTS {{ ?c skos:inScheme <{DIGITAL}/background> }} }}""")
    assert orphans == []
    covid = q(f"""SELECT DISTINCT ?l WHERE {{ ?c skos:broader <{DIGITAL}/background/covid19> ; skos:prefLabel ?l
        FILTER(lang(?l)='ja') }}""")
    assert "行政全体のデジタル化の遅れ" in col(covid)


# --- the document --------------------------------------------------------------------------


def test_document_sections_and_figures(q, source_text):
    rows = q(f"""SELECT DISTINCT ?n ?l WHERE {{ <{DOC}> pg:section/pg:section* ?s . ?s pg:notation ?n ; rdfs:label ?l
        FILTER(lang(?l)='ja') }}""")
    assert set(rows) == {
        ("第1章", "さいたま市行政デジタル化計画の概要"), ("1節", "計画策定の趣旨"), ("2節", "計画の基本方針"),
        ("2-1", "基本理念「上質な生活都市さいたま市」"), ("2-2", "基本方針"), ("(1)", "上質な生活環境"),
        ("(2)", "上質な行政サービス"), ("(3)", "上質な行政経営"), ("3節", "計画期間"),
    }
    figs = q(f"""SELECT DISTINCT ?sec ?n ?l WHERE {{ ?sec pg:figure ?f . ?f a pg:Figure ; pg:sourceDocument <{DOC}> ;
        pg:notation ?n ; rdfs:label ?l FILTER(lang(?l)='ja') }} ORDER BY ?n""")
    assert [(r[0].rsplit("/", 1)[1], r[1]) for r in figs] == [("s2", "図表1"), ("s2-2", "図表2"), ("s2-2", "図表3"), ("s3", "図表4")]
    for _, n, caption in figs:
        assert squash(f"【{n} {caption}】") in source_text


# --- traceability: every statement is sourced, quoted verbatim, nothing extra ---------------


def test_every_non_file_graph_is_an_assertion(saitama_store, q):
    assertions = col(q("SELECT DISTINCT ?g WHERE { ?g a pg:Assertion }"))
    others = [g for g in saitama_store.graphs() if not g.startswith(FILE_GRAPHS)]
    assert others, "the Saitama data has assertion graphs"
    assert [g for g in others if g not in assertions] == []
    assert all(g.startswith(PROV) for g in others)


def test_every_assertion_is_a_nonempty_graph(saitama_store, q):
    graphs = set(saitama_store.graphs())
    for (g,) in q("SELECT DISTINCT ?g WHERE { ?g a pg:Assertion }"):
        assert g in graphs, f"{g} is described but holds no triple"


def test_every_assertion_has_a_section_or_figure_or_reference_source(q):
    rows = q(f"""SELECT DISTINCT ?g ?src ?kind WHERE {{ ?g a pg:Assertion .
        OPTIONAL {{ ?g pg:source ?src . OPTIONAL {{ ?src a ?kind }} }} }}""")
    by_graph: dict[str, set] = {}
    for g, src, kind in rows:
        by_graph.setdefault(g, set()).add((src, kind))
    for g, sources in by_graph.items():
        ok = [s for s, kind in sources if s and (
            (kind in (PREFIXES["pg"] + "DocumentSection", PREFIXES["pg"] + "Figure") and s.startswith(DOC + "/"))
            or (kind == PREFIXES["pg"] + "Document" and s.startswith(REFERENCES)))]
        assert ok, f"{g} has no pg:source in the document or the references"
    in_doc = q(f"""SELECT DISTINCT ?g WHERE {{ ?g a pg:Assertion ; pg:source ?s . ?s pg:sourceDocument <{DOC}> }}""")
    assert len(in_doc) >= 35


def test_every_assertion_from_the_document_has_a_quote(q):
    rows = q(f"""SELECT DISTINCT ?g WHERE {{ ?g a pg:Assertion ; pg:source ?s . ?s pg:sourceDocument <{DOC}>
        FILTER NOT EXISTS {{ ?g pg:quote ?q }} }}""")
    assert rows == []


def test_every_quote_is_in_the_source_text(q, source_text):
    rows = q("SELECT DISTINCT ?g ?quote WHERE { ?g pg:quote ?quote }")
    assert len(rows) >= 35
    missing = [(g, quote[:40]) for g, quote in rows if squash(quote) not in source_text]
    assert missing == []


def test_conflict_statements_quote_the_text_and_the_figure(q, source_text):
    """What a conflict says the text and the figure say are passages of the source, verbatim."""
    rows = q("SELECT DISTINCT ?c ?ts ?fs WHERE { ?c a pg:SourceConflict ; pg:textSays ?ts ; pg:figureSays ?fs }")
    assert len(rows) >= 5
    assert [c for c, ts, fs in rows if squash(ts) not in source_text or squash(fs) not in source_text] == []


def test_japanese_labels_of_plans_elements_goals_come_from_the_text(q, source_text):
    rows = q("""SELECT DISTINCT ?s ?l WHERE {
        ?s a ?kind ; rdfs:label|skos:altLabel ?l FILTER(lang(?l) = 'ja')
        VALUES ?kind { pg:Plan pg:ComprehensivePlan pg:ImplementationPlan pg:Strategy pg:SectorPlan pg:ActionPlan
                       pg:Guideline pg:StatutoryPlanType pg:BasicPhilosophy pg:Viewpoint pg:BasicPolicy pg:Goal
                       pg:Law pg:ReviewTrigger pg:Municipality } }""")
    assert len(rows) > 30
    invented = [(s, l) for s, l in rows if s not in LABEL_EXCEPTIONS and squash(l) not in source_text]
    assert invented == []


def test_descriptions_and_aims_are_verbatim(q, source_text):
    rows = q(f"""SELECT DISTINCT ?s ?t WHERE {{ ?s pg:description|pg:aim|pg:keyword|skos:definition ?t
        FILTER(lang(?t) = 'ja' && STRSTARTS(STR(?s), "{BASE}")) }}""")
    assert len(rows) > 20
    assert [(s, t) for s, t in rows if squash(t) not in source_text] == []


def test_no_measures_or_projects_and_nothing_synthetic(ask):
    assert not ask("ASK { { ?x a pg:Measure } UNION { ?x a pg:Project } UNION { ?x a pg:Indicator } }")
    assert not ask("ASK { ?x pg:synthetic ?any }")


# --- shapes -----------------------------------------------------------------------------------


def _union_of_saitama_files():
    import rdflib

    union = rdflib.Graph()
    for f in sorted((ROOT / "data" / "saitama").glob("*.trig")):
        ds = rdflib.Dataset()
        ds.parse(f, format="trig")
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
    return union


def test_saitama_graph_conforms_to_the_shapes():
    """pySHACL as ontology/shapes.ttl says to run it: one flattened graph, no inference."""
    import pyshacl
    import rdflib

    ontology = rdflib.Graph()
    for name in ("plangraph.ttl", "alignments.ttl"):
        ontology.parse(ROOT / "ontology" / name, format="turtle")
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(_union_of_saitama_files(), shacl_graph=shapes, ont_graph=ontology,
                                         inference="none", advanced=False)
    assert conforms, text


def test_saitama_graph_has_no_violation_rows(saitama_store):
    for rq in sorted((ROOT / "ontology" / "violations").glob("*.rq")):
        rows = saitama_store.query(rq.read_text(encoding="utf-8")).rows
        assert rows == [], f"{rq.name}: {rows[:3]}"
