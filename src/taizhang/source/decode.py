"""Bytes → text for the encodings Chinese users meet, with the encoding that was chosen.

UTF-8 and BOM-marked UTF-16 are tried first because they are unambiguous; legacy CJK encodings
(GB18030 ⊃ GBK ⊃ GB2312, Big5) are ranked by charset-normalizer, restricted to those candidates
so that it never settles on a Western code page for Chinese bytes. The result must then look like
text: bytes that decode only into control characters or private-use code points are refused
rather than stored as mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from taizhang import errors
from taizhang.errors import SourceError

# Legacy encodings we accept, in the names Python's codecs use.
CJK_CANDIDATES = ["gb18030", "big5", "utf_16"]

# Leading bytes of binary formats users rename by mistake (a PNG saved as .txt, say).
MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "executable",
    b"SQLite format 3\x00": "SQLite database",
    b"\xd0\xcf\x11\xe0": "legacy Office document",
}

# Share of characters that may be control or private-use before we call the decoding wrong.
MAX_JUNK_SHARE = 0.01


def binary_kind(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, or None when it may be text."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    return None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding)`` or raise :class:`SourceError`."""
    if not data:
        raise SourceError(path, errors.EMPTY)
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf_8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf_16", path), "utf-16"
    kind = binary_kind(data)
    if kind:
        raise SourceError(path, errors.BINARY.format(kind=kind))
    try:
        text = data.decode("utf_8")
    except UnicodeDecodeError as error:
        # The first invalid byte is an unfinished sequence at the very end: the file is UTF-8
        # that was cut short, and guessing another encoding would turn it into mojibake.
        if error.reason == "unexpected end of data" and error.end == len(data):
            raise SourceError(path, errors.TRUNCATED_UTF8.format(offset=error.start)) from None
    else:
        return _checked(text, path), "utf-8"
    mainland = _as_common_gb(data)
    if mainland is not None:
        return _checked(mainland, path), "gb18030"
    best = charset_normalizer.from_bytes(data, cp_isolation=CJK_CANDIDATES).best()
    if best is not None:
        return _checked(str(best), path), codecs.lookup(best.encoding).name
    # Too short for statistics. The GB reading was not plainly mainland text (checked above),
    # so a clean Big5 reading is the better guess, then GB18030 as it stands.
    for encoding in ("big5", "gb18030"):
        try:
            return _checked(data.decode(encoding), path), encoding
        except (UnicodeDecodeError, SourceError):
            continue
    raise SourceError(path, errors.UNDECODABLE)


# Share of distinct non-ASCII characters outside GB2312's common set that a mainland GB text may
# still have (rare name characters such as 镕). Big5 bytes read as GBK land far outside that set.
MAX_RARE_SHARE = 0.02


def _as_common_gb(data: bytes) -> str | None:
    """The GB18030 reading of ``data`` when it is plainly mainland text, else None.

    Short texts are ambiguous between GBK and Big5 (今年 in GBK reads as 踏爛 in Big5), and
    statistical detectors guess on them; our users' texts are mainland official documents, so a
    reading made of common simplified characters wins.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [char for char in set(text) if ord(char) > 0x7F]
    if not wide:
        return None
    rare = sum(1 for char in wide if not _in_gb2312(char))
    return text if rare <= MAX_RARE_SHARE * len(wide) else None


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return _checked(data.decode(encoding), path)
    except UnicodeDecodeError as error:
        if encoding == "utf_8" and error.reason == "unexpected end of data":
            raise SourceError(path, errors.TRUNCATED_UTF8.format(offset=error.start + 3)) from None
        raise SourceError(path, errors.UNDECODABLE) from None


def _checked(text: str, path: str) -> str:
    """Refuse decodings that are mostly junk; a lone stray control character is tolerated."""
    if not text.strip():
        raise SourceError(path, errors.EMPTY)
    # No text format we read has NUL characters, and PostgreSQL cannot store them.
    if "\x00" in text:
        raise SourceError(path, errors.BINARY.format(kind="contains NUL bytes"))
    # Counted over the distinct characters: a 60 MB text has a few thousand.
    junk = sum(text.count(char) for char in set(text) if _is_junk(char))
    if junk > MAX_JUNK_SHARE * len(text):
        raise SourceError(path, errors.UNDECODABLE)
    return text


def _is_junk(char: str) -> bool:
    if char in "\t\n\r\f\v":
        return False
    return unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs")
