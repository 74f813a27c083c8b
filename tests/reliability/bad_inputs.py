"""The bad-input corpus: files and databases a careless or hostile world hands taizhang (#11).

    .venv/bin/python -m tests.reliability.bad_inputs OUT_FOLDER [--big]

writes the files into OUT_FOLDER/files and the databases into OUT_FOLDER/databases and prints what
each is. ``make_files`` and ``make_databases`` are what tests/reliability/test_bad_inputs.py uses.
Every file gets a named error or a clean result; the ``expect`` of each case says which (a
``reason`` substring of the error, or None when it must be stored).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sqlite3
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import DEMO_CORPUS, FIXTURES

SEED = DEMO_CORPUS / "000_352e13108ae5b528.txt"
PARAGRAPH = "到2026年，全区生产总值突破1500亿元，城镇新增就业3万人以上，研发投入强度达到3%。"


@dataclass(frozen=True, slots=True)
class Case:
    name: str  # the file's name (os.fsdecode of its bytes)
    what: str
    expect: str | None  # a substring of the error's reason, None for a clean result, "either" for one or the other


def _write(folder: Path, name: str | bytes, data: bytes) -> str:
    path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
    with open(path, "wb") as file:
        file.write(data)
    return os.fsdecode(os.path.basename(path))


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip_bomb_docx(unzipped: int) -> bytes:
    """A .docx whose word/document.xml unpacks to ``unzipped`` bytes (a few hundred kB packed)."""
    good = zipfile.ZipFile(io.BytesIO(_docx([PARAGRAPH])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                with bomb.open("word/document.xml", "w", force_zip64=True) as stream:
                    stream.write(head + b"<w:body>")
                    chunk = b" " * (1 << 20)
                    for _ in range(unzipped >> 20):
                        stream.write(chunk)
                    stream.write(tail)
            else:
                bomb.writestr(item, data)
    return buffer.getvalue()


def make_files(folder: Path, *, big: bool = False) -> list[Case]:
    """Write the bad (and a few good) files into ``folder``; ``big`` makes the single line 10 MB
    (else 200 kB) and the zip bomb 1 GiB unpacked (else 300 MiB)."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_bytes()
    line = (PARAGRAPH * (10 * 2**20 // len(PARAGRAPH.encode()) if big else 2000)).encode()
    cases = [
        Case(_write(folder, "good.txt", seed + "\n（完）\n".encode()), "a real article, stored", None),
        Case(_write(folder, "binary.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(4096)), "a PNG named .txt", "binary file (PNG image)"),
        Case(_write(folder, "noise.txt", bytes(range(256)) * 64), "every byte value", "either"),
        Case(_write(folder, "empty.txt", b""), "an empty file", "empty file"),
        Case(_write(folder, "blank.txt", b" \n\t\r\n"), "only white space", "empty file"),
        Case(_write(folder, "truncated.txt", PARAGRAPH.encode()[:-1]), "UTF-8 cut in a character", "UTF-8 text cut off"),
        Case(_write(folder, "mixed.txt", PARAGRAPH.encode() + "\n".encode() + PARAGRAPH.encode("gbk")), "UTF-8 then GBK in one file", "either"),  # fmt: skip
        Case(_write(folder, "nul.txt", PARAGRAPH.encode() + b"\x00" + PARAGRAPH.encode()), "text with a NUL byte", "NUL"),
        Case(_write(folder, "one-line.txt", line), f"a {len(line) / 2**20:.1f} MB single line", None),
        Case(_write(folder, "nested.html", b"<html><body>" + b"<div>" * 100_000 + PARAGRAPH.encode() + b"</div>" * 100_000 + b"</body></html>"), "HTML nested 100,000 deep", "either"),  # fmt: skip
        Case(_write(folder, "bomb.docx", _zip_bomb_docx((1 << 30) if big else (300 << 20))), "a zip-bomb .docx", "unpacks to"),
        Case(_write(folder, "not-a-zip.docx", b"PK\x03\x04" + os.urandom(2000)), "a .docx that is no zip", "not a valid .docx"),
        Case(_write(folder, "malformed.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage"), "a malformed PDF", "either"),
        Case(_write(folder, "half.pdf", (FIXTURES / "national2023.pdf").read_bytes()[:4000]), "half a PDF", "either"),
        Case(_write(folder, "encrypted.pdf", (FIXTURES / "bad" / "encrypted.pdf").read_bytes()), "an encrypted PDF", "encrypted PDF"),
        Case(_write(folder, "name with spaces and 'quotes\".txt", PARAGRAPH.encode()), "spaces and quotes in the name", None),
        Case(_write(folder, "new\nline.txt", "到2027年，新建学校10所。".encode()), "a newline in the name", None),
        Case(_write(folder, "esc\x1b[31m.txt", "到2028年，新建医院3所。".encode()), "a terminal escape in the name", None),
        Case(_write(folder, b"gbk-\xd5\xfe\xb8\xae.txt", "到2029年，新建公园5个。".encode()), "a name that is not UTF-8", None),
        Case(_write(folder, "unknown.xyz", b"what"), "a file of a kind not read", "unsupported file type"),
    ]
    os.mkfifo(folder / "pipe.txt")
    cases.append(Case("pipe.txt", "a named pipe", "not a regular file"))
    return cases


def make_databases(folder: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Databases that are not taizhang's to write: name → (file, substrings one of which the error has)."""
    from taizhang.ingest import ingest
    from taizhang.storage import Store

    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, tuple[Path, tuple[str, ...]]] = {}
    text = folder / "text.db"
    text.write_bytes(SEED.read_bytes())
    made["a text file as database"] = (text, ("file is not a database",))
    other = folder / "app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO users (name) VALUES ('王芳')")
    made["another application's SQLite file"] = (other, ("is not a taizhang database",))
    newer, damaged = folder / "newer.db", folder / "damaged.db"
    with Store(str(newer)) as store:
        ingest(store, [SEED])
    shutil.copy(newer, damaged)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
        connection.execute("UPDATE taizhang_info SET value = '9.0.0'")
    with sqlite3.connect(newer) as connection:  # all in the file itself, as a closed database is
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    made["a database of a newer taizhang"] = (newer, ("made by taizhang 9.0.0",))
    _damage(damaged)
    # Refused before a write (quick_check); a read that meets the damage says so (SQLite's words).
    made["a database with damaged pages"] = (damaged, ("is damaged", "database disk image is malformed"))
    return made


def _damage(db: Path) -> None:
    """Overwrite the cells of one b-tree page (an index of pledges) with garbage, as a failing disk might."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root, page_size = connection.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'ix_pledges_source_id'"
        ).fetchone()
    data = bytearray(db.read_bytes())
    at = (root - 1) * page_size
    data[at + 8 : at + page_size] = bytes((i * 37) % 256 for i in range(page_size - 8))
    db.write_bytes(bytes(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--big", action="store_true", help="a 10 MB single line and a 1 GiB zip bomb")
    args = parser.parse_args()
    for case in make_files(args.out / "files", big=args.big):
        print(f"files/{case.name!r}: {case.what}")
    for what, (path, _) in make_databases(args.out / "databases").items():
        print(f"databases/{path.name}: {what}")


if __name__ == "__main__":
    sys.exit(main())
