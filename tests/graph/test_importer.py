"""Action-plan import: the sample imports; every bad sheet names its row and column and writes nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.errors import ParseError, ValidationError
from graph.fiscal import parse_fiscal_year
from graph.importer import import_action_plan
from graph.settings import load_settings
from graph.spreadsheet import read_table
from graph.store import EmbeddedStore
from graph.sources import ontology_files

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SHEET = SAMPLE / "sample-city-action-plan.csv"
PLAN = "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024"
PG = "https://w3id.org/plangraph/ontology#"


@pytest.fixture()
def store() -> EmbeddedStore:
    s = EmbeddedStore()
    for f in ontology_files():
        s.load_file(f)
    s.load_file(SAMPLE / "sample-city.ttl")
    return s


@pytest.fixture()
def settings(tmp_path):
    return load_settings(environ={}, overrides={"import_dir": str(tmp_path / "imports")})


def rows() -> list[list[str]]:
    with open(SHEET, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def as_csv(table: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(table)
    return buf.getvalue().encode(encoding)


def as_xlsx(table: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in table:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def select(store, sparql: str) -> list[tuple]:
    return [tuple(t.value if t is not None else None for t in r)
            for r in store.query("PREFIX pg: <%s> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> %s" % (PG, sparql)).rows]


def test_sample_imports_into_the_graph(store, settings):
    out = settings.import_dir / "sample.ttl"
    outcome = import_action_plan(SHEET.read_bytes(), SHEET.name, store, PLAN, settings=settings, out=out)
    assert outcome.counts == {"measure": 7, "project": 9, "indicator": 5}
    assert out.is_file()
    # measure 2-1 serves policy (2) and supports two goals, named in Japanese in the sheet
    got = select(store, f"""SELECT ?policyLabel ?goalLabel WHERE {{
        <{PLAN}/measure/2-1> pg:parentElement ?p ; pg:supports ?g .
        ?p rdfs:label ?policyLabel . ?g rdfs:label ?goalLabel .
        FILTER(LANG(?policyLabel) = "ja" && LANG(?goalLabel) = "ja") }} ORDER BY ?goalLabel""")
    assert got == [("行政サービスのデジタル化", "効率的で開かれた市役所"),
                   ("行政サービスのデジタル化", "誰一人取り残さないデジタル化")]
    # a policy given by name (not number) resolves too
    assert select(store, f"SELECT ?p WHERE {{ <{PLAN}/measure/2-2> pg:parentElement ?p }}") == [(f"{PLAN}/policy/2",)]
    # indicator: baseline, target and target fiscal year 令和10年度 = FY2028
    got = select(store, f"""SELECT DISTINCT ?b ?t ?fy ?unit WHERE {{ <{PLAN}/measure/2-1> pg:indicator ?i .
        ?i pg:baseline ?b ; pg:target ?t ; pg:targetFiscalYear/pg:fiscalYear ?fy ; pg:unit ?unit }}""")
    assert [(float(b), float(t), fy, u) for b, t, fy, u in got] == [(30.0, 80.0, "2028", "%")]
    # an indicator of a project hangs off the project
    assert store.query(f"PREFIX pg: <{PG}> ASK {{ <{PLAN}/measure/3-2/project/1> pg:indicator ?i }}").value
    assert not store.query(f"PREFIX pg: <{PG}> ASK {{ <{PLAN}/measure/3-2> pg:indicator ?i }}").value
    # the action plan concretizes the plan; everything imported for a synthetic plan is marked synthetic
    assert store.query(f"PREFIX pg: <{PG}> ASK {{ <{PLAN}> pg:concretizedBy <{PLAN}/action-plan> }}").value
    unmarked = select(store, f"""SELECT ?x WHERE {{ VALUES ?c {{ pg:Measure pg:Project pg:Indicator pg:ActionPlan }}
        ?x a ?c . FILTER NOT EXISTS {{ ?x pg:synthetic true }} }}""")
    assert unmarked == []


def test_committed_sample_output_matches_a_fresh_import(store, settings):
    """data/sample/sample-city-action-plan.ttl is what the importer makes from the sheet."""
    outcome = import_action_plan(SHEET.read_bytes(), SHEET.name, store, PLAN, settings=settings, dry_run=True)
    committed = Graph().parse(SAMPLE / "sample-city-action-plan.ttl")
    assert isomorphic(Graph().parse(data=outcome.turtle, format="turtle"), committed)


def test_xlsx_and_cp932_give_the_same_graph(store, settings):
    table = rows()
    a = import_action_plan(as_csv(table), "a.csv", store, PLAN, settings=settings, dry_run=True)
    b = import_action_plan(as_xlsx(table), "a.xlsx", store, PLAN, settings=settings, dry_run=True)
    c = import_action_plan(as_csv(table, "cp932"), "a.csv", store, PLAN, settings=settings, dry_run=True)
    ga, gb, gc = (Graph().parse(data=x.turtle, format="turtle") for x in (a, b, c))
    assert isomorphic(ga, gb) and isomorphic(ga, gc)


def _fails(store, settings, data: bytes, name: str = "bad.csv", plan: str = PLAN) -> str:
    existing = settings.import_dir / "keep.ttl"
    existing.parent.mkdir(parents=True, exist_ok=True)
    existing.write_text("# previous import\n")
    before = sorted(p.name for p in settings.import_dir.iterdir())
    size = len(store)
    with pytest.raises(ValidationError) as info:
        import_action_plan(data, name, store, plan, settings=settings)
    assert sorted(p.name for p in settings.import_dir.iterdir()) == before, "a failed import wrote a file"
    assert existing.read_text() == "# previous import\n"
    assert len(store) == size, "a failed import changed the store"
    return info.value.message


def test_missing_column(store, settings):
    table = [r[:5] + r[6:] for r in rows()]  # drop 基本方針 (column F)
    msg = _fails(store, settings, as_csv(table))
    assert "1行" in msg and "基本方針" in msg and "missing column" in msg
    # the missing column is not at any letter of the sheet: no "D列（区分）"-style pointer to another column
    assert "bad.csv:1行（見出し）: 必須の列「基本方針」がありません" in msg
    assert "列（基本方針）" not in msg


def test_unknown_policy_names_row_and_column(store, settings):
    table = rows()
    table[1][5] = "(9)"
    msg = _fails(store, settings, as_csv(table))
    assert "bad.csv:2行 F列（基本方針）" in msg and "(9)" in msg


def test_bad_fiscal_year_names_row_and_column(store, settings):
    table = rows()
    i = next(n for n, r in enumerate(table) if r[0] == "指標")
    table[i][11] = "令和X年度"
    msg = _fails(store, settings, as_csv(table))
    assert f"bad.csv:{i + 1}行 L列（目標年度）" in msg and "令和X年度" in msg


def test_duplicate_measure_numbers(store, settings):
    table = rows()
    table.append(["施策", "1-1", "", "重複した施策", "", "(1)", "", "", "", "", "", "", "", ""])
    msg = _fails(store, settings, as_csv(table))
    assert f"bad.csv:{len(table)}行 B列（施策番号）" in msg and "重複" in msg


def test_every_problem_is_reported_at_once(store, settings):
    table = rows()
    table[1][5] = "(9)"
    table[5][6] = "存在しない目標"
    table[4][10] = "たくさん"
    msg = _fails(store, settings, as_csv(table))
    assert "2行 F列" in msg and "6行 G列" in msg and "5行 K列" in msg


def test_unknown_plan(store, settings):
    msg = _fails(store, settings, SHEET.read_bytes(), plan=PLAN + "-nonexistent")
    assert "no such plan" in msg
    assert "bad.csv: 計画が見つかりません" in msg and "0行" not in msg  # a problem of the whole sheet, not of a row


def test_xlsx_with_doctype_is_refused(store, settings):
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(as_xlsx(rows()))) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            dst.writestr(info, data)
    with pytest.raises(ParseError, match="DOCTYPE"):
        read_table(buf.getvalue(), "bomb.xlsx")


def test_fiscal_year_forms():
    assert [parse_fiscal_year(s) for s in ("令和元年度", "R3", "平成28年度", "２０２５年度", "FY2030")] == \
        [2019, 2021, 2016, 2025, 2030]
    for bad in ("令和X年度", "来年度", "20255"):
        with pytest.raises(ValueError):
            parse_fiscal_year(bad)


def test_shapes_are_the_last_gate(store, settings, monkeypatch):
    """Whatever the row checks miss, the SHACL shapes refuse before anything is written."""
    import graph.importer as importer
    from rdflib import URIRef

    real = importer.build_action_plan

    def drop_a_parent(*args, **kwargs):
        result = real(*args, **kwargs)
        result.graph.remove((URIRef(f"{PLAN}/measure/1-1"), URIRef(PG + "parentElement"), None))
        return result

    monkeypatch.setattr(importer, "build_action_plan", drop_a_parent)
    msg = _fails(store, settings, SHEET.read_bytes())
    assert "SHACL" in msg and "measure/1-1" in msg
