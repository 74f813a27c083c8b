"""Readers that turn one file format's bytes into text plus the metadata the file itself states.

Each reader takes ``(data, path)`` and returns a :class:`Extracted`; every failure of the
underlying library becomes a :class:`SourceError` naming the file, never a traceback.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from taizhang import errors
from taizhang.errors import SourceError
from taizhang.source.decode import decode

# The libraries below log their own complaints about odd input; we report ours instead.
for _noisy in ("trafilatura", "htmldate", "pypdf", "charset_normalizer"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)


@dataclass(slots=True)
class Extracted:
    text: str
    encoding: str | None = None
    title: str | None = None
    date: str | None = None


def read_text(data: bytes, path: str) -> Extracted:
    text, encoding = decode(data, path)
    return Extracted(text=text, encoding=encoding, title=guess_title(text), date=guess_date(text))


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def read_markdown(data: bytes, path: str) -> Extracted:
    """Markdown: the YAML front matter's title and date are the source's (as the site that stored the
    page wrote them); else the first ``#`` heading and the date line."""
    text, encoding = decode(data, path)
    front = front_matter(text)
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    title = _text(front.get("title")) or (heading.group(1) if heading else guess_title(text))
    date = _iso_date(front.get("date")) or guess_date(text)
    return Extracted(text=text, encoding=encoding, title=title, date=date)


def front_matter(text: str) -> dict:
    """The YAML front matter opening a Markdown text (``---`` lines around it), or {} when there is
    none or it is not a mapping YAML can read."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}
    import yaml

    try:
        data = yaml.safe_load(m["body"])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _iso_date(value: object) -> str | None:
    """A front matter date (YAML reads 2025-03-14 as a date) as YYYY-MM-DD; None if it is none."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = _text(value)
    m = _DATE.search(text) if text else None
    if not m:
        return None
    month, day = m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
    return f"{m.group('y')}-{int(month):02d}-{int(day):02d}"


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def read_html(data: bytes, path: str) -> Extracted:
    html, encoding = _decode_html(data, path)
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        page = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True)
    except Exception:  # trafilatura raises many kinds on broken markup; fall back below
        page = None
    text = getattr(page, "text", None) or ""
    if not text.strip():
        try:
            text = trafilatura.html2txt(html) or ""
        except Exception:
            text = ""
    if not text.strip():
        raise SourceError(path, errors.NO_TEXT.format(kind="HTML page"))
    title = choose_title([getattr(page, "title", None)], text)
    date = getattr(page, "date", None) or guess_date(text)
    return Extracted(text=text, encoding=encoding, title=title, date=date)


def _decode_html(data: bytes, path: str) -> tuple[str, str]:
    """Honour the page's declared charset when it decodes cleanly; otherwise detect one."""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Pages that say gb2312 or gbk routinely use characters only GB18030 has.
        name = "gb18030" if name in ("gb2312", "gbk", "x-gbk") else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, path)


# What a .docx may unpack to: a long report's XML is tens of MB; a zip bomb is gigabytes.
MAX_UNPACKED = 256 * 2**20


def read_docx(data: bytes, path: str) -> Extracted:
    import docx  # python-docx

    try:
        # Sizes as the archive declares them: reading never unpacks more than that.
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SourceError(path, errors.BAD_DOCX.format(error=_short(error))) from None
    if unpacked > MAX_UNPACKED:
        raise SourceError(path, errors.DOCX_TOO_BIG.format(size=unpacked, limit=MAX_UNPACKED))
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # BadZipFile, KeyError, lxml errors… depending on the damage
        raise SourceError(path, errors.BAD_DOCX.format(error=_short(error))) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise SourceError(path, errors.NO_TEXT.format(kind="Word document"))
    title = choose_title([document.core_properties.title], text)
    return Extracted(text=text, title=title, date=guess_date(text))


def read_pdf(data: bytes, path: str) -> Extracted:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceError(path, errors.ENCRYPTED_PDF)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except SourceError:
        raise
    except pypdf.errors.FileNotDecryptedError:
        raise SourceError(path, errors.ENCRYPTED_PDF) from None
    except Exception as error:  # pypdf raises PdfReadError, ValueError, KeyError… on damage
        raise SourceError(path, errors.BAD_PDF.format(error=_short(error))) from None
    text = "\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise SourceError(path, errors.IMAGE_PDF)
    # PDF writers fill /Title with placeholders such as "untitled"; the first line says more.
    if not title or str(title).strip().lower() in ("", "untitled", "untitled document"):
        title = guess_title(text)
    return Extracted(text=text, title=str(title) if title else None, date=guess_date(text))


