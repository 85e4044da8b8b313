"""A seeded synthetic national plan graph, for benchmarks and scale tests.

Japan has 1,741 municipalities; a prefecture or the whole country in one graph
is 1–10 million triples. This module writes such a graph in PlanGraph's own
vocabulary (:mod:`graph.vocab`), so the named queries, the alignment analysis
and the views can be measured at national scale without real data.

Synthetic data is never mixed up with real plans:

* every municipality and every plan carries ``pg:synthetic true``;
* every IRI lives under ``{base}synthetic/`` (municipalities at
  ``{base}synthetic/lg/{code}``, shared national strategies at
  ``{base}synthetic/jp/plan/{slug}``), never under the real ``{base}lg/``;
* fiscal years use the shared national IRIs ``{base}fy/{YYYY}`` (they are
  facts of the calendar, not of any plan).

The output is written as text lines, one triple or quad per line, straight to
a file: 6.7 million triples never exist as Python objects at once. Each
municipality is one named graph (``{base}graph/synthetic/lg/{code}``) and the
national strategies and fiscal years one more (``{base}graph/synthetic/jp``),
so ``plangraph push`` can replace them one by one.

Municipality ``i``'s content depends only on the seed and its code, not on how
many municipalities are generated: the first 10 of a 1,741-municipality graph
equal a 10-municipality graph.

>>> check_digit("11100")
7
>>> municipality_codes(2)
['011002', '021008']
>>> import io
>>> buf = io.StringIO()
>>> n = write_graph(buf, municipalities=1, seed=1)
>>> n == len(buf.getvalue().splitlines())
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError
from .settings import DEFAULT_BASE_IRI
from .vocab import PG, RDF, RDFS, XSD

#: Roughly how many triples one municipality contributes (measured; see tests).
TRIPLES_PER_MUNICIPALITY = 3_900

#: The number of municipalities (市区町村) in Japan, 2024.
JAPAN_MUNICIPALITIES = 1_741

_TYPE = RDF + "type"
_LABEL = RDFS + "label"

# Shared national strategies (synthetic stand-ins; never the real documents).
_NATIONAL = (
    ("digital-nation", "デジタル国家戦略（合成）", "National Digital Strategy (synthetic)",
     ("行政手続のオンライン化", "データ利活用", "デジタル人材の育成", "情報セキュリティの確保",
      "デジタルデバイドの解消", "システムの標準化・共通化")),
    ("regional-revitalization", "地方創生総合戦略（合成）", "Regional Revitalization Strategy (synthetic)",
     ("しごとの創生", "人の流れの創出", "結婚・出産・子育ての希望の実現", "魅力的な地域づくり",
      "多様な人材の活躍")),
    ("green-growth", "グリーン成長戦略（合成）", "Green Growth Strategy (synthetic)",
     ("脱炭素社会の実現", "循環型社会の形成", "自然共生社会の実現", "気候変動への適応",
      "エネルギーの地産地消", "グリーン人材の育成", "環境教育の推進")),
)

# Sector-plan kinds a municipality may have: slug, ja, en, themes of its measures.
_SECTORS = (
    ("digital", "行政デジタル化計画", "Administrative Digitalization Plan",
     ("オンライン申請", "窓口のデジタル化", "オープンデータ", "AI・RPAの活用", "テレワーク",
      "情報セキュリティ", "データ連携基盤", "デジタル人材")),
    ("environment", "環境基本計画", "Basic Environmental Plan",
     ("温室効果ガスの削減", "再生可能エネルギー", "ごみの減量", "緑地の保全", "水環境の保全",
      "環境学習", "省エネルギー住宅", "公共交通の利用促進")),
    ("welfare", "地域福祉計画", "Community Welfare Plan",
     ("高齢者の見守り", "子育て支援", "障害者の社会参加", "地域包括ケア", "生活困窮者の自立支援",
      "健康づくり", "ボランティアの育成", "災害時の要配慮者支援")),
    ("education", "教育振興基本計画", "Basic Plan for the Promotion of Education",
     ("学力の向上", "ICT教育", "いじめ・不登校対策", "生涯学習", "文化財の保護",
      "スポーツの振興", "学校施設の整備", "地域と学校の連携")),
)

_COMP_GOALS = ("安心・安全なまち", "子どもが健やかに育つまち", "活力ある産業のまち", "環境にやさしいまち",
               "健康で長生きできるまち", "市民が主役のまち", "効率的で質の高い行政")
_UNITS = (("件", "cases"), ("%", "percent"), ("人", "people"), ("回", "times"), ("t-CO2", "t-CO2"))


def check_digit(code5: str) -> int:
    """The JIS X 0402 check digit of a five-digit 全国地方公共団体コード.

    Weights 6,5,4,3,2; the digit is the last digit of 11 − (sum mod 11), so a
    remainder of 0 gives 1 and a remainder of 1 gives 0.

    >>> check_digit("11100"), check_digit("13000"), check_digit("01000")
    (7, 1, 6)
    """
    if len(code5) != 5 or not code5.isdigit():
        raise InputError(f"not a five-digit municipality code: {code5!r}")
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def is_valid_code(code6: str) -> bool:
    """True for a six-digit code whose last digit is its JIS X 0402 check digit.

    >>> is_valid_code("111007"), is_valid_code("111008")
    (True, False)
    """
    return len(code6) == 6 and code6.isdigit() and check_digit(code6[:5]) == int(code6[5])


def municipality_codes(n: int) -> list[str]:
    """``n`` distinct valid six-digit codes, spread over the 47 prefectures.

    Codes follow the real pattern (prefecture 01–47, a city part from 201
    upwards); they may coincide with real codes, which is harmless because
    synthetic IRIs live under ``synthetic/``.
    """
    if not 0 <= n <= 47 * 799:
        raise InputError(f"cannot generate {n} municipalities (0 … {47 * 799})")
    codes = []
    for i in range(n):
        pref, k = i % 47 + 1, i // 47
        city = 100 if k == 0 else 200 + k  # the first of each prefecture: a designated-city style 100
        five = f"{pref:02d}{city:03d}"
        codes.append(five + str(check_digit(five)))
    return codes


def municipalities_for_triples(triples: int) -> int:
    """How many municipalities give about ``triples`` triples (at least one)."""
    return max(1, round(triples / TRIPLES_PER_MUNICIPALITY))


def _fy_label_ja(year: int) -> str:
    if year >= 2019:
        n = year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    return f"平成{year - 1988}年度"


@dataclass
class _Writer:
    """Writes N-Quads (graph set) or N-Triples lines and counts them."""

    out: IO[str]
    quads: bool
    graph: str = ""
    count: int = 0

    def t(self, s: str, p: str, o: str) -> None:
        g = f" <{self.graph}>" if self.quads else ""
        self.out.write(f"<{s}> <{p}> {o}{g} .\n")
        self.count += 1

    def iri(self, s: str, p: str, o: str) -> None:
        self.t(s, p, f"<{o}>")

    def lit(self, s: str, p: str, value: str, lang: str | None = None, datatype: str | None = None) -> None:
        text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        suffix = f"@{lang}" if lang else (f"^^<{datatype}>" if datatype else "")
        self.t(s, p, f'"{text}"{suffix}')

    def labels(self, s: str, ja: str, en: str) -> None:
        self.lit(s, _LABEL, ja, "ja")
        self.lit(s, _LABEL, en, "en")


def _national(w: _Writer, base: str, years: range) -> list[str]:
    """Fiscal years and the shared national strategies; returns every national goal IRI."""
    goals = []
    for y in years:
        fy = f"{base}fy/{y}"
        w.iri(fy, _TYPE, PG.FiscalYear)
        w.labels(fy, _fy_label_ja(y), f"FY{y}")
        w.lit(fy, PG.fiscalYear, str(y), datatype=XSD + "gYear")
        w.lit(fy, PG.startDate, f"{y}-04-01", datatype=XSD + "date")
        w.lit(fy, PG.endDate, f"{y + 1}-03-31", datatype=XSD + "date")
    for slug, ja, en, themes in _NATIONAL:
        plan = f"{base}synthetic/jp/plan/{slug}"
        w.iri(plan, _TYPE, PG.Strategy)
        w.labels(plan, ja, en)
        w.lit(plan, PG.synthetic, "true", datatype=XSD + "boolean")
        w.lit(plan, PG.aim, f"{ja}の目的（合成データ）", "ja")
        for n, theme in enumerate(themes, 1):
            goal = f"{plan}/goal/{n}"
            w.iri(goal, _TYPE, PG.Goal)
            w.labels(goal, theme, f"{en.split(' (')[0]} goal {n}")
            w.iri(goal, PG.goalOf, plan)
            w.lit(goal, PG.notation, str(n))
            goals.append(goal)
    return goals


def _period(w: _Writer, plan: str, base: str, start: int, end: int) -> None:
    period = f"{plan}/period"
    w.iri(plan, PG.planPeriod, period)
    w.iri(period, _TYPE, PG.PlanPeriod)
    w.lit(period, _LABEL, f"{_fy_label_ja(start)}〜{_fy_label_ja(end)}", "ja")
    w.iri(period, PG.startFiscalYear, f"{base}fy/{start}")
    w.iri(period, PG.endFiscalYear, f"{base}fy/{end}")
    w.lit(period, PG.startDate, f"{start}-04-01", datatype=XSD + "date")
    w.lit(period, PG.endDate, f"{end + 1}-03-31", datatype=XSD + "date")


def _plan_header(w: _Writer, plan: str, cls: str, ja: str, en: str, muni: str, issued: int) -> None:
    w.iri(plan, _TYPE, cls)
    w.labels(plan, ja, en)
    w.iri(plan, PG.publisher, muni)
    w.lit(plan, PG.issued, f"{issued}-03-{20 + issued % 8:02d}", datatype=XSD + "date")
    w.lit(plan, PG.synthetic, "true", datatype=XSD + "boolean")


def _municipality(w: _Writer, base: str, code: str, seed: int, national_goals: list[str]) -> None:
    rng = random.Random(f"{seed}:{code}")
    lg = f"{base}synthetic/lg/{code}"
    city_ja, city_en = f"合成市{code}", f"Synthetic City {code}"
    w.iri(lg, _TYPE, PG.Municipality)
    w.labels(lg, city_ja, city_en)
    w.lit(lg, PG.municipalityCode, code)
    w.lit(lg, PG.synthetic, "true", datatype=XSD + "boolean")

    # The comprehensive plan: the upper plan of every sector plan, with its own goals.
    start = rng.choice((2016, 2018, 2020, 2021, 2022))
    comp = f"{lg}/plan/comprehensive-{start}"
    _plan_header(w, comp, PG.ComprehensivePlan, f"{city_ja}総合計画", f"{city_en} Comprehensive Plan",
                 lg, start - 1)
    w.lit(comp, PG.aim, f"{city_ja}の将来都市像の実現", "ja")
    w.iri(comp, PG.upperPlan, f"{base}synthetic/jp/plan/{_NATIONAL[1][0]}")
    _period(w, comp, base, start, start + 9)
    comp_goals = []
    for n, g in enumerate(_COMP_GOALS[: rng.randint(5, 7)], 1):
        goal = f"{comp}/goal/{n}"
        w.iri(goal, _TYPE, PG.Goal)
        w.labels(goal, g, f"Comprehensive plan goal {n}")
        w.iri(goal, PG.goalOf, comp)
        w.lit(goal, PG.notation, str(n))
        w.lit(goal, PG.description, f"{city_ja}は{g}をめざします。", "ja")
        comp_goals.append(goal)
    upper_goals = comp_goals + national_goals

    sectors = rng.sample(_SECTORS, rng.choice((2, 3, 3)))
    for slug, sja, sen, themes in sectors:
        s_start = rng.choice((2019, 2021, 2022, 2023))
        plan = f"{lg}/plan/{slug}-{s_start}"
        _plan_header(w, plan, PG.SectorPlan, f"{city_ja}{sja}", f"{city_en} {sen}", lg, s_start - 1)
        w.iri(plan, PG.upperPlan, comp)
        nat = rng.sample(_NATIONAL, rng.randint(1, 2))
        for n_slug, *_ in nat:
            w.iri(plan, PG.upperPlan, f"{base}synthetic/jp/plan/{n_slug}")
        if rng.random() < 0.5:  # an earlier plan it succeeds (承継), described only by its label
            prev = f"{lg}/plan/{slug}-{s_start - 5}"
            w.iri(plan, PG.succeeds, prev)
            w.iri(prev, _TYPE, PG.SectorPlan)
            w.labels(prev, f"第1次{city_ja}{sja}", f"{city_en} {sen} (1st)")
            w.iri(prev, PG.publisher, lg)
            w.lit(prev, PG.synthetic, "true", datatype=XSD + "boolean")
            _period(w, prev, base, s_start - 5, s_start - 1)
        _period(w, plan, base, s_start, s_start + 4)
        plan_upper = comp_goals + [g for g in national_goals
                                   if any(f"/jp/plan/{n_slug}/" in g for n_slug, *_ in nat)]

        phil = f"{plan}/philosophy"
        w.iri(phil, _TYPE, PG.BasicPhilosophy)
        w.labels(phil, f"{sja}の基本理念", f"Basic philosophy of the {sen}")
        w.iri(phil, PG.partOfPlan, plan)
        w.lit(phil, PG.description, f"誰もが{themes[0]}の恩恵を受けられるまち", "ja")
        for g in rng.sample(plan_upper, 2):
            w.iri(phil, PG.supports, g)

        m_no = 0
        for p in range(1, rng.randint(3, 5) + 1):
            pol = f"{plan}/policy/{p}"
            w.iri(pol, _TYPE, PG.BasicPolicy)
            theme = themes[(p - 1) % len(themes)]
            w.labels(pol, f"基本方針{p} {theme}の推進", f"Basic policy {p}")
            w.iri(pol, PG.partOfPlan, plan)
            w.iri(pol, PG.parentElement, phil)
            w.lit(pol, PG.notation, str(p))
            for g in rng.sample(plan_upper, rng.randint(1, 2)):
                w.iri(pol, PG.supports, g)
            for _ in range(rng.randint(5, 15)):
                m_no += 1
                _measure(w, rng, base, plan, pol, m_no, themes, upper_goals if rng.random() < 0.1 else plan_upper)


def _measure(w: _Writer, rng: random.Random, base: str, plan: str, pol: str, m: int,
             themes: tuple[str, ...], goals: list[str]) -> None:
    meas = f"{plan}/measure/{m}"
    theme = rng.choice(themes)
    w.iri(meas, _TYPE, PG.Measure)
    w.labels(meas, f"施策{m} {theme}の充実", f"Measure {m}")
    w.iri(meas, PG.partOfPlan, plan)
    w.iri(meas, PG.parentElement, pol)
    w.lit(meas, PG.notation, f"({m})")
    w.lit(meas, PG.description, f"{theme}に関する取組を計画的に進めます。", "ja")
    # About 15% of measures support nothing directly: the gap and orphan queries have work to do.
    for g in rng.sample(goals, rng.choice((0, 1, 1, 1, 2, 2))):
        w.iri(meas, PG.supports, g)
    ind = f"{meas}/indicator"
    unit_ja, unit_en = rng.choice(_UNITS)
    baseline = rng.randint(10, 500)
    w.iri(meas, PG.indicator, ind)
    w.iri(ind, _TYPE, PG.Indicator)
    w.labels(ind, f"{theme}の実績（{unit_ja}）", f"Measure {m} indicator ({unit_en})")
    w.lit(ind, PG.baseline, str(baseline), datatype=XSD + "decimal")
    w.lit(ind, PG.target, str(baseline + rng.randint(1, 200)), datatype=XSD + "decimal")
    w.lit(ind, PG.unit, unit_ja, "ja")
    target_year = rng.choice((2025, 2026, 2027))
    w.iri(ind, PG.targetFiscalYear, f"{base}fy/{target_year}")
    w.lit(ind, PG.baselineFiscalYear, str(target_year - 5), datatype=XSD + "gYear")
    for j in range(1, rng.randint(1, 4) + 1):
        proj = f"{meas}/project/{j}"
        w.iri(meas, PG.hasProject, proj)
        w.iri(proj, _TYPE, PG.Project)
        w.labels(proj, f"{theme}事業{m}-{j}", f"Project {m}-{j}")
        w.iri(proj, PG.partOfPlan, plan)
        w.iri(proj, PG.parentElement, meas)
        w.lit(proj, PG.notation, f"{m}-{j}")


def _check_base(base_iri: str) -> None:
    if not base_iri.endswith(("/", "#")) or any(c in base_iri for c in '<>" {}|\\^`'):
        raise InputError(f"base IRI must be an IRI ending with '/' or '#': {base_iri!r}")


def write_graph(out: IO[str], *, municipalities: int, seed: int = 0, quads: bool = True,
                base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Write the synthetic graph as N-Quads (``quads=True``) or N-Triples; return the line count.

    Lines are written as they are made, so memory stays flat at any size.
    """
    _check_base(base_iri)
    w = _Writer(out, quads)
    w.graph = f"{base_iri}graph/synthetic/jp"
    national_goals = _national(w, base_iri, range(2010, 2036))
    for code in municipality_codes(municipalities):
        w.graph = f"{base_iri}graph/synthetic/lg/{code}"
        _municipality(w, base_iri, code, seed, national_goals)
    return w.count


def generate_file(path: str | Path, *, municipalities: int, seed: int = 0,
                  base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Write the synthetic graph to ``path`` (``.nq`` or ``.nt``) atomically; return the triple count.

    The file appears complete or not at all: it is written to a temporary
    name in the same folder, flushed to disk and renamed.
    """
    import os
    import tempfile

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".nq", ".nt"):
        raise InputError(f"{path}: write .nq (N-Quads, one graph per municipality) or .nt (N-Triples)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 20) as fh:
            n = write_graph(fh, municipalities=municipalities, seed=seed, quads=suffix == ".nq",
                            base_iri=base_iri)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it 0600; the file is data, not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def iter_lines(*, municipalities: int, seed: int = 0, quads: bool = True,
               base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """The lines of :func:`write_graph` as an iterator (small sizes; tests)."""
    import io

    buf = io.StringIO()
    write_graph(buf, municipalities=municipalities, seed=seed, quads=quads, base_iri=base_iri)
    return iter(buf.getvalue().splitlines())
