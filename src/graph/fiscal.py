"""Fiscal years (年度) and Japanese era names (和暦).

A local government's fiscal year runs 1 April to 31 March (地方自治法 第208条).
The graph stores Gregorian values; 和暦 is only ever a label, so this module
is the one place that converts between the two.

>>> parse_fiscal_year("令和3年度")
2021
>>> parse_fiscal_year("R7")
2025
>>> fiscal_year_label_ja(2019)
'令和元年度'
>>> fiscal_year_dates(2021)
(datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

#: Era name → (Gregorian year of era year 1, first fiscal year labelled with it, romaji initial)
ERAS: dict[str, tuple[int, int, str]] = {
    "令和": (2019, 2019, "R"),
    "平成": (1989, 1989, "H"),
    "昭和": (1926, 1926, "S"),
}
_INITIALS = {v[2]: k for k, v in ERAS.items()}

_ERA_RE = re.compile(r"^(令和|平成|昭和|[RHS])\.?\s*(元|\d{1,2})\s*(?:年度|年)?$")
_GREG_RE = re.compile(r"^(\d{4})\s*(?:年度|年|FY)?$|^FY\s*(\d{4})$")


def parse_fiscal_year(text: str | int) -> int:
    """The Gregorian year in which a fiscal year begins.

    Accepts ``2025``, ``2025年度``, ``FY2025``, ``令和7年度``, ``令和元年度``,
    ``R7``, ``平成28年度``; full-width digits too. Raises ``ValueError`` with a
    message suitable for a cell error otherwise.

    >>> parse_fiscal_year("２０２５年度")
    2025
    >>> parse_fiscal_year("令和8年度")
    2026
    """
    if isinstance(text, int):
        year = text
    else:
        s = unicodedata.normalize("NFKC", str(text)).strip().upper()
        m = _ERA_RE.match(s)
        if m:
            era = _INITIALS.get(m.group(1), m.group(1))
            n = 1 if m.group(2) == "元" else int(m.group(2))
            if n < 1:
                raise ValueError(f"年度として読めません / not a fiscal year: {text!r}")
            year = ERAS[era][0] + n - 1
        else:
            m = _GREG_RE.match(s)
            if not m:
                raise ValueError(f"年度として読めません / not a fiscal year: {text!r}")
            year = int(m.group(1) or m.group(2))
    if not 1900 <= year <= 2200:
        raise ValueError(f"年度が範囲外です / fiscal year out of range: {text!r}")
    return year


def fiscal_year_dates(year: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year`` (1 April – 31 March)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year_label_ja(year: int) -> str:
    """和暦 label of a fiscal year, e.g. ``令和3年度``; FY2019 is 令和元年度.

    >>> fiscal_year_label_ja(2016)
    '平成28年度'
    """
    for era, (first, first_fy, _) in ERAS.items():
        if year >= first_fy:
            n = year - first + 1
            return f"{era}{'元' if n == 1 else n}年度"
    return f"{year}年度"


def fiscal_year_label_en(year: int) -> str:
    """English label, e.g. ``FY2021``."""
    return f"FY{year}"


#: Kinds of national law in a law number (法令番号) → their names in the Japanese Law Translation database.
LAW_KINDS_EN = {"法律": "Act", "政令": "Cabinet Order", "勅令": "Imperial Ordinance"}

_LAW_NUMBER_RE = re.compile(r"^(令和|平成|昭和)(元|\d{1,2})年(法律|政令|勅令)第(\d+)号$")


def law_number_en(number: str) -> str:
    """The English citation of a law number, or ``""`` when it is not one this module can read.

    Why: the graph keeps a law's number as the law gives it (平成28年法律第103号);
    an English page cites it as the Japanese Law Translation database does,
    with the era year turned into the Gregorian one (the same conversion as
    fiscal years). Ministerial orders name their ministry and are left as they are.

    >>> law_number_en("平成28年法律第103号")
    'Act No. 103 of 2016'
    >>> law_number_en("令和元年政令第１号")
    'Cabinet Order No. 1 of 2019'
    >>> law_number_en("総務省令第5号")
    ''
    """
    m = _LAW_NUMBER_RE.match(unicodedata.normalize("NFKC", number).strip())
    if not m:
        return ""
    era, n, kind, no = m.groups()
    year = ERAS[era][0] + (1 if n == "元" else int(n)) - 1
    return f"{LAW_KINDS_EN[kind]} No. {int(no)} of {year}"
