"""Named queries: the files, their headers, safe binding, and their answers on the Saitama graph."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from graph.errors import ParameterError, QuerySyntaxError, UnknownQuery
from graph.queries import QUERY_DIR, bind, get_query, list_queries, parse_query_file, run_named
from graph.remote_sparql import bind_values
from graph.store import SelectResult

ID = "https://w3id.org/plangraph/id/"
CITY = ID + "lg/111007/"
PLAN = CITY + "plan/digital-2021"
POLICY = PLAN + "/policy/"
ROOT = Path(__file__).resolve().parents[2]

ALL_FILES = sorted(QUERY_DIR.glob("*.rq"))
PUBLIC = list_queries()
#: Public queries plus the internal ones this module's owners bind with parameters.
BOUND = PUBLIC + [get_query("_alignment-edges"), get_query("_alignment-nodes")]


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    """The answer as dicts of plain values (absent → missing key)."""
    result = run_named(store, name, params)
    assert isinstance(result, SelectResult)
    return [{k: t.value for k, t in d.items()} for d in result.dicts()]


def column(store, name: str, var: str, **params: str) -> set[str]:
    return {r[var] for r in rows(store, name, **params) if var in r}


# --- the files ----------------------------------------------------------------------

def test_enough_public_questions_with_titles_in_both_languages():
    assert len(PUBLIC) >= 14
    names = [q.name for q in PUBLIC]
    assert names == sorted(names)
    for q in PUBLIC:
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", q.title_ja), q.name
        assert q.title_en and q.description_ja and q.description_en, q.name



def test_descriptions_refer_to_other_questions_by_their_titles():
    """Planners see the questions by title (自治体の計画の一覧), never by file name: a description that
    says 「municipality-plans」を使ってください leaves them nothing to find. A question referred to in the
    Japanese description is referred to in the English one too, by its English title."""
    names = [q.name for q in PUBLIC]
    for q in PUBLIC:
        for lang, text in (("ja", q.description_ja), ("en", q.description_en)):
            quoted = re.findall(r'「([^」]+)」|"([^"]+)"', text)
            for ref in (a or b for a, b in quoted):
                assert ref not in names, (q.name, lang, ref)
            for name in names:
                if "-" in name:
                    assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), (q.name, lang, name)
        refs_ja = {o.name for o in PUBLIC if f"「{o.title_ja}」" in q.description_ja}
        refs_en = {o.name for o in PUBLIC if f'"{o.title_en}"' in q.description_en}
        assert refs_ja == refs_en, q.name
    assert {o.name for o in PUBLIC if f"「{o.title_ja}」" in get_query("plans").description_ja} == {
        "municipality-plans"}

def test_internal_helpers_are_not_listed_but_can_be_fetched():
    internal = [p for p in ALL_FILES if p.name.startswith("_")]
    listed = {q.name for q in PUBLIC}
    for p in internal:
        assert p.stem not in listed
    if internal:
        assert get_query(internal[0].stem).path == internal[0]


@pytest.mark.parametrize("path", [p for p in ALL_FILES if p.name.startswith("_")], ids=lambda p: p.name)
def test_internal_headers_parse_too(path):
    assert get_query(path.stem).title_ja


def test_unknown_query_names_only_the_name_asked_for():
    # Listing every file showed planners 27 internal names; the pages link to /queries instead.
    with pytest.raises(UnknownQuery) as err:
        get_query("no-such-question")
    assert err.value.status == 404
    assert err.value.text("en") == "there is no named query 'no-such-question'"
    assert err.value.text("ja") == "定型クエリ「no-such-question」はありません。"
    assert "upper-plans" not in err.value.message
    with pytest.raises(UnknownQuery):
        get_query("../store")  # never a path


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_file_parses_in_pyoxigraph_and_rdflib(path):
    text = path.read_text(encoding="utf-8")
    ox.Store().query(text)  # raises SyntaxError if pyoxigraph cannot parse it
    prepareQuery(text)  # rdflib: the portability proof for other SPARQL servers


@pytest.mark.parametrize("query", BOUND, ids=lambda q: q.name)
def test_parameters_are_projected_and_never_assigned(query):
    """pyoxigraph substitutes only projected variables; a BIND would make VALUES-injection differ."""
    algebra = prepareQuery(query.text).algebra
    projected = {str(v) for v in algebra.get("PV", [])}
    for p in query.parameters:
        assert p.name in projected, f"{query.name}: ?{p.name} is not in the SELECT projection"
        assert not re.search(rf"\bAS\s+[?$]{p.name}\s*\)", query.text), f"{query.name}: ?{p.name} is BIND-assigned"


def _normal(result: SelectResult) -> list[tuple]:
    def cell(t):
        if t is None:
            return ""
        s = str(t)
        return "、".join(sorted(s.split("、")))  # GROUP_CONCAT order is not defined
    return sorted(tuple(cell(t) for t in row) for row in result.rows)


@pytest.mark.parametrize("query", BOUND, ids=lambda q: q.name)
def test_substitution_and_values_injection_agree(saitama_store, query):
    params = {p.name: p.example for p in query.parameters if p.example}
    bindings = bind(query, params)
    substituted = saitama_store.query(query.text, substitutions=bindings)
    # what a remote store sends instead of substitutions: the same query, bound by VALUES
    injected = saitama_store.query(bind_values(query.text, bindings))
    assert _normal(substituted) == _normal(injected)


# --- headers ------------------------------------------------------------------------

GOOD = """# title: テスト
# title@en: Test
# A free comment line is allowed.
#   description: 説明
# description@en: Description
# param: x | iri | required | 項目 | Item | https://ex.org/x
# param: n | integer | default=3 | 数 | Number
# param: fy | fiscal_year | optional | 年度 | Fiscal year | 2021
# param: d | date | optional | 日付 | Date
# param: lang | lang | optional | 言語 | Language
# param: s | string | optional | 文字 | Text
SELECT ?x ?n ?fy ?d ?lang ?s WHERE { ?x ?p ?o }
"""


def _write(tmp_path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_parses_titles_descriptions_and_parameters(tmp_path):
    q = parse_query_file(_write(tmp_path, GOOD))
    assert (q.name, q.title_ja, q.title_en, q.description_ja) == ("q", "テスト", "Test", "説明")
    assert [p.name for p in q.parameters] == ["x", "n", "fy", "d", "lang", "s"]
    x, n = q.parameters[:2]
    assert x.required and x.example == "https://ex.org/x" and x.label_ja == "項目"
    assert not n.required and n.default == "3" and n.example == "3"


@pytest.mark.parametrize("bad, line, words", [
    ("# title@en: T\nSELECT * WHERE {}", 1, "title"),
    ("# title: 題\n# title@en: T\n# titel: x\nSELECT * WHERE {}", 3, "unknown header key"),
    ("# title: 題\n# title@en: T\n# param: x | iri | required | 項目\nSELECT ?x WHERE {}", 3, "field"),
    ("# title: 題\n# title@en: T\n# param: x | uri | required | 項目 | Item\nSELECT ?x WHERE {}", 3, "unknown kind"),
    ("# title: 題\n# title@en: T\n# param: x | iri | maybe | 項目 | Item\nSELECT ?x WHERE {}", 3, "required"),
    ("# title: 題\n# title@en: T\n# param: x-y | iri | required | 項目 | Item\nSELECT ?x WHERE {}", 3, "variable"),
    ("# title: 題\n# title@en: T\n# param: x | iri | default=not an iri | 項目 | Item\nSELECT ?x WHERE {}", 3,
     "absolute IRI"),
    ("# title: 題\n# title@en: T\n# param: y | iri | required | 項目 | Item\nSELECT ?x WHERE {}", 4, "not used"),
    ("# title: 題\n# title@en: T\n# param: x | iri | required | 項目 | Item\n"
     "# param: x | iri | required | 項目 | Item\nSELECT ?x WHERE {}", 4, "twice"),
])
def test_malformed_header_names_file_and_line(tmp_path, bad, line, words):
    with pytest.raises(QuerySyntaxError) as err:
        parse_query_file(_write(tmp_path, bad, "broken.rq"))
    assert err.value.message.startswith(f"broken.rq:{line}: ")
    assert words in err.value.message


# --- binding --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    return parse_query_file(_write(tmp_path_factory.mktemp("kinds"), GOOD))


def test_bind_turns_values_into_typed_terms(kinds):
    terms = bind(kinds, {"x": "https://ex.org/ä", "fy": "２０２１年度", "d": "2021-04-01", "lang": "ja",
                         "s": "上質な行政経営"})
    assert terms["x"] == ox.NamedNode("https://ex.org/ä")
    assert terms["n"] == ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert terms["fy"] == ox.Literal("2021", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert terms["d"] == ox.Literal("2021-04-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert terms["s"] == ox.Literal("上質な行政経営")


def test_fiscal_years_may_be_written_in_the_japanese_era(kinds):
    for value in ("令和3年度", "R3", "FY2021", "2021"):
        assert bind(kinds, {"x": "https://ex.org/x", "fy": value})["fy"].value == "2021"
    assert bind(kinds, {"x": "https://ex.org/x", "fy": "令和元年度"})["fy"].value == "2019"


def test_optional_parameters_left_empty_stay_unbound(kinds):
    assert set(bind(kinds, {"x": "https://ex.org/x", "fy": "", "s": ""})) == {"x", "n"}


@pytest.mark.parametrize("name, value, words", [
    ("x", "not an iri", "absolute IRI"),
    ("x", "https://ex.org/a b", "spaces"),
    ("x", "https://ex.org/> } ; DROP ALL #", "cannot contain"),
    ("x", 'https://ex.org/"x"', "cannot contain"),
    ("n", "3.5", "whole number"),
    ("n", "1; DROP ALL", "whole number"),
    ("fy", "令和三", "fiscal year"),
    ("d", "2021-02-30", "YYYY-MM-DD"),
    ("d", "2021-4-1", "YYYY-MM-DD"),
    ("lang", "ja en", "language tag"),
    ("s", "a\x00b", "control"),
])
def test_bad_values_are_rejected_naming_the_parameter(kinds, name, value, words):
    params = {"x": "https://ex.org/x", name: value}
    with pytest.raises(ParameterError) as err:
        bind(kinds, params)
    assert err.value.parameter == name
    assert f"parameter {name} " in err.value.message and words in err.value.message
    assert err.value.status == 400


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("name, value", [("x", "not an iri"), ("x", "https://ex.org/a b"), ("n", "3.5"),
                                         ("fy", "abc"), ("fy", "令和三"), ("d", "2021-4-1"), ("lang", "ja en")])
def test_a_bad_value_is_explained_in_each_language_apart(kinds, name, value):
    # A page shows one language: the English sentence has no Japanese (bar the value echoed),
    # the Japanese one says what is wrong, not only that the value is invalid.
    with pytest.raises(ParameterError) as err:
        bind(kinds, {"x": "https://ex.org/x", name: value})
    en, ja = err.value.text("en"), err.value.text("ja")
    assert not _JAPANESE.search(en.replace(value, "")), en
    assert ja.startswith(f"パラメータ {name}（") and f"「{value}」は" in ja
    assert ja.endswith("。") and len(ja) > len(f"パラメータ {name}（x）の値「{value}」は不正です。"), ja
    assert err.value.message == f"{en} / {ja}"  # the API and the CLI keep both


def test_a_fiscal_year_error_says_how_to_write_one_in_both_languages(kinds):
    with pytest.raises(ParameterError) as err:
        bind(kinds, {"x": "https://ex.org/x", "fy": "abc"})
    assert "令和3年度" in err.value.text("ja") and "2021" in err.value.text("ja")
    assert "FY2021" in err.value.text("en") and "令和" not in err.value.text("en")


def test_unknown_and_missing_parameters_are_named(kinds):
    with pytest.raises(ParameterError) as err:
        bind(kinds, {"x": "https://ex.org/x", "plan": "https://ex.org/p"})
    assert err.value.parameter == "plan" and "unknown parameter 'plan'" in err.value.message
    with pytest.raises(ParameterError) as err:
        bind(kinds, {})
    assert err.value.parameter == "x" and "required" in err.value.message


def test_injection_in_a_text_parameter_cannot_change_the_query(saitama_store):
    before = len(saitama_store)
    assert rows(saitama_store, "label-search", q='") } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o #') == []
    assert len(saitama_store) == before
    with pytest.raises(ParameterError):
        run_named(saitama_store, "upper-plans", {"plan": "https://ex.org/> } ; DROP ALL #"})
    assert len(saitama_store) == before


def test_defaults_follow_the_store_base_iri():
    q = get_query("upper-plans")
    assert bind(q, {}, base_iri="https://plans.example.jp/")["plan"].value == \
        "https://plans.example.jp/lg/111007/plan/digital-2021"
    assert bind(q, {"plan": ID + "x"}, base_iri="https://plans.example.jp/")["plan"].value == ID + "x"


def test_max_rows_truncates(saitama_store):
    result = run_named(saitama_store, "background-themes", {}, max_rows=2)
    assert len(result.rows) == 2 and result.truncated


# --- answers on the real Saitama graph ------------------------------------------------

UPPER_PLANS = {"さいたま市総合振興計画", "しあわせ倍増プラン2017", "さいたま市成長加速化戦略",
               "さいたま市まち・ひと・しごと創生総合戦略"}


def test_upper_plans(saitama_store):
    answer = rows(saitama_store, "upper-plans")
    assert {r["upperLabel"] for r in answer} == UPPER_PLANS
    aims = {r["upperLabel"]: r.get("aim") for r in answer}
    assert aims["さいたま市成長加速化戦略"] == "東日本の中枢都市として成長・発展していくことを目指すため"
    assert {r["planLabel"] for r in answer} == {"さいたま市行政デジタル化計画"}


def test_policy_goals(saitama_store):
    (only,) = rows(saitama_store, "policy-goals")  # default: basic policy (3)
    assert (only["policyLabel"], only["goalLabel"], only["upperLabel"]) == \
        ("上質な行政経営", "高品質経営市役所への転換", "しあわせ倍増プラン2017")
    first = rows(saitama_store, "policy-goals", policy=POLICY + "1")
    assert {r["goalLabel"] for r in first} == {"産業創出による経済活性化", "上質な暮らしを実現できる都市", "安心減災都市"}
    assert {r["upperLabel"] for r in first} == {"さいたま市まち・ひと・しごと創生総合戦略"}
    (second,) = rows(saitama_store, "policy-goals", policy=POLICY + "2")
    assert (second["goalLabel"], second["upperLabel"]) == ("市民・企業から選ばれる都市へ", "さいたま市成長加速化戦略")


def test_goal_support_direct_and_inherited(saitama_store):
    answer = rows(saitama_store, "goal-support")  # default: 総合振興計画 「上質な生活都市」
    direct = {r["elementLabel"] for r in answer if r["how"] == "direct"}
    inherited = {r["elementLabel"]: r["viaLabel"] for r in answer if r["how"] == "inherited"}
    assert direct == {"上質な生活都市さいたま市"}
    assert inherited == {"上質な生活環境": "上質な生活都市さいたま市", "上質な行政サービス": "上質な生活都市さいたま市",
                         "上質な行政経営": "上質な生活都市さいたま市"}
    shiawase = rows(saitama_store, "goal-support", goal=CITY + "plan/shiawase-baizo-2017/goal/1")
    assert [(r["elementLabel"], r["how"], r["notation"]) for r in shiawase] == [("上質な行政経営", "direct", "(3)")]


def test_gaps(saitama_store):
    assert rows(saitama_store, "gaps", plan=PLAN) == []  # every goal of the four upper plans is served
    answer = rows(saitama_store, "gaps")
    # The earlier information plans name 総合振興計画 as upper plan but have no elements in the graph.
    assert {r["planLabel"] for r in answer} == {"情報化計画（第1次）", "情報化計画（第2次）", "情報化計画（第3次）",
                                                "第四次さいたま市情報化計画"}
    assert {r["goalLabel"] for r in answer} == {"上質な生活都市", "未来に引き継ぐための持続可能なまちづくりを進める"}
    assert {r["upperLabel"] for r in answer} == {"さいたま市総合振興計画"}


def test_orphans(saitama_store):
    # Chapter 1 states no measures; the philosophy and every policy support a goal.
    assert rows(saitama_store, "orphans") == []
    assert rows(saitama_store, "orphans", plan=PLAN) == []


def test_plans_in_force(saitama_store):
    in_force = {"さいたま市行政デジタル化計画", "総合振興計画の前期「実施計画」"}
    for year in ("2021", "2023", "2025"):
        assert column(saitama_store, "plans-in-force", "planLabel", fiscal_year=year) == in_force
    assert column(saitama_store, "plans-in-force", "planLabel", fiscal_year="2026") == set()
    assert column(saitama_store, "plans-in-force", "planLabel", fiscal_year="2020") == set()
    (row, _) = rows(saitama_store, "plans-in-force", fiscal_year="2022")
    assert (row["startLabel"], row["endLabel"]) == ("令和3年度", "令和7年度")


def test_succession(saitama_store):
    (row,) = rows(saitama_store, "succession")
    assert (row["relatedLabel"], row["direction"], row["direct"], row["ordinal"]) == \
        ("第四次さいたま市情報化計画", "predecessor", "true", "4")
    (back,) = rows(saitama_store, "succession", plan=CITY + "plan/johoka-4")
    assert (back["relatedLabel"], back["direction"]) == ("さいたま市行政デジタル化計画", "successor")


def test_legal_basis(saitama_store):
    (row,) = rows(saitama_store, "legal-basis")
    assert row["planTypeLabel"] == "官民データ活用推進計画"
    assert row["lawLabel"] == "官民データ活用推進基本法"
    assert (row["lawNumber"], row["lawId"], row["promulgated"]) == ("平成28年法律第103号", "428AC1000000103", "2016-12-14")
    assert row["obligation"] == "努力義務"
    assert row["url"] == "https://laws.e-gov.go.jp/law/428AC1000000103"


def test_provenance(saitama_store):
    answer = rows(saitama_store, "provenance")  # default: basic policy (3)
    supports = [r for r in answer if r["property"].endswith("#supports")]
    assert {(r["sourceNotation"], r["sourceLabel"]) for r in supports} == {("(3)", "上質な行政経営")}
    assert all("高品質経営市役所への転換" in r["quote"] for r in supports)
    assert all(r["g"].startswith(PLAN + "/prov/") for r in answer)
    philosophy = rows(saitama_store, "provenance", subject=PLAN + "/philosophy")
    sources = {r["value"]: r["sourceNotation"] for r in philosophy if r["property"].endswith("#supports")}
    assert sources == {CITY + "plan/sogo-shinko/goal/1": "2-1", CITY + "plan/sogo-shinko/goal/2": "図表2"}


def test_conflicts(saitama_store):
    answer = rows(saitama_store, "conflicts")
    assert len({r["conflict"] for r in answer}) == 5
    row2 = [r for r in answer if r["conflict"].endswith("/conflict/fig2-row2")]
    assert {r["subjectLabel"] for r in row2} == {"上質な生活環境", "高品質経営市役所への転換"}
    assert {(r["textNotation"], r["figureNotation"]) for r in row2} == {("(1)", "図表2")}
    assert all(r["resolution"].startswith("本文が優先する") for r in answer)


def test_plan_structure(saitama_store):
    answer = rows(saitama_store, "plan-structure")
    assert [(r["elementLabel"], r.get("notation"), r.get("viewpointLabel")) for r in answer] == [
        ("上質な生活都市さいたま市", None, None),
        ("上質な生活環境", "(1)", "生活環境"),
        ("上質な行政サービス", "(2)", "行政サービス"),
        ("上質な行政経営", "(3)", "行政経営"),
    ]
    assert {r.get("parentLabel") for r in answer[1:]} == {"上質な生活都市さいたま市"}


def test_plan_period(saitama_store):
    (row,) = rows(saitama_store, "plan-period")
    assert (row["startLabel"], row["endLabel"], row["startLabelEn"], row["endLabelEn"]) == \
        ("令和3年度", "令和7年度", "FY2021", "FY2025")
    assert (row["startYear"], row["endYear"], row["startDate"], row["endDate"]) == \
        ("2021", "2025", "2021-04-01", "2026-03-31")
    assert row["alignedWithLabel"] == "総合振興計画の前期「実施計画」"


def test_reviews(saitama_store):
    answer = rows(saitama_store, "reviews")
    reviews = {r["itemLabel"]: (r.get("frequency"), r.get("fiscalYearLabel"), r["ofLabel"])
               for r in answer if r["kind"].endswith("#Review")}
    assert reviews == {
        "アクション・プランの毎年の見直し": ("毎年", None, "さいたま市行政デジタル化計画アクション・プラン"),
        "計画の不断の見直し": ("不断", None, "さいたま市行政デジタル化計画"),
        "次期計画の検討": (None, "令和7年度", "さいたま市行政デジタル化計画"),
    }
    triggers = {r["itemLabel"] for r in answer if r["kind"].endswith("#ReviewTrigger")}
    assert triggers == {"政府のデジタル庁の新設に向けた取組", "自治体システム標準化", "本市を取り巻く社会情勢や市民ニーズの変化"}


def test_background_themes(saitama_store):
    answer = {r["themeLabel"]: r.get("broaderLabel") for r in rows(saitama_store, "background-themes")}
    assert answer["新型コロナウイルス感染症（COVID-19）"] is None
    assert answer["AI・RPA・IoTなどの技術の発展"] == "ICTに関する技術や市場の変化"
    assert answer["Web会議・テレワーク"] == "新型コロナウイルス感染症（COVID-19）"
    assert answer["テレワークのBCP上の有効性"] == "働き方改革としてのテレワーク"
    assert "情報セキュリティ事案の深刻化" in answer


def test_upper_plan_messages_rebuild_figure_2(saitama_store):
    answer = rows(saitama_store, "upper-plan-messages")
    table = {(r["upperLabel"], r["goalLabel"], r.get("elementLabel")) for r in answer}
    assert table == {
        ("さいたま市総合振興計画", "上質な生活都市", "上質な生活都市さいたま市"),
        ("さいたま市総合振興計画", "未来に引き継ぐための持続可能なまちづくりを進める", "上質な生活都市さいたま市"),
        ("しあわせ倍増プラン2017", "高品質経営市役所への転換", "上質な行政経営"),  # the text, not the figure's row
        ("さいたま市成長加速化戦略", "市民・企業から選ばれる都市へ", "上質な行政サービス"),
        ("さいたま市まち・ひと・しごと創生総合戦略", "産業創出による経済活性化", "上質な生活環境"),
        ("さいたま市まち・ひと・しごと創生総合戦略", "上質な暮らしを実現できる都市", "上質な生活環境"),
        ("さいたま市まち・ひと・しごと創生総合戦略", "安心減災都市", "上質な生活環境"),
    }
    (sustainable,) = [r for r in answer if r["goalLabel"].startswith("未来に引き継ぐ")]
    assert set(sustainable["keywords"].split("、")) == {"都市インフラの整備", "災害対策", "新たな産業の創出"}


def test_label_search(saitama_store):
    found = column(saitama_store, "label-search", "label", q="テレワーク")
    assert {"Web会議・テレワーク", "働き方改革としてのテレワーク", "テレワークのBCP上の有効性"} <= found
    assert "Saitama City" in column(saitama_store, "label-search", "label", q="saitama city")
    assert rows(saitama_store, "label-search", q="存在しない語") == []
    with pytest.raises(ParameterError):
        run_named(saitama_store, "label-search", {})


def test_plans(saitama_store):
    answer = {r["planLabel"]: r for r in rows(saitama_store, "plans")}
    assert UPPER_PLANS | {"さいたま市行政デジタル化計画", "さいたま市情報システム最適化方針",
                          "さいたま市行政デジタル化計画アクション・プラン"} <= set(answer)
    assert answer["さいたま市情報システム最適化方針"]["issued"] == "2003-11"
    assert answer["さいたま市情報システム最適化方針"]["kindLabel"] == "方針"
    assert (answer["さいたま市行政デジタル化計画"]["startYear"], answer["さいたま市行政デジタル化計画"]["endYear"]) == \
        ("2021", "2025")


def test_coverage(saitama_store):
    answer = rows(saitama_store, "coverage")
    cells = {(r["elementLabel"], r["goalLabel"]): (r["how"], r["viaLabel"]) for r in answer}
    assert cells[("上質な行政経営", "高品質経営市役所への転換")] == ("direct", "上質な行政経営")
    assert cells[("上質な行政経営", "上質な生活都市")] == ("inherited", "上質な生活都市さいたま市")
    assert cells[("上質な生活都市さいたま市", "未来に引き継ぐための持続可能なまちづくりを進める")] == \
        ("direct", "上質な生活都市さいたま市")
    # 1 philosophy × 2 goals + 3 policies × (their own goals + the philosophy's 2)
    assert len(cells) == 2 + (3 + 2) + (1 + 2) + (1 + 2)
    assert {r["upperLabel"] for r in answer} == UPPER_PLANS



def _elements_in_answer_order(answer: list[dict]) -> list[str]:
    return list(dict.fromkeys(r["element"] for r in answer))


def test_coverage_rows_come_in_document_order_like_the_matrix():
    """Each measure's projects follow it (not every project "1" first), in the order of the coverage
    matrix (graph.alignment.outline), also where numbers reach two digits: (9) before (10)."""
    from graph.alignment import alignment_graph, outline
    from graph.sources import data_files, ontology_files
    from graph.store import EmbeddedStore
    from tests.conftest import synthetic_country

    sample = EmbeddedStore()
    for f in [*ontology_files(), *data_files([ROOT / "data" / "sample"])]:
        sample.load_file(f)
    action_plan = ID + "synthetic/lg/990019/plan/digital-2024/action-plan"
    answer = rows(sample, "coverage", plan=action_plan)
    measures = ID + "synthetic/lg/990019/plan/digital-2024/measure/"
    assert [e[len(measures):] for e in _elements_in_answer_order(answer)][:6] == [
        "1-1", "1-1/project/1", "1-1/project/2", "1-2", "1-2/project/1", "2-1"]
    project = next(r for r in answer if r["element"] == measures + "1-2/project/1")
    assert (project["notation"], project["parent"], project["parentNotation"]) == ("1", measures + "1-2", "1-2")

    country = synthetic_country(1)
    plan = next(r[0].value for r in country.query(
        "SELECT ?p WHERE { ?p a <https://w3id.org/plangraph/ontology#SectorPlan> } ORDER BY ?p LIMIT 1").rows)
    got = _elements_in_answer_order(rows(country, "coverage", plan=plan))
    assert len(got) > 40
    expected = [e.element for e in outline(alignment_graph(country, plan=plan)) if e.element in set(got)]
    assert got == expected

def test_element_alignment_explains_the_path(saitama_store):
    answer = rows(saitama_store, "element-alignment")  # default: basic policy (3)
    assert {(r["how"], r["viaLabel"], r["goalLabel"], r["upperLabel"]) for r in answer} == {
        ("direct", "上質な行政経営", "高品質経営市役所への転換", "しあわせ倍増プラン2017"),
        ("inherited", "上質な生活都市さいたま市", "上質な生活都市", "さいたま市総合振興計画"),
        ("inherited", "上質な生活都市さいたま市", "未来に引き継ぐための持続可能なまちづくりを進める", "さいたま市総合振興計画"),
    }


MY_QUESTIONS = {"coverage", "upper-plans", "policy-goals", "goal-support", "gaps", "orphans", "plans-in-force", "succession",
                "legal-basis", "provenance", "conflicts", "plan-structure", "plan-period", "reviews",
                "background-themes", "upper-plan-messages", "label-search", "plans", "element-alignment"}


def test_each_question_above_exists():
    assert MY_QUESTIONS <= {q.name for q in PUBLIC}


def test_readme_lists_every_named_query():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: queries -->")[1].split("<!-- /section: queries -->")[0]
    for q in PUBLIC:
        assert f"`{q.name}`" in section, f"README's queries section does not list {q.name}"
        assert q.title_ja in section, f"README's queries section lacks the title of {q.name}"
