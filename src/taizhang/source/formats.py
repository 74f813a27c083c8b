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


def read_markdown(data: bytes, path: str) -> Extracted:
    text, encoding = decode(data, path)
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    title = heading.group(1) if heading else guess_title(text)
    return Extracted(text=text, encoding=encoding, title=title, date=guess_date(text))


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
    title = getattr(page, "title", None) or guess_title(text)
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
    title = document.core_properties.title or guess_title(text)
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

# A title is a short first line that does not end like a sentence.
_TITLE_MAX_CHARS = 60
_SENTENCE_END = tuple("。！？；，,.;!?:：")
_LETTER_SPACED = re.compile(r"(?:\S[ \u3000]+){2,}\S")
_LETTER_SPACING = re.compile(r"[ \u3000]+")


def guess_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().replace("\u200b", "")
        if not line:
            continue
        if len(line) <= _TITLE_MAX_CHARS and not line.endswith(_SENTENCE_END):
            # Scraped titles are often letter-spaced ("政 府 工 作 报 告"); words stay apart.
            return _LETTER_SPACING.sub("", line) if _LETTER_SPACED.fullmatch(line) else line
        return None
    return None


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
