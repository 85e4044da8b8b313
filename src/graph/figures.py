"""The plan's figures (図表1–4 of Chapter 1), rebuilt from the graph.

Each figure is one named query (``src/graph/queries/figure*.rq``) run through
:func:`graph.queries.run_named`, so the page can link to the exact question
that built it, and this module only shapes the rows into a table or a
timeline. Nothing here is typed in from the document: if the graph changes,
the figures change with it.

>>> FIGURES[2].query
'figure2-upper-plans'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NotFound
from .fiscal import fiscal_year_label_en, fiscal_year_label_ja, law_number_en
from .queries import iri_value, run_named
from .store import Store


@dataclass(frozen=True)
class FigureInfo:
    """One figure: its number, titles and the named query that builds it."""

    number: int
    query: str
    title_ja: str
    title_en: str
    extra_queries: tuple[str, ...] = ()

    def title(self, lang: str = "ja") -> str:
        return self.title_en if lang == "en" else self.title_ja


FIGURES: dict[int, FigureInfo] = {f.number: f for f in (
    FigureInfo(1, "figure1-position", "図表1 計画の位置づけ", "Figure 1: the plan's position"),
    FigureInfo(2, "figure2-upper-plans", "図表2 基本理念・基本方針と上位計画の関連性",
               "Figure 2: the philosophy and policies and the upper plans", ("figure2-conflicts",)),
    FigureInfo(3, "figure3-overview", "図表3 計画の全体像", "Figure 3: the plan at a glance"),
    FigureInfo(4, "figure4-period", "図表4 計画期間", "Figure 4: the plan period"),
)}

#: Figure 1 roles in reading order, with their headings.
ROLES: dict[str, tuple[str, str]] = {
    "law": ("根拠法", "Law"),
    "type": ("法定計画としての位置付け", "Statutory plan type"),
    "upper": ("上位計画", "Upper plans"),
    "plan": ("本計画", "This plan"),
    "action": ("具体化するアクション・プラン", "Action plan that concretizes it"),
    "previous": ("承継する計画", "Plan it succeeds"),
}


def figure_info(number: int) -> FigureInfo:
    """The figure's description; :class:`NotFound` for a number other than 1–4."""
    try:
        return FIGURES[int(number)]
    except (KeyError, ValueError):
        raise NotFound(f"there is no figure {number} (the figures are 1–4)",
                       message_ja=f"図表{number} はありません（図表は 1〜4 です）。") from None


def require_plan(store: Store, plan: str) -> str:
    """``plan``, checked: an IRI the graph describes as a plan (``_is-plan``).

    Without this check a figure of an IRI that is no plan (a typo, another
    dataset's plan, a policy) was drawn as six empty boxes, which a planner reads
    as "the graph says nothing of this plan's position". Raises
    :class:`~graph.errors.ParameterError` for a value that is no IRI and
    :class:`~graph.errors.NotFound` (404) for one that is not a plan here.
    """
    plan = iri_value("plan", plan, "計画", "Plan")
    if not run_named(store, "_is-plan", {"plan": plan}, max_rows=1).rows:
        raise NotFound(f"the graph holds no plan <{plan}> (no plan has this IRI), so there are no figures to draw",
                       message_ja=f"グラフには計画 <{plan}> がありません（この IRI の計画はありません）。図表は描けません。")
    return plan


def _pick(row: dict[str, str], var: str, lang: str, fallback: str = "") -> str:
    """``?{var}`` (Japanese) or ``?{var}En``, whichever ``lang`` asks for, else the other, else ``fallback``."""
    first, second = (var + "En", var) if lang == "en" else (var, var + "En")
    return row.get(first) or row.get(second) or fallback


def _rows(store: Store, name: str, plan: str) -> list[dict[str, str]]:
    """A named query's rows as plain strings (terms' values), unbound left out."""
    result = run_named(store, name, {"plan": plan})
    return [{k: t.value for k, t in row.items()} for row in result.dicts()]


# --- 図表1 --------------------------------------------------------------------

