"""The source document is kept byte for byte, and data/sources/README.md states its digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
CH1 = SOURCES / "saitama-digital-2021-ch1.txt"
CH1_SHA256 = "cef30c40bde8869d0c0c7b627fc6dc3cd3dcf16aa3af852f5523b519b4895a2c"


def test_chapter1_text_is_unchanged():
    assert hashlib.sha256(CH1.read_bytes()).hexdigest() == CH1_SHA256


def test_readme_states_the_digest_origin_and_publisher():
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    assert CH1_SHA256 in readme
    assert "saitama-digital-2021-ch1.txt" in readme
    assert "さいたま市" in readme
    assert "000_29da8536562fed3b.txt" in readme


def test_text_is_chapter1_of_the_digital_plan():
    text = CH1.read_text(encoding="utf-8")
    assert text.lstrip().startswith("第1章 さいたま市行政デジタル化計画の概要")
    assert "【図表 4 行政デジタル化計画の計画期間】" in text
