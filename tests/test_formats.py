"""File formats → text: HTML (trafilatura), .docx (python-docx), PDF (pypdf), Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from taizhang import errors
from taizhang.errors import SourceError
from taizhang.source import load
from tests.helpers import FIXTURES


def expected(stem: str) -> str:
    return (FIXTURES / f"{stem}.expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "stem", "title", "date", "encoding"),
    [
        ("national2023.utf-8.html", "national2023", "2023年政府工作报告", "2023-03-05", "utf-8"),
        ("hailar2019.gb18030.html", "hailar2019", "2019年海拉尔区政府工作报告", "2019-03-04", "gb18030"),
    ],
)
def test_html_main_text_title_and_date(fixture: str, stem: str, title: str, date: str, encoding: str) -> None:
    source = load(FIXTURES / fixture)
    lines = source.text.splitlines()
    assert lines[0] == title  # the page's <h1> heads the main text
    assert lines[1:] == expected(stem).splitlines()
    assert "首页" not in source.text and "版权所有" not in source.text  # menus and footers dropped
    assert (source.title, source.date, source.encoding, source.format) == (title, date, encoding, "html")


def test_docx_paragraphs_and_title() -> None:
    source = load(FIXTURES / "national2023.docx")
    assert source.text == expected("national2023").rstrip("\n")
    assert source.title == "2023年政府工作报告"
    assert source.encoding is None


def test_pdf_text_layer() -> None:
    source = load(FIXTURES / "national2023.pdf")
    # A PDF keeps glyphs, not paragraphs: line breaks fall where the page wrapped.
    assert "".join(source.text.split()) == "".join(expected("national2023").split())
    assert source.title == source.text.splitlines()[0]  # the writer's "untitled" is ignored


def test_markdown_keeps_its_text_and_takes_the_heading_as_title() -> None:
    source = load(FIXTURES / "national2023.md")
    assert source.text == (FIXTURES / "national2023.md").read_text(encoding="utf-8")
    assert source.title == "2023年政府工作报告"


def test_plain_text_title_and_date_line() -> None:
    source = load(FIXTURES.parent.parent / "examples" / "corpus" / "district_hailar_2019_gwr.txt")
    assert source.title == "政府工作报告"  # letter-spaced in the file: "政 府 工 作 报 告"
    assert source.date == "2019-03-04"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notzip.docx", "这不是Word文件".encode(), errors.BAD_DOCX.format(error="File is not a zip file")),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<<", None),
        ("page.html", b"<html><body><script>var a=1;</script></body></html>", errors.NO_TEXT.format(kind="HTML page")),
        ("empty.docx", None, errors.NO_TEXT.format(kind="Word document")),
    ],
)
def test_broken_documents_are_refused_with_a_reason(tmp_path: Path, name: str, data: bytes | None, reason: str | None) -> None:
    path = tmp_path / name
    if data is None:
        import docx

        docx.Document().save(path)
    else:
        path.write_bytes(data)
    with pytest.raises(SourceError) as raised:
        load(path)
    assert raised.value.path == str(path)
    if reason is None:
        assert raised.value.reason.startswith("not a readable PDF")
    else:
        assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [("bad/encrypted.pdf", errors.ENCRYPTED_PDF), ("bad/image-only.pdf", errors.IMAGE_PDF)],
)
def test_pdfs_without_readable_text(fixture: str, reason: str) -> None:
    with pytest.raises(SourceError) as raised:
        load(FIXTURES / fixture)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("政 府 工 作 报 告\n\n各位代表：", "政府工作报告"),
        ("\n\n牢记嘱托走在前 勇担使命开新局 聚焦省第十二次党代会\n正文", "牢记嘱托走在前 勇担使命开新局 聚焦省第十二次党代会"),
        ("各位代表：\n现在，我代表国务院，向大会报告政府工作。", None),
        ("现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。", None),
    ],
)
def test_title_of_plain_text(text: str, title: str | None) -> None:
    from taizhang.source.formats import guess_title

    assert guess_title(text) == title
