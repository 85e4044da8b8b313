"""The import form: behind the update token, row/column problems on the page, nothing written on failure."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from graph.store import EmbeddedStore

from graph.sources import ontology_files
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SHEET = SAMPLE / "sample-city-action-plan.csv"
PLAN = "https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024"
TOKEN = "correct horse battery staple"


def make_app(tmp_path, token):
    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(SAMPLE / "sample-city.ttl")
    config = {"import_dir": str(tmp_path / "imports"), "TESTING": True}
    if token:
        config["update_token"] = token
    return create_app(config, store=store), store


def post(client, data: bytes, filename="plan.csv", **fields):
    form = {"plan": PLAN, "file": (io.BytesIO(data), filename), **fields}
    return client.post("/import/action-plan", data=form, content_type="multipart/form-data")


def measures(store) -> int:
    q = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <https://w3id.org/plangraph/ontology#Measure> }"
    return int(store.query(q).rows[0][0].value)


def test_form_lists_plans_and_template_columns(tmp_path):
    app, _ = make_app(tmp_path, TOKEN)
    page = app.test_client().get("/import").get_data(as_text=True)
    assert "サンプル市デジタル化計画（架空）" in page
    assert "上位計画の目標" in page and "目標年度" in page


def test_templates_download(tmp_path):
    app, _ = make_app(tmp_path, None)
    c = app.test_client()
    csv_ = c.get("/import/template.csv")
    assert csv_.status_code == 200 and csv_.data.decode("utf-8-sig").startswith("区分,施策番号,事業番号,名称")
    xlsx = c.get("/import/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_disabled_without_a_configured_token(tmp_path):
    app, store = make_app(tmp_path, None)
    r = post(app.test_client(), SHEET.read_bytes(), token="anything")
    assert r.status_code == 403
    assert measures(store) == 0 and not (tmp_path / "imports").exists()


def test_wrong_or_missing_token_is_refused(tmp_path):
    app, store = make_app(tmp_path, TOKEN)
    c = app.test_client()
    assert post(c, SHEET.read_bytes()).status_code == 401                       # a cross-site form knows no token
    assert post(c, SHEET.read_bytes(), token="guess").status_code == 401
    assert measures(store) == 0 and not (tmp_path / "imports").exists()


def test_import_with_token_writes_and_loads(tmp_path):
    app, store = make_app(tmp_path, TOKEN)
    r = post(app.test_client(), SHEET.read_bytes(), token=TOKEN)
    assert r.status_code == 200, r.get_data(as_text=True)
    page = r.get_data(as_text=True)
    assert "取込が完了しました" in page and ">7<" in page
    written = list((tmp_path / "imports").glob("*.ttl"))
    assert [p.name for p in written] == ["synthetic-lg-990019-plan-digital-2024-action-plan.ttl"]
    assert measures(store) == 7


def test_bearer_header_works_too(tmp_path):
    app, store = make_app(tmp_path, TOKEN)
    form = {"plan": PLAN, "file": (io.BytesIO(SHEET.read_bytes()), "plan.csv")}
    r = app.test_client().post("/import/action-plan", data=form, content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and measures(store) == 7


def test_bad_sheet_shows_row_and_column_and_writes_nothing(tmp_path):
    app, store = make_app(tmp_path, TOKEN)
    bad = SHEET.read_bytes().decode("utf-8-sig").replace("地域のデジタル相談窓口,Local digital help desks,(1)",
                                                         "地域のデジタル相談窓口,Local digital help desks,(7)")
    r = post(app.test_client(), bad.encode("utf-8"), token=TOKEN)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "2行 F列（基本方針）" in page and "(7)" in page
    assert measures(store) == 0 and not list((tmp_path / "imports").glob("*.ttl"))


def test_dry_run_writes_nothing(tmp_path):
    app, store = make_app(tmp_path, TOKEN)
    r = post(app.test_client(), SHEET.read_bytes(), token=TOKEN, dry_run="1")
    assert r.status_code == 200 and "検査のみ" in r.get_data(as_text=True)
    assert measures(store) == 0 and not list((tmp_path / "imports").glob("*.ttl"))



def test_an_upload_over_the_size_cap_is_refused_and_writes_nothing(tmp_path):
    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(SAMPLE / "sample-city.ttl")
    app = create_app({"import_dir": str(tmp_path / "imports"), "TESTING": True, "update_token": TOKEN,
                      "max_upload_bytes": 10_000}, store=store)
    big = SHEET.read_bytes() + b"\r\n".join([b"," * 13] * 2_000)  # the sample sheet padded with empty rows
    assert len(big) > 10_000
    r = post(app.test_client(), big, token=TOKEN)
    assert r.status_code == 413
    assert measures(store) == 0 and not (tmp_path / "imports").exists()
    assert post(app.test_client(), SHEET.read_bytes(), token=TOKEN).status_code == 200  # under the cap: imported
