"""`plangraph import`: one line per problem, one error line, exit 1, nothing written; the sample imports."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
from rdflib import Graph
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
PLAN = "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024"


def plangraph(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", "--data", str(SAMPLE / "sample-city.ttl"), *args],
                          capture_output=True, text=True, cwd=cwd)


def test_sample_imports_to_the_named_file(tmp_path):
    out = tmp_path / "ap.ttl"
    r = plangraph("import", "action-plan", str(SAMPLE / "sample-city-action-plan.csv"), "--plan", PLAN,
                  "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "施策 7 / 事業 9 / 指標 5" in r.stderr
    assert isomorphic(Graph().parse(out), Graph().parse(SAMPLE / "sample-city-action-plan.ttl"))


def test_problems_one_per_line_and_nothing_written(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text((SAMPLE / "sample-city-action-plan.csv").read_text(encoding="utf-8-sig")
                   .replace(",(1),", ",(8),"), encoding="utf-8")
    out = tmp_path / "ap.ttl"
    r = plangraph("import", "action-plan", str(bad), "--plan", PLAN, "--out", str(out), cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].endswith("2行 F列（基本方針）: 基本方針「(8)」はこの計画にありません / unknown basic policy '(8)'")
    assert lines[-1].startswith("plangraph: error: ") and "nothing written" in lines[-1]
    assert "Traceback" not in r.stderr and not out.exists()


def test_template_xlsx_has_japanese_headers_and_help_sheet(tmp_path):
    out = tmp_path / "t.xlsx"
    r = plangraph("import", "template", "--format", "xlsx", "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert [c.value for c in wb.worksheets[0][1]][:4] == ["区分", "施策番号", "事業番号", "名称"]
    assert wb.worksheets[1].title == "説明"


def test_readme_documents_every_template_column():
    from graph.actionplan import COLUMNS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("<!-- section: import -->"):readme.index("<!-- /section: import -->")]
    for c in COLUMNS:
        assert f"| {c.header_ja} | {c.header_en} |" in section, c.header_ja