def figure1(store: Store, plan: str) -> dict[str, list[dict]]:
    """The plan's position: items grouped by role (law, type, upper, plan, action, previous).

    Every role is present as a key, empty when the graph says nothing of it.
    """
    groups: dict[str, list[dict]] = {role: [] for role in ROLES}
    for r in _rows(store, "figure1-position", plan):
        groups.setdefault(r["role"], []).append({
            "iri": r["item"], "label": r.get("itemLabel") or r.get("itemLabelEn") or r["item"],
            "label_en": r.get("itemLabelEn", ""), "law_number": r.get("lawNumber", ""),
            "law_number_en": law_number_en(r.get("lawNumber", ""))})
    return groups


# --- 図表2 --------------------------------------------------------------------

@dataclass
class Figure2Row:
    """One upper plan: its goals and keywords, and the plan's elements that draw on it."""

    upper: str
    upper_label: str
    goals: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    elements: list[dict] = field(default_factory=list)


def figure2(store: Store, plan: str, *, lang: str = "ja") -> list[Figure2Row]:
    """The table: upper plan | key messages and keywords | philosophy or policy that draws on it.

    The pairing is the graph's ``pg:supports``, which follows the text where
    the printed figure disagrees (see :func:`figure2_conflicts`).
    """
    rows: dict[str, Figure2Row] = {}
    for r in _rows(store, "figure2-upper-plans", plan):
        row = rows.setdefault(r["upper"], Figure2Row(r["upper"], _pick(r, "upperLabel", lang, r["upper"])))
        goal = _pick(r, "goalLabel", lang)
        if goal and goal not in row.goals:
            row.goals.append(goal)
        for kw in (r.get("keywords") or "").split("、"):
            if kw and kw not in row.keywords:
                row.keywords.append(kw)
        if r.get("element") and all(e["iri"] != r["element"] for e in row.elements):
            row.elements.append({"iri": r["element"], "label": _pick(r, "elementLabel", lang, r["element"]),
                                 "notation": r.get("elementNotation", ""),
                                 "kind": r.get("elementKind", "").rsplit("#", 1)[-1]})
    # The plan's reading order: the philosophy's row first, then by basic-policy number.
    def order(row: Figure2Row) -> tuple:
        kinds = [e["kind"] for e in row.elements]
        notes = sorted(e["notation"] for e in row.elements) or ["~"]
        return ("BasicPhilosophy" not in kinds, not row.elements, notes[0], row.upper_label)
    return sorted(rows.values(), key=order)


def figure2_conflicts(store: Store, plan: str, *, lang: str = "ja") -> list[dict]:
    """Recorded figure-vs-text disagreements (``pg:SourceConflict``) about the plan; the text governs.

    One dict per conflict: ``iri``, ``figure`` (notation), ``text_source``
    (notation), ``text_says``, ``figure_says``, ``resolution`` (ja),
    ``resolution_en`` and ``subjects`` (labels of what it concerns, in ``lang``
    like the table above it, else Japanese). What the text and the figure say
    stay as printed: they are the document's own words.
    """
    out: dict[str, dict] = {}
    for r in _rows(store, "figure2-conflicts", plan):
        c = out.setdefault(r["conflict"], {
            "iri": r["conflict"], "figure": r.get("figureNotation", ""),
            "text_source": r.get("textSourceNotation", ""), "text_says": r.get("textSays", ""),
            "figure_says": r.get("figureSays", ""), "resolution": r.get("resolution", ""),
            "resolution_en": r.get("resolutionEn", ""), "subjects": []})
        label = _pick(r, "subjectLabel", lang, r["subject"])
        if label not in c["subjects"]:
            c["subjects"].append(label)
    return list(out.values())


# --- 図表3 --------------------------------------------------------------------