def _short(error: Exception) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return message[:120]


READERS = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}

# A title is a short line near the top that does not end like a sentence.
_TITLE_MAX_CHARS = 60
_TITLE_LINES = 15  # how many non-empty lines from the top a title may stand in
_SENTENCE_END = tuple("。！？；，,.;!?:：")
_LETTER_SPACED = re.compile(r"(?:\S[ \u3000]+){2,}\S")
_LETTER_SPACING = re.compile(r"[ \u3000]+")


@lru_cache(maxsize=1)
def _title_rules() -> dict:
    import yaml

    with open(Path(__file__).with_name("titles.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {key: tuple(words) for key, words in data.items()}


def is_chrome(line: str) -> bool:
    """A line a page prints around its text (下载, 打印, 字号, a photo caption): never a title."""
    rules = _title_rules()
    bare = line.strip(" \t\u3000\u200b【】[]|>：:")
    return (
        not bare or bare in rules["chrome"] or bare.startswith(tuple(f"{w}：" for w in rules["chrome"]))
        or bare.startswith(rules["caption_starts"]) or bare.endswith(rules["caption_ends"])
    )  # fmt: skip


def _names_speaker(line: str) -> bool:
    rules = _title_rules()
    return any(p in line for p in rules["speaker_posts"]) and not any(w in line for w in rules["title_words"])


def guess_title(text: str) -> str | None:
    """The document's own title from its first lines: a short line naming what it is (…政府工作报告,
    …规划纲要) wins over one before it; page chrome (下载, 打印) and photo captions are skipped; a
    text that opens with a sentence has none."""
    return choose_title([], text)


def choose_title(candidates: list[str | None], text: str) -> str | None:
    """Of ``candidates`` (a page's <title>, a Word file's property) and the short lines opening
    ``text``, the first naming what the document is (title_words), else the first that is a title
    at all; chrome and captions never."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip().replace("\u200b", "")
        if not line:
            continue
        if len(lines) >= _TITLE_LINES:
            break
        lines.append(line)
    titles: list[str] = [c.strip() for c in candidates if c and c.strip() and not is_chrome(c)]
    for line in lines:
        if is_chrome(line) or line.startswith(("—", "－")) or _names_speaker(line):
            continue  # chrome, the line under a title (——2025年1月13日在…会议上), who speaks
        if len(line) > _TITLE_MAX_CHARS or line.endswith(_SENTENCE_END) or "。" in line:
            break  # the text has begun: no title below its first sentence
        # Scraped titles are often letter-spaced ("政 府 工 作 报 告"); words stay apart.
        titles.append(_LETTER_SPACING.sub("", line) if _LETTER_SPACED.fullmatch(line) else line)
    words = _title_rules()["title_words"]
    named = next((t for t in titles if any(w in t for w in words)), None)
    if named or titles:
        return named or titles[0]
    # A text that opens mid-sentence (a PDF's wrapped line): its first line, if short and unclosed.
    first = next((line for line in lines if not (is_chrome(line) or line.startswith(("—", "－")) or _names_speaker(line))), None)
    return first if first and len(first) <= _TITLE_MAX_CHARS and not first.endswith(_SENTENCE_END) else None


# "——2024年3月5日在第十四届全国人民代表大会…", "（2023年1月12日）", "2022-06-21".
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*日"
    r"|-(?P<m2>1[0-2]|0[1-9])-(?P<d2>3[01]|[12]\d|0[1-9]))"
)
_DATE_HEAD_LINES = 12


def guess_date(text: str) -> str | None:
    """The date a document states near its top (a speech's date line), as YYYY-MM-DD."""
    head = "\n".join(text.lstrip().splitlines()[:_DATE_HEAD_LINES])
    match = _DATE.search(head)
    if not match:
        return None
    month = match.group("m") or match.group("m2")
    day = match.group("d") or match.group("d2")
    return f"{match.group('y')}-{int(month):02d}-{int(day):02d}"
