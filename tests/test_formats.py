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


def test_markdown_front_matter_gives_the_sources_title_and_date(tmp_path: Path) -> None:
    # As People's Daily pages are stored: the front matter is the site's record of the page (#12).
    page = tmp_path / "news.md"
    page.write_text(
        '---\ntitle: "河南积极融入服务全国统一大市场"\ndate: 2025-03-14\nsection: "第01版"\n---\n\n'
        "# 河南积极融入服务全国统一大市场（坚定信心）\n\n> 本报记者《人民日报》（2025年03月15日第 01 版）\n\n正文。\n",
        encoding="utf-8",
    )
    source = load(page)
    assert (source.title, source.date) == ("河南积极融入服务全国统一大市场", "2025-03-14")
    assert source.text.startswith("---\ntitle:")  # offsets stay in the file's own text


@pytest.mark.parametrize("front", ["---\ntitle: [unclosed\n---\n# 标题\n正文", "---\n- a list\n---\n# 标题\n正文", "---\ntitle:\n---\n# 标题\n正文"])
def test_markdown_with_a_broken_or_empty_front_matter_falls_back_to_its_heading(tmp_path: Path, front: str) -> None:
    page = tmp_path / "page.md"
    page.write_text(front, encoding="utf-8")
    assert load(page).title == "标题"


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
        # page chrome and photo captions before the report's own title (#12): the report's title wins
        ("下载\n打印\n2025年河北省政府工作报告\n2025年1月13日在河北省第十四届人民代表大会第三次会议上", "2025年河北省政府工作报告"),
        ("河北省第十四届人民代表大会第三次会议开幕。记者 赵杰 摄\n2025年河北省政府工作报告\n各位代表：", "2025年河北省政府工作报告"),
        ("【字体：大 中 小】\n分享到：\n政 府 工 作 报 告\n——2019年3月4日在呼伦贝尔市海拉尔区第十五届人民代表大会第三次会议上", "政府工作报告"),
        # no title: a date line and who speaks are none (海拉尔区 2017 opens so)
        ("　—2017年2月11日在海拉尔区第十四届人民代表大会第六次会议上\n海拉尔区人民政府代区长 杨国宏\n各位代表:", None),
        # a subtitle does not win over the title above it (the 19th congress report)
        ("决胜全面建成小康社会\n夺取新时代中国特色社会主义伟大胜利\n——在中国共产党第十九次全国代表大会上的报告", "决胜全面建成小康社会"),
    ],
)
def test_title_of_plain_text(text: str, title: str | None) -> None:
    from taizhang.source.formats import guess_title

    assert guess_title(text) == title