def figure3(store: Store, plan: str, *, lang: str = "ja") -> list[dict]:
    """Philosophy → basic policies → measures, as nested dicts.

    ``[{"iri", "label", "policies": [{"iri", "label", "notation", "viewpoint",
    "measures": [{"iri", "label", "notation"}]}]}]``. A plan without measures
    has empty ``measures`` lists; the page says so rather than inventing any.
    """
    out: dict[str, dict] = {}
    for r in _rows(store, "figure3-overview", plan):
        ph = out.setdefault(r["philosophy"], {"iri": r["philosophy"],
                                              "label": _pick(r, "philosophyLabel", lang, r["philosophy"]),
                                              "policies": {}})
        if not r.get("policy"):
            continue
        po = ph["policies"].setdefault(r["policy"], {
            "iri": r["policy"], "label": _pick(r, "policyLabel", lang, r["policy"]),
            "notation": r.get("policyNotation", ""), "viewpoint": _pick(r, "viewpointLabel", lang), "measures": []})
        if r.get("measure") and all(m["iri"] != r["measure"] for m in po["measures"]):
            po["measures"].append({"iri": r["measure"], "label": _pick(r, "measureLabel", lang, r["measure"]),
                                   "notation": r.get("measureNotation", "")})
    return [{**ph, "policies": list(ph["policies"].values())} for ph in out.values()]


def measure_count(tree: list[dict]) -> int:
    """How many measures a :func:`figure3` tree holds."""
    return sum(len(p["measures"]) for ph in tree for p in ph["policies"])


# --- 図表4 --------------------------------------------------------------------

@dataclass
class TimelineRow:
    """One line of the timeline: a period (``start``–``end``) or review marks in given years."""

    role: str
    iri: str
    label: str
    label_en: str
    start: int | None = None
    end: int | None = None
    marks: list[int] = field(default_factory=list)
    frequency: str = ""
    frequency_lang: str = ""  # the language tag of ``frequency`` ("ja"): an English page leaves a Japanese one out

    def covers(self, year: int) -> bool:
        return self.start is not None and self.end is not None and self.start <= year <= self.end


@dataclass
class Timeline:
    """Fiscal-year columns (和暦 and Gregorian labels) and the rows drawn against them."""

    years: list[int]
    rows: list[TimelineRow]

    def labels(self) -> list[dict]:
        """Column headings: ``{"year": 2021, "ja": "令和3年度", "en": "FY2021", "both": "令和3年度 (2021)"}``."""
        return [{"year": y, "ja": fiscal_year_label_ja(y), "en": fiscal_year_label_en(y),
                 "both": f"{fiscal_year_label_ja(y)} ({y})"} for y in self.years]


_ROLE_ORDER = {"plan": 0, "aligned": 1, "upper": 2, "review": 3}


def _year(value: str | None) -> int | None:
    try:
        return int(str(value)[:4]) if value else None
    except ValueError:
        return None


def figure4(store: Store, plan: str) -> Timeline:
    """The plan period by fiscal year, beside related periods and the reviews.

    A review with a ``pg:frequency`` (毎年) and no scheduled year is marked in
    every year of the plan period; a scheduled review in its year. The columns
    run from the earliest to the latest year any row mentions.
    """
    rows: list[TimelineRow] = []
    for terms in run_named(store, "figure4-period", {"plan": plan}).dicts():
        r = {k: t.value for k, t in terms.items()}
        rows.append(TimelineRow(r["role"], r["item"], r.get("itemLabel") or r.get("itemLabelEn") or r["item"],
                                r.get("itemLabelEn", ""), _year(r.get("start")), _year(r.get("end")),
                                [y] if (y := _year(r.get("scheduled"))) else [], r.get("frequency", ""),
                                getattr(terms.get("frequency"), "language", None) or ""))
    own = next((r for r in rows if r.role == "plan" and r.start), None)
    for r in rows:
        if r.role == "review" and not r.marks and r.frequency and own:
            r.marks = list(range(own.start, own.end + 1))
    years = [y for r in rows for y in (r.start, r.end, *r.marks) if y]
    span = list(range(min(years), max(years) + 1)) if years else []
    rows.sort(key=lambda r: (_ROLE_ORDER.get(r.role, 9), r.start or 0, min(r.marks or [0]), r.label))
    return Timeline(span, rows)
