"""Action plans from planners' spreadsheets: the template, the mapping, the checks.

Planners keep measures (施策), projects (事業) and indicators (指標) in
spreadsheets. The template (``data/templates/action-plan.csv`` / ``.xlsx``,
documented in README) is one flat table, a record a row, with a 区分 column
saying what the row is. :func:`build_action_plan` maps it onto the graph of
the plan it concretizes: a measure's 基本方針 cell must name one of that
plan's basic policies, its 上位計画の目標 cell goals of the plan's upper plans.

Every problem is collected with its row and column before anything is
written, so a planner fixes the whole sheet in one pass; the importer
(:mod:`graph.importer`) only writes a file when there is none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, DCTERMS

from .queries import get_query
from .fiscal import fiscal_year_dates, fiscal_year_label_en, fiscal_year_label_ja, parse_fiscal_year
from .spreadsheet import Table, column_letter
from .store import SelectResult, Store
from .vocab import PG_NS, PREFIXES

PG = Namespace(PG_NS)


@dataclass(frozen=True)
class Column:
    key: str
    header_ja: str
    header_en: str
    help_ja: str
    help_en: str


#: The template's columns, in order. README's table and the template files are made from this.
COLUMNS: tuple[Column, ...] = (
    Column("kind", "区分", "kind", "施策・事業・指標のいずれか（必須）", "施策 (measure), 事業 (project) or 指標 (indicator); required"),
    Column("measure", "施策番号", "measure no.", "施策の番号。事業・指標の行では親の施策（必須）",
           "the measure's number; on project and indicator rows, the parent measure; required"),
    Column("project", "事業番号", "project no.", "事業の行で必須。指標の行では事業の指標のとき記入",
           "required on project rows; on indicator rows, fill in for a project's indicator"),
    Column("name", "名称", "name", "施策名・事業名・指標名（必須）", "name of the measure, project or indicator; required"),
    Column("name_en", "名称（英語）", "name (English)", "英語名（任意）", "English name; optional"),
    Column("policy", "基本方針", "basic policy", "施策の行で必須。基本方針の番号（例「(1)」）または名称",
           "required on measure rows: the basic policy's number, e.g. (1), or its name"),
    Column("goals", "上位計画の目標", "upper-plan goals",
           "施策・事業が資する上位計画の目標の名称。複数は「；」区切り", "goals of upper plans it supports; several separated by ；"),
    Column("department", "担当部局", "responsible department", "担当する部局・課（任意）", "responsible department; optional"),
    Column("baseline", "現状値", "baseline", "指標の現状値（数値）", "indicator baseline (a number)"),
    Column("baseline_year", "現状値年度", "baseline fiscal year", "現状値の年度（例「令和2年度」「2020」）", "fiscal year of the baseline"),
    Column("target", "目標値", "target", "指標の行で必須。目標値（数値）", "required on indicator rows: target value (a number)"),
    Column("target_year", "目標年度", "target fiscal year", "指標の行で必須（例「令和7年度」「2025」）",
           "required on indicator rows, e.g. 令和7年度 or 2025"),
    Column("unit", "単位", "unit", "指標の単位（任意）", "indicator unit; optional"),
    Column("note", "備考", "note", "説明（任意）", "description; optional"),
)
KINDS = {"施策": "measure", "事業": "project", "指標": "indicator"}
_NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_SPLIT_RE = re.compile(r"[;；\n、,，]+")


@dataclass(frozen=True)
class Problem:
    """One problem in the sheet: spreadsheet row (header = 1), column letter, header, message."""

    row: int
    column: str
    header: str
    message: str

    def __str__(self) -> str:
        # A problem of the whole header row (a missing column) has no column of its own;
        # one of the whole sheet (row 0, e.g. an unknown plan) has no row either.
        if not self.row:
            return self.message
        where = f"{self.row}行" + (f" {self.column}列" if self.column else "") + (f"（{self.header}）" if self.header else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    graph: Graph
    action_plan: str
    counts: dict[str, int]
    problems: list[Problem] = field(default_factory=list)


def _norm(text: str) -> str:
    """Fold full-width/half-width and spacing for matching names typed by hand."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _slug(text: str) -> str:
    """An IRI path segment that keeps Japanese characters (IRIs, not URIs)."""
    return re.sub(r"[^\w・ー-]+", "-", unicodedata.normalize("NFKC", text)).strip("-") or "x"


