"""Bytes → text: every encoding a Chinese user meets, and bytes that are not text at all."""

from __future__ import annotations

import codecs

import pytest

from taizhang import errors
from taizhang.errors import SourceError
from taizhang.source.decode import decode
from tests.helpers import FIXTURES

ENCODED = [
    ("hailar2019.utf8.txt", "hailar2019", "utf-8"),
    ("hailar2019.utf8-bom.txt", "hailar2019", "utf-8-sig"),
    ("hailar2019.utf16.txt", "hailar2019", "utf-16"),
    ("hailar2019.gb18030.txt", "hailar2019", "gb18030"),
    ("hailar2019.gbk.txt", "hailar2019", "gb18030"),
    ("national2023.utf8.txt", "national2023", "utf-8"),
    ("national2023.utf8-bom.txt", "national2023", "utf-8-sig"),
    ("national2023.utf16.txt", "national2023", "utf-16"),
    ("national2023.gb18030.txt", "national2023", "gb18030"),
    ("national2023.gbk.txt", "national2023", "gb18030"),
    ("zhejiang2025-traditional.big5.txt", "zhejiang2025-traditional", "big5"),
]


@pytest.mark.parametrize(("fixture", "stem", "encoding"), ENCODED)
def test_decodes_to_the_utf8_original(fixture: str, stem: str, encoding: str) -> None:
    expected = (FIXTURES / f"{stem}.expected.txt").read_text(encoding="utf-8")
    text, chosen = decode((FIXTURES / fixture).read_bytes(), fixture)
    assert text == expected
    assert chosen == encoding


@pytest.mark.parametrize(
    "sample",
    ["今年", "到2026年,全区生产总值突破1500亿元", "一般公共预算收入增长5%左右。\n"],
)
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "gb2312"])
def test_short_legacy_texts_decode(sample: str, encoding: str) -> None:
    text, _ = decode(sample.encode(encoding), "short.txt")
    assert text == sample


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", errors.EMPTY),
        (b" \n\t\n", errors.EMPTY),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, errors.BINARY.format(kind="PNG image")),
        (b"PK\x03\x04" + b"\x00" * 64, errors.BINARY.format(kind="ZIP archive")),
        (b"abc\x00\x00\x00def" * 10, errors.BINARY.format(kind="contains NUL bytes")),
        ("政府工作报告".encode()[:-1], errors.TRUNCATED_UTF8.format(offset=15)),
        (codecs.BOM_UTF8 + "政府工作报告".encode()[:-2], errors.TRUNCATED_UTF8.format(offset=18)),
        (bytes(range(1, 32)) * 40 + b"\x81", errors.UNDECODABLE),
    ],
    ids=["empty", "whitespace", "png", "zip", "nul", "truncated-utf8", "truncated-utf8-bom", "control-bytes"],
)
def test_refuses_what_is_not_text(data: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as raised:
        decode(data, "input.txt")
    assert raised.value.reason == reason
    assert str(raised.value) == f"input.txt: {reason}"


def test_random_bytes_are_refused_not_stored_as_mojibake() -> None:
    import random

    generator = random.Random(20261127)
    for _ in range(20):
        data = bytes(generator.randrange(256) for _ in range(4096))
        with pytest.raises(SourceError):
            decode(data, "random.txt")
