"""The plangraph command: real answers, one-line errors, exit codes, nothing written on failure."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph import cli as cli_module
from graph.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAD = FIXTURES / "bad"
MINI = FIXTURES / "lib" / "mini-plan.trig"
NO_IMPORTS = FIXTURES / "lib" / "no-imports"  # does not exist: imported action plans are not loaded
DIGITAL = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"


def run(*args: str, input: str | None = None):
    """Run the CLI in this process with an empty environment's settings."""
    env = {k: None for k in os.environ if k.startswith("PLANGRAPH_")}
    env["PLANGRAPH_IMPORT_DIR"] = str(NO_IMPORTS)  # only the data each test names
    return CliRunner().invoke(main, list(args), input=input, env=env)


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script in a child process (real exit codes and stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANGRAPH_")}
    env["PLANGRAPH_IMPORT_DIR"] = str(NO_IMPORTS)
    exe = Path(sys.executable).parent / "plangraph"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graph.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def _one_line_error(result, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("plangraph: error: ")
    for w in words:
        assert w in lines[0]
    assert "Traceback" not in result.stderr


# --- commands ---------------------------------------------------------------------

def test_help_lists_the_commands():
    r = run("--help")
    assert r.exit_code == 0
    for name in ("validate", "query", "export", "stats"):
        assert name in r.output
    assert COMMANDS[:4] == ("validate", "query", "export", "stats")


def _documented_names() -> list[str]:
    """Every command (and sub-command) with every long option it takes, as a user would type them."""
    ctx = click.Context(main)
    names = [o for p in main.params if not getattr(p, "hidden", False) for o in p.opts if o.startswith("--")]
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        commands = [(name, cmd)]
        if isinstance(cmd, click.Group):
            commands += [(f"{name} {sub}", c) for sub, c in cmd.commands.items()]
        for full, c in commands:
            names.append(f"plangraph {full}")
            names += [o for p in c.params if not getattr(p, "hidden", False)
                      for o in (*p.opts, *getattr(p, "secondary_opts", ())) if o.startswith("--") and o != "--help"]
    return names


def test_readme_documents_every_command_and_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [n for n in _documented_names() if n not in readme]
    assert missing == [], f"README does not mention: {missing}"


def test_stats_on_the_saitama_graph():
    r = run("stats")
    assert r.exit_code == 0, r.output
    assert "基本方針" in r.output and "さいたま市行政デジタル化計画" in r.output
    data = json.loads(run("stats", "--json").output)
    by_class = {c["class"]: c for c in data["classes"]}
    assert by_class["pg:BasicPolicy"]["entities"] == 3
    assert by_class["pg:BasicPolicy"]["label_ja"] == "基本方針"
    assert by_class["pg:Viewpoint"]["entities"] == 3
    assert any(p["label_ja"] == "さいたま市行政デジタル化計画" for p in data["plans"])


def test_stats_for_one_municipality_lists_its_plans_only(monkeypatch):
    import graph.commands.stats as stats

    # the whole-store counts (a minute on the whole country) are not made
    monkeypatch.setattr(stats, "dataset_statistics", lambda store: pytest.fail("counted the whole store"))
    r = run("stats", "--municipality", "111007")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("自治体 / municipality: さいたま市 (111007)")
    assert "さいたま市行政デジタル化計画  (pg:SectorPlan, 要素 elements: 7)" in r.output
    data = json.loads(run("--data", str(ROOT / "data" / "sample"), "stats", "--json", "--municipality",
                          "https://w3id.org/plangraph/id/synthetic/lg/990019").output)
    assert data["code"] == "990019" and data["label_ja"] == "サンプル市（架空）"
    assert {p["label_ja"] for p in data["plans"]} >= {"サンプル市デジタル化計画（架空）"}
    assert max(p["elements"] for p in data["plans"]) > 0
    r = run("stats", "--municipality", "999999")
    assert r.exit_code == 1
    _one_line_error(r, "no municipality '999999'")


def test_stats_with_data_option_sees_only_that_data():
    data = json.loads(run("--data", str(MINI), "stats", "--json").output)
    assert [p["label_ja"] for p in data["plans"]] == ["テスト市デジタル計画"]


def test_query_file_and_stdin_in_every_format(tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("PREFIX pg: <https://w3id.org/plangraph/ontology#>\n"
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                 "SELECT ?p ?label WHERE { ?p a pg:BasicPolicy ; rdfs:label ?label FILTER(lang(?label)='ja') }\n",
                 encoding="utf-8")
    table = run("--data", str(MINI), "query", "--file", str(q))
    assert table.exit_code == 0, table.output
    assert "id:lg/999999/plan/mini/policy/1" in table.output and "市民サービスのデジタル化" in table.output
    assert "(1 行 / 1 row)" in table.output
    as_csv = run("--data", str(MINI), "query", "-f", str(q), "--format", "csv")
    assert list(csv.reader(io.StringIO(as_csv.output)))[1] == [
        "https://w3id.org/plangraph/id/lg/999999/plan/mini/policy/1", "市民サービスのデジタル化"]
    as_json = json.loads(run("--data", str(MINI), "query", "-", "--format", "json", input=q.read_text()).output)
    assert as_json["results"]["bindings"][0]["label"]["xml:lang"] == "ja"
    tsv = run("--data", str(MINI), "query", "-f", "-", "--format", "tsv", input=q.read_text()).output
    rows = list(ox.parse_query_results(tsv.encode(), ox.QueryResultsFormat.TSV))
    assert rows[0]["label"].value == "市民サービスのデジタル化"


def test_query_csv_can_be_made_spreadsheet_safe():
    q = "SELECT ?d WHERE { ?s <https://w3id.org/plangraph/ontology#description> ?d }"
    plain = run("--data", str(MINI), "query", "-", "--format", "csv", input=q).output
    safe = run("--data", str(MINI), "query", "-", "--format", "csv", "--spreadsheet-safe", input=q).output
    assert list(csv.reader(io.StringIO(plain)))[1][0].startswith("=HYPERLINK")
    assert list(csv.reader(io.StringIO(safe)))[1][0].startswith("'=HYPERLINK")


def test_query_max_rows_truncates_and_says_so():
    r = run("query", "-", "--max-rows", "2", input="SELECT ?s WHERE { ?s ?p ?o }")
    assert r.exit_code == 0
    assert "(2 行 / 2 rows)" in r.output and "truncated" in r.output


def test_construct_results_print_as_rdf():
    r = run("--data", str(MINI), "query", "-", "--format", "json",
            input="CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 1")
    assert r.exit_code == 0
    assert len(list(ox.parse(r.output.encode(), format=ox.RdfFormat.JSON_LD))) == 1


def test_named_query_with_a_parameter():
    r = run("query", "upper-plans", "--param", f"plan={DIGITAL}", "--format", "json")
    assert r.exit_code == 0, r.output
    labels = {b["upperLabel"]["value"] for b in json.loads(r.output)["results"]["bindings"] if "upperLabel" in b}
    assert "さいたま市総合振興計画" in labels and "しあわせ倍増プラン2017" in labels


def test_query_list_names_the_queries_in_japanese():
    r = run("query", "--list")
    assert r.exit_code == 0
    line = next(line for line in r.output.splitlines() if line.startswith("upper-plans"))
    assert "上位計画" in line and "plan=" in line


@pytest.mark.parametrize("args,input,words", [
    (("query", "no-such-query"), None, ["no-such-query", "--list"]),
    (("query", "upper-plans", "--param", "plan=nope"), None, ["plan"]),
    (("query", "upper-plans", "--param", "plan"), None, ["name=value"]),
    (("query", "-"), "SELEC broken", []),
    (("query", "-"), "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", ["SERVICE"]),
    (("query", "-"), "   ", ["empty"]),
    (("query", "-f", "/nonexistent/q.rq"), None, ["no such query file"]),
])
def test_query_errors_are_one_line(args, input, words):
    r = run(*args, input=input)
    assert r.exit_code == 1
    _one_line_error(r, *words)


def test_usage_errors_exit_2():
    assert run("query", "--format", "xlsx").exit_code == 2
    assert run("query").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_export_to_stdout_and_file(tmp_path):
    r = run("--data", str(MINI), "export", "--format", "nquads")
    assert r.exit_code == 0
    quads = list(ox.parse(r.stdout_bytes, format=ox.RdfFormat.N_QUADS))
    assert any(q.object == ox.Literal("テスト市デジタル計画", language="ja") for q in quads)
    out = tmp_path / "mini.jsonld"
    r = run("--data", str(MINI), "export", "--format", "jsonld", "--out", str(out))
    assert r.exit_code == 0
    assert {q for q in ox.parse(path=str(out)) if "999999" in str(q.graph_name)} == \
        {q for q in quads if "999999" in str(q.graph_name)}


def test_export_void_description(tmp_path):
    out = tmp_path / "void.ttl"
    r = run("--data", str(MINI), "export", "--void", "--endpoint-url", "http://localhost:5000/sparql",
            "--out", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "void:sparqlEndpoint <http://localhost:5000/sparql>" in text
    assert "<https://creativecommons.org/licenses/by/4.0/>" in text


def test_export_of_an_unknown_graph_is_an_error():
    r = run("--data", str(MINI), "export", "--graph", "https://ex.org/none")
    assert r.exit_code == 1
    _one_line_error(r, "no such graph")


def test_validate_the_default_data_and_a_good_file():
    r = run("validate")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("検証結果: 適合しています")
    assert run("validate", str(MINI)).exit_code == 0


def test_validate_a_store_that_does_not_conform(tmp_path):
    r = run("--data", str(FIXTURES / "lib" / "period-reversed.ttl"), "--store-path", str(tmp_path / "db"),
            "validate")
    assert r.exit_code == 1
    assert "period-order-violation.rq" in r.output
    _one_line_error(r, "does not conform")


# --- bad input, through the real console script ------------------------------------

@pytest.mark.parametrize("name,words", [
    ("syntax-error.ttl", ["syntax-error.ttl:7:5:", "A dot is expected"]),
    ("unknown-class.ttl", ["unknown-class.ttl:5:58:", "pg:MasterPlan"]),
    ("missing-label.ttl", ["missing-label.ttl:8:1:", "missing label"]),
    ("bad-date.ttl", ["bad-date.ttl:8:18:", "2021-13-45", "xsd:date"]),
    ("entity-bomb.rdf", ["entity-bomb.rdf:2:1:", "DOCTYPE"]),
    ("deep-nesting.jsonld", ["deep-nesting.jsonld:", "nested deeper"]),
])
def test_validate_bad_file_is_one_line_and_exit_1(name, words):
    r = run_process("validate", str(BAD / name))
    assert r.returncode == 1
    _one_line_error(r, *words)


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_export_keeps_the_old_file_when_the_data_is_bad(tmp_path, name):
    out = tmp_path / "plangraph.ttl"
    out.write_text("old export\n")
    r = run_process("--data", str(BAD / name), "export", "--out", str(out))
    assert r.returncode == 1
    _one_line_error(r, name)
    assert out.read_text() == "old export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plangraph.ttl"]


def test_a_bad_setting_is_one_line(monkeypatch):
    r = CliRunner().invoke(main, ["stats"], env={"PLANGRAPH_MAX_ROWS": "many"})
    assert r.exit_code == 1
    _one_line_error(r, "PLANGRAPH_MAX_ROWS")


def test_ctrl_c_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("graph.commands.stats.collect", interrupted)
    r = run("--data", str(MINI), "stats")
    assert r.exit_code == 130
    assert r.stderr.strip() == "plangraph: interrupted"


def test_unexpected_errors_are_one_line_without_debug(monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr("graph.commands.stats.collect", bug)
    r = run("--data", str(MINI), "stats")
    assert r.exit_code == 1
    _one_line_error(r, "internal error (ZeroDivisionError)")
    assert "secret internals" not in r.stderr
    assert isinstance(run("--debug", "--data", str(MINI), "stats").exception, ZeroDivisionError)


def test_adding_a_command_is_one_entry_in_commands(monkeypatch):
    monkeypatch.setattr(cli_module, "COMMANDS", COMMANDS + ("no-module-yet",))
    r = run("--help")
    assert r.exit_code == 0 and "no-module-yet" not in r.output  # listed but not written: skipped