def _run(store: Store, name: str, plan: str) -> SelectResult:
    return store.query(get_query(name).text, substitutions={"plan": ox.NamedNode(plan)})


def _number(text: str) -> Decimal:
    s = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"数値ではありません / not a number: {text!r}") from None


def template_header(lang: str = "ja") -> list[str]:
    """The header row of the template."""
    return [c.header_ja if lang == "ja" else c.header_en for c in COLUMNS]


def build_action_plan(table: Table, store: Store, plan: str, *, base_iri: str,
                      title: str | None = None, synthetic: bool | None = None) -> ImportResult:
    """Map a template table onto RDF for the action plan that concretizes ``plan``.

    Returns the graph and the problems found; the caller writes nothing when
    there are problems. ``synthetic`` defaults to the target plan's own flag,
    so a sample plan's action plan is marked synthetic too.
    """
    problems: list[Problem] = []
    info = _run(store, "_actionplan-plan", plan).dicts()
    if not info:
        problems.append(Problem(0, "", "", f"計画が見つかりません / no such plan in the graph: <{plan}>"))
        return ImportResult(Graph(), "", {}, problems)
    info = info[0]

    # Header → column index; accept Japanese or English headers, in any order.
    index: dict[str, int] = {}
    names = {_norm(c.header_ja): c.key for c in COLUMNS} | {_norm(c.header_en): c.key for c in COLUMNS}
    for i, h in enumerate(table.header):
        key = names.get(_norm(h))
        if key:
            index[key] = i
    for c in COLUMNS:
        if c.key not in index and c.key in {"kind", "measure", "project", "name", "policy", "goals",
                                             "target", "target_year"}:
            problems.append(Problem(1, "", "見出し",
                                    f"必須の列「{c.header_ja}」がありません / missing column {c.header_en!r}"))
    if problems:
        return ImportResult(Graph(), "", {}, problems)

    policies: dict[str, str] = {}
    for r in _run(store, "_actionplan-policies", plan).dicts():
        iri = r["policy"].value
        policies[_norm(r["label"].value)] = iri
        policies[iri] = iri
        if "notation" in r:
            n = _norm(r["notation"].value)
            policies[n] = iri
            policies[n.strip("()")] = iri
    goals: dict[str, str] = {}
    for r in _run(store, "_actionplan-goals", plan).dicts():
        goals[_norm(r["label"].value)] = r["goal"].value
        goals[r["goal"].value] = r["goal"].value

    ap = info["actionPlan"].value if "actionPlan" in info else plan.rstrip("/") + "/action-plan"
    is_synthetic = bool(synthetic) if synthetic is not None else (
        "synthetic" in info and info["synthetic"].value in ("true", "1"))
    publisher = info["publisher"].value if "publisher" in info else None

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    AP = URIRef(ap)
    g.add((AP, RDF.type, PG.ActionPlan))
    ap_label = title or (info["actionPlanLabel"].value if "actionPlanLabel" in info
                         else info["label"].value + "アクション・プラン")
    g.add((AP, RDFS.label, Literal(ap_label, lang="ja")))
    if not title and "actionPlanLabel" not in info and "labelEn" in info:
        g.add((AP, RDFS.label, Literal(f"{info['labelEn'].value}: Action Plan", lang="en")))
    g.add((AP, PG.concretizes, URIRef(plan)))
    g.add((URIRef(plan), PG.concretizedBy, AP))
    if publisher:
        g.add((AP, PG.publisher, URIRef(publisher)))
    if is_synthetic:
        g.add((AP, PG.synthetic, Literal(True)))

    def cell(row: list[str], key: str) -> str:
        i = index.get(key)
        return row[i] if i is not None and i < len(row) else ""

    def problem(rownum: int, key: str, message: str) -> None:
        i = index.get(key, 0)
        header = next(c.header_ja for c in COLUMNS if c.key == key)
        problems.append(Problem(rownum, column_letter(i), header, message))

    def fiscal_year(rownum: int, key: str, text: str) -> URIRef | None:
        try:
            y = parse_fiscal_year(text)
        except ValueError as exc:
            problem(rownum, key, str(exc))
            return None
        fy = URIRef(f"{base_iri}fy/{y}")
        start, end = fiscal_year_dates(y)
        g.add((fy, RDF.type, PG.FiscalYear))
        g.add((fy, PG.fiscalYear, Literal(str(y), datatype=XSD.gYear)))
        g.add((fy, PG.startDate, Literal(start)))
        g.add((fy, PG.endDate, Literal(end)))
        g.add((fy, RDFS.label, Literal(fiscal_year_label_ja(y), lang="ja")))
        g.add((fy, RDFS.label, Literal(fiscal_year_label_en(y), lang="en")))
        return fy

    def department(name: str) -> URIRef:
        owner = publisher or plan
        d = URIRef(f"{owner.rstrip('/')}/dept/{_slug(name)}")
        g.add((d, RDF.type, PG.Department))
        g.add((d, RDFS.label, Literal(name, lang="ja")))
        if publisher:
            g.add((d, ORG.unitOf, URIRef(publisher)))
        return d

    def common(node: URIRef, rownum: int, row: list[str], cls) -> None:
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(cell(row, "name"), lang="ja")))
        if cell(row, "name_en"):
            g.add((node, RDFS.label, Literal(cell(row, "name_en"), lang="en")))
        if cell(row, "note"):
            g.add((node, PG.description, Literal(cell(row, "note"), lang="ja")))
        if cell(row, "department"):
            g.add((node, PG.responsibleDepartment, department(cell(row, "department"))))
        if is_synthetic:
            g.add((node, PG.synthetic, Literal(True)))
        for name in filter(None, (s.strip() for s in _SPLIT_RE.split(cell(row, "goals")))):
            goal = goals.get(_norm(name)) or goals.get(name)
            if goal is None:
                problem(rownum, "goals", f"上位計画の目標「{name}」が見つかりません / unknown upper-plan goal {name!r}")
            else:
                g.add((node, PG.supports, URIRef(goal)))

    measures: dict[str, URIRef] = {}
    projects: dict[tuple[str, str], URIRef] = {}
    indicator_count: dict[URIRef, int] = {}
    pending: list[tuple[int, list[str], str]] = []
    counts = {"measure": 0, "project": 0, "indicator": 0}

    # Pass 1: measures, so projects and indicators may come before or after their measure.
    for offset, row in enumerate(table.rows):
        rownum = offset + 2
        if not any(row):
            continue
        kind = KINDS.get(unicodedata.normalize("NFKC", cell(row, "kind")))
        if kind is None:
            problem(rownum, "kind", f"区分は「施策」「事業」「指標」のいずれかです / kind must be 施策, 事業 or 指標, "
                                    f"not {cell(row, 'kind')!r}")
            continue
        if not cell(row, "name"):
            problem(rownum, "name", "名称が空です / the name is empty")
        no = unicodedata.normalize("NFKC", cell(row, "measure"))
        if not _NUMBER_RE.match(no):
            problem(rownum, "measure", f"施策番号は英数字・ハイフン・ピリオドで書いてください / "
                                       f"bad measure number {cell(row, 'measure')!r}")
            continue
        if kind != "measure":
            pending.append((rownum, row, kind))
            continue
        if no in measures:
            problem(rownum, "measure", f"施策番号「{no}」が重複しています / duplicate measure number {no!r}")
            continue
        m = URIRef(f"{plan.rstrip('/')}/measure/{no}")
        measures[no] = m
        counts["measure"] += 1
        common(m, rownum, row, PG.Measure)
        g.add((m, PG.notation, Literal(no)))
        g.add((m, PG.partOfPlan, AP))
        text = cell(row, "policy")
        policy = policies.get(_norm(text)) or policies.get(_norm(text).strip("()")) or policies.get(text)
        if not text:
            problem(rownum, "policy", "基本方針が空です / the basic policy is empty")
        elif policy is None:
            problem(rownum, "policy", f"基本方針「{text}」はこの計画にありません / unknown basic policy {text!r}")
        else:
            g.add((m, PG.parentElement, URIRef(policy)))

    # Pass 2: projects, then indicators (which may belong to a project).
    for wanted in ("project", "indicator"):
        for rownum, row, kind in pending:
            if kind != wanted:
                continue
            no = unicodedata.normalize("NFKC", cell(row, "measure"))
            m = measures.get(no)
            if m is None:
                problem(rownum, "measure", f"施策番号「{no}」の施策の行がありません / no measure row numbered {no!r}")
                continue
            pno = unicodedata.normalize("NFKC", cell(row, "project"))
            if kind == "project":
                if not _NUMBER_RE.match(pno):
                    problem(rownum, "project", f"事業番号が空か不正です / missing or bad project number {pno!r}")
                    continue
                if (no, pno) in projects:
                    problem(rownum, "project", f"事業番号「{pno}」が重複しています / duplicate project number {pno!r}")
                    continue
                p = URIRef(f"{m}/project/{pno}")
                projects[(no, pno)] = p
                counts["project"] += 1
                common(p, rownum, row, PG.Project)
                g.add((p, PG.notation, Literal(pno)))
                g.add((p, PG.partOfPlan, AP))
                g.add((p, PG.parentElement, m))
                g.add((m, PG.hasProject, p))
                continue
            owner = m
            if pno:
                owner = projects.get((no, pno))
                if owner is None:
                    problem(rownum, "project", f"事業番号「{pno}」の事業の行がありません / no project row numbered {pno!r}")
                    continue
            k = indicator_count[owner] = indicator_count.get(owner, 0) + 1
            ind = URIRef(f"{owner}/indicator/{k}")
            counts["indicator"] += 1
            g.add((ind, RDF.type, PG.Indicator))
            g.add((ind, RDFS.label, Literal(cell(row, "name"), lang="ja")))
            if cell(row, "name_en"):
                g.add((ind, RDFS.label, Literal(cell(row, "name_en"), lang="en")))
            if is_synthetic:
                g.add((ind, PG.synthetic, Literal(True)))
            g.add((owner, PG.indicator, ind))
            for key, prop in (("baseline", PG.baseline), ("target", PG.target)):
                text = cell(row, key)
                if not text:
                    if key == "target":
                        problem(rownum, key, "目標値が空です / the target is empty")
                    continue
                try:
                    g.add((ind, prop, Literal(_number(text))))
                except ValueError as exc:
                    problem(rownum, key, str(exc))
            if cell(row, "baseline_year"):
                try:
                    y = parse_fiscal_year(cell(row, "baseline_year"))
                    g.add((ind, PG.baselineFiscalYear, Literal(str(y), datatype=XSD.gYear)))
                except ValueError as exc:
                    problem(rownum, "baseline_year", str(exc))
            if not cell(row, "target_year"):
                problem(rownum, "target_year", "目標年度が空です / the target fiscal year is empty")
            else:
                fy = fiscal_year(rownum, "target_year", cell(row, "target_year"))
                if fy is not None:
                    g.add((ind, PG.targetFiscalYear, fy))
            if cell(row, "unit"):
                g.add((ind, PG.unit, Literal(cell(row, "unit"), lang="ja")))

    problems.sort(key=lambda p: (p.row, p.column))
    return ImportResult(g, ap, counts, problems)


def template_bytes(fmt: str = "csv") -> bytes:
    """The empty template: a CSV header (UTF-8 with BOM, so Excel reads the Japanese),
    or an XLSX workbook whose second sheet explains every column in both languages."""
    if fmt == "csv":
        import csv  # noqa: PLC0415
        import io  # noqa: PLC0415

        buf = io.StringIO()
        csv.writer(buf).writerow(template_header())
        return buf.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        import io  # noqa: PLC0415

        import openpyxl  # noqa: PLC0415
        from openpyxl.styles import Font  # noqa: PLC0415

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "アクション・プラン"
        ws.append(template_header())
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        doc = wb.create_sheet("説明")
        doc.append(["列", "列名", "説明", "column", "explanation"])
        for i, c in enumerate(COLUMNS):
            doc.append([column_letter(i), c.header_ja, c.help_ja, c.header_en, c.help_en])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise ValueError(f"template format must be csv or xlsx, not {fmt!r}")
