"""PlanGraph vocabulary: namespace IRIs and the ontology's terms as constants.

The ontology file ``ontology/plangraph.ttl`` is the authority; this module is
the Python mirror of it, and ``tests/graph/test_vocab.py`` checks that the two
agree in both directions (every constant is declared there, every term
declared there has a constant here).

Constants are plain ``str`` IRIs so that they work with pyoxigraph
(``NamedNode(PG.Plan)``) and rdflib (``URIRef(PG.Plan)``) alike.

>>> PG.Plan
'https://w3id.org/plangraph/ontology#Plan'
>>> "supports" in PROPERTIES
True
"""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/plangraph/ontology"
PG_NS = ONTOLOGY_IRI + "#"
SHAPES_NS = "https://w3id.org/plangraph/shapes#"

# Standard vocabularies (REFERENCE.md)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SCHEMA = "https://schema.org/"
ELI = "http://data.europa.eu/eli/ontology#"
SD = "http://www.w3.org/ns/sparql-service-description#"
BMM = "http://www.omg.org/spec/BMM#"
IMI = "http://imi.go.jp/ns/core/rdf#"
SH = "http://www.w3.org/ns/shacl#"
FOAF = "http://xmlns.com/foaf/0.1/"
VANN = "http://purl.org/vocab/vann/"  # the ontology header's preferred prefix and namespace

#: Prefixes shared by the query page, the CLI, exports and the .rq files.
PREFIXES: dict[str, str] = {
    "pg": PG_NS,
    "pgsh": SHAPES_NS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "time": TIME,
    "org": ORG,
    "dcat": DCAT,
    "void": VOID,
    "schema": SCHEMA,
    "eli": ELI,
    "bmm": BMM,
    "imi": IMI,
    "sh": SH,
}

# --- Classes -----------------------------------------------------------------
CLASSES: tuple[str, ...] = (
    # plans and their kinds
    "Plan",                 # 計画
    "ComprehensivePlan",    # 総合計画・総合振興計画
    "ImplementationPlan",   # 実施計画 (e.g. 総合振興計画 前期実施計画)
    "Strategy",             # 戦略 (city-wide strategies: しあわせ倍増プラン, 成長加速化戦略, 総合戦略)
    "SectorPlan",           # 分野別計画 (行政デジタル化計画, 情報化計画)
    "ActionPlan",           # アクション・プラン
    "Guideline",            # 方針 (情報システム最適化方針)
    "StatutoryPlanType",    # 法定計画の類型 (官民データ活用推進計画)
    # plan elements
    "PlanElement",          # 計画の構成要素 (abstract)
    "BasicPhilosophy",      # 基本理念
    "Viewpoint",            # 観点
    "BasicPolicy",          # 基本方針
    "Measure",              # 施策
    "Project",              # 事業
    "Goal",                 # 上位計画の目標・主要メッセージ
    "Indicator",            # 指標
    # law, organisations, time
    "Law",                  # 法令
    "Organization",         # 組織
    "Municipality",         # 地方公共団体
    "Department",           # 担当部局
    "FiscalYear",           # 年度
    "PlanPeriod",           # 計画期間
    "Review",               # 見直し (annual action-plan review, next-plan review)
    "ReviewTrigger",        # 見直しの契機
    "BackgroundTheme",      # 策定の背景となる社会動向 (SKOS concept)
    # the source document and provenance
    "Document",             # 文書
    "DocumentSection",      # 章・節・項
    "Figure",               # 図表
    "Assertion",            # 出典付きの記述のまとまり (a named graph)
    "SourceConflict",       # 図表と本文の不一致
)

# --- Properties --------------------------------------------------------------
OBJECT_PROPERTIES: tuple[str, ...] = (
    "upperPlan",            # plan → its upper plan (上位計画)
    "supports",             # element → upper-plan goal it serves (資する・踏まえる)
    "partOfPlan",           # element → plan it belongs to
    "parentElement",        # element → its parent in the same plan (measure → policy → philosophy)
    "viewpoint",            # policy → viewpoint (観点)
    "goalOf",               # goal → the upper plan that states it
    "concretizedBy",        # plan → action plan that concretizes it (具体化)
    "concretizes",          # inverse of concretizedBy
    "succeeds",             # plan → the plan it succeeds (承継)
    "designatedAs",         # plan → statutory plan type (…としても位置付ける)
    "legalBasis",           # plan or plan type → law (根拠法)
    "planPeriod",           # plan → PlanPeriod
    "alignedPeriodOf",      # period → plan whose period it is aligned with (合わせる)
    "startFiscalYear",      # period → FiscalYear
    "endFiscalYear",        # period → FiscalYear
    "review",               # plan → Review
    "scheduledIn",          # review → FiscalYear
    "reviewTrigger",        # plan → ReviewTrigger
    "backgroundTheme",      # plan → BackgroundTheme
    "publisher",            # plan → organisation
    "responsibleDepartment",# measure / project → Department
    "hasProject",           # measure → project
    "indicator",            # measure / project → indicator
    "targetFiscalYear",     # indicator → FiscalYear
    "source",               # resource or assertion → section / figure it comes from
    "sourceDocument",       # section / figure → document
    "section",              # document / section → child section
    "figure",               # section → figure it contains
    "conflictSubject",      # conflict → the resource concerned
    "textSource",           # conflict → section that governs
    "figureSource",         # conflict → figure that disagrees
)

DATATYPE_PROPERTIES: tuple[str, ...] = (
    "municipalityCode",     # 全国地方公共団体コード (6 digits incl. check digit)
    "established",          # founding date (xsd:date or gYearMonth)
    "issued",               # date a plan / guideline was made (策定)
    "ordinal",              # 第n次
    "lawId",                # e-Gov law ID
    "lawNumber",            # 法令番号 (平成28年法律第103号)
    "promulgated",          # 公布日
    "obligation",           # e.g. 努力義務 for municipalities
    "aim",                  # the stated aim of a plan or strategy
    "description",          # a statement of content (philosophy, policy, goal)
    "keyword",              # keyword of a goal (図表2)
    "notation",             # numbering in the plan: "1", "(1)", "2-1", "図表2"
    "fiscalYear",           # FiscalYear → xsd:gYear
    "startDate",            # xsd:date
    "endDate",              # xsd:date
    "frequency",            # review frequency (毎年)
    "quote",                # the sentence a statement comes from
    "textSays",             # conflict: what the text says
    "figureSays",           # conflict: what the figure shows
    "resolution",           # conflict: how the graph resolved it
    "baseline",             # indicator baseline
    "baselineFiscalYear",   # indicator baseline year (xsd:gYear)
    "target",               # indicator target value
    "unit",                 # indicator unit
    "synthetic",            # xsd:boolean: true on sample / generated data
)

PROPERTIES = OBJECT_PROPERTIES + DATATYPE_PROPERTIES
TERMS = CLASSES + PROPERTIES


class _Namespace:
    """Attribute access to declared terms only: a typo is an AttributeError, not a new IRI."""

    def __init__(self, base: str, names: tuple[str, ...]):
        self._base, self._names = base, frozenset(names)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"pg:{name} is not a PlanGraph term")
        return self._base + name

    def __iter__(self):
        return iter(sorted(self._base + n for n in self._names))


PG = _Namespace(PG_NS, TERMS)
