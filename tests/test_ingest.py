"""Ingest into real databases (a SQLite file; PostgreSQL under make test): storage, re-ingest, versions, bad input."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from taizhang import errors
from taizhang.errors import SourceError, StoreError
from taizhang.ingest import analyse_files, ingest
from taizhang.source import discover, load, read
from taizhang.storage.batch import with_text
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS, FIXTURES

DEMO_FILES = sorted(p for p in DEMO_CORPUS.iterdir() if p.suffix == ".txt")


def snapshot(store: Store) -> list[tuple]:
    return [(s.id, s.name, s.sha256, s.version, s.ingested_at) for s in store.sources()]


def test_demo_corpus_is_stored_with_bytes_text_and_metadata(db_url: str) -> None:
    with Store(db_url) as store:
        report = ingest(store, [DEMO_CORPUS])
        assert report.ok and report.count("new") == len(DEMO_FILES) == 11
        for info in store.sources():
            original = (DEMO_CORPUS / info.name).read_bytes()
            assert store.source_bytes(info.id) == original
            assert info.sha256 == hashlib.sha256(original).hexdigest()
            assert store.source_text(info.id) == original.decode("utf-8")
            assert (info.encoding, info.format, info.version) == ("utf-8", "txt", 1)
            assert info.chars == len(original.decode("utf-8"))
        assert store.find_source("national_china_2023_gwr.txt").date == "2023-03-05"


def test_reingesting_changes_nothing(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, [DEMO_CORPUS])
        before = snapshot(store)
        report = ingest(store, [DEMO_CORPUS])
        assert report.ok and report.count("unchanged") == len(DEMO_FILES) and report.count("new") == 0
        assert snapshot(store) == before


def test_changed_file_with_same_name_is_a_new_version(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("到2026年,全区生产总值突破1500亿元。", encoding="utf-8")
    with Store(db_url) as store:
        first = ingest(store, [path]).done[0].stored
        path.write_text("到2026年,全区生产总值突破1600亿元。", encoding="utf-8")
        second = ingest(store, [path]).done[0].stored
        assert (first.status, second.status) == ("new", "new version")
        assert second.source.version == 2 and second.source.id != first.source.id
        assert store.source_text(first.source.id).endswith("1500亿元。")  # the old version is kept
        assert store.find_source("report.txt").id == second.source.id  # a name means its latest version


def test_every_format_and_encoding_lands_in_the_database(db_url: str) -> None:
    with Store(db_url) as store:
        report = ingest(store, [FIXTURES])
        assert {e.reason for e in report.failed} == {errors.ENCRYPTED_PDF, errors.IMAGE_PDF}
        by_name = {s.name: s for s in store.sources()}
        for name, info in by_name.items():
            if name.endswith(".txt"):  # every encoding of an excerpt decodes to its UTF-8 original
                stem = name.split(".")[0]
                expected = (FIXTURES / f"{stem}.expected.txt").read_text(encoding="utf-8")
                assert store.source_text(info.id) == expected, name
        assert by_name["zhejiang2025-traditional.big5.txt"].encoding == "big5"
        assert by_name["hailar2019.gb18030.html"].title == "2019年海拉尔区政府工作报告"


def test_a_result_leaves_out_only_a_text_its_bytes_give_back() -> None:
    """What travels back from a worker has no text when decoding the file's bytes gives it (plain
    text and Markdown in every encoding), and the writer gets it back; an HTML, Word or PDF file's
    text is sent."""
    raws = [read(path) for path in sorted(FIXTURES.iterdir()) if path.suffix in (".txt", ".md", ".html", ".docx", ".pdf")]
    for raw, rows in zip(raws, analyse_files(raws), strict=True):
        assert (rows.source.text is None) == (raw.path.suffix in (".txt", ".md")), raw.path.name
        assert with_text(rows, raw.data).source.text == load(raw.path).text, raw.path.name


def bad_batch(tmp_path: Path) -> tuple[list[Path], dict[str, str]]:
    """One good file among every kind of bad input, and the reason each bad one must give."""
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(DEMO_CORPUS / "district_hailar_2019_gwr.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes((FIXTURES / "bad" / "image-only.pdf").read_bytes().replace(b"%PDF-", b"\x89PNG\r\n\x1a\n", 1))
    (folder / "noise.txt").write_bytes(bytes(range(1, 32)) * 100)
    (folder / "cut.txt").write_bytes("到2026年,全区生产总值突破1500亿元".encode()[:-2])
    (folder / "fake.docx").write_bytes("这不是Word文件".encode())
    shutil.copy(FIXTURES / "bad" / "encrypted.pdf", folder / "locked.pdf")
    shutil.copy(FIXTURES / "bad" / "image-only.pdf", folder / "scan.pdf")
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    empty_folder = tmp_path / "nothing-here"
    empty_folder.mkdir()
    (empty_folder / "notes.xyz").write_text("not a supported type", encoding="utf-8")
    reasons = {
        "empty.txt": errors.EMPTY,
        "picture.txt": errors.BINARY.format(kind="PNG image"),
        "noise.txt": errors.UNDECODABLE,
        "cut.txt": errors.TRUNCATED_UTF8.format(offset=42),
        "fake.docx": errors.BAD_DOCX.format(error="File is not a zip file"),
        "locked.pdf": errors.ENCRYPTED_PDF,
        "scan.pdf": errors.IMAGE_PDF,
        "huge.txt": errors.TOO_LARGE.format(size=200 * 1024 * 1024, limit=64 * 1024 * 1024),
        "missing.txt": errors.NOT_FOUND,
        "nothing-here": errors.EMPTY_DIRECTORY.format(supported=".txt, .text, .md, .markdown, .html, .htm, .docx, .pdf"),
    }
    return [folder, tmp_path / "missing.txt", empty_folder], reasons


def test_bad_input_is_reported_per_file_and_the_batch_goes_on(db_url: str, tmp_path: Path) -> None:
    paths, reasons = bad_batch(tmp_path)
    with Store(db_url) as store:
        ingest(store, [DEMO_CORPUS])
        before = snapshot(store)
        report = ingest(store, paths)
        assert not report.ok
        assert {Path(e.path).name: e.reason for e in report.failed} == reasons
        # good.txt has the same bytes as the demo's hailar report: found, not stored again.
        assert [(d.stored.status, d.stored.source.name) for d in report.done] == [("unchanged", "district_hailar_2019_gwr.txt")]
        assert snapshot(store) == before


def test_a_file_that_vanishes_mid_batch_is_reported(db_url: str, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name} 新增就业7万人。", encoding="utf-8")
    with Store(db_url) as store:
        # Delete b.txt once the batch has found its files: found, then gone before it was read.
        report = ingest(store, [tmp_path], on_start=lambda files, size: (tmp_path / "b.txt").unlink())
        assert [d.stored.source.name for d in report.done] == ["a.txt", "c.txt"]
        assert [(Path(e.path).name, e.reason) for e in report.failed] == [("b.txt", errors.VANISHED)]


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text("新增就业7万人。" * 10, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load(path, max_bytes=100)
    assert raised.value.reason == errors.TOO_LARGE.format(size=path.stat().st_size, limit=100)


def test_locked_sqlite_database_gives_a_clear_error_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    with Store(str(db)) as store:
        ingest(store, [DEMO_CORPUS / "district_hailar_2019_gwr.txt"])
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")  # another process is in the middle of writing
    try:
        with Store(str(db), busy_timeout_ms=200) as store, pytest.raises(StoreError) as raised:
            ingest(store, [DEMO_CORPUS / "national_china_2023_gwr.txt"])
        assert "database is locked" in str(raised.value) and "locked.db" in str(raised.value)
    finally:
        holder.rollback()
        holder.close()
    with Store(str(db)) as store:
        assert [s.name for s in store.sources()] == ["district_hailar_2019_gwr.txt"]


def test_read_only_sqlite_database_gives_a_clear_error_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "readonly.db"
    with Store(str(db)) as store:
        ingest(store, [DEMO_CORPUS / "district_hailar_2019_gwr.txt"])
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    url, undo = make_read_only(db)
    try:
        with Store(url) as store:
            assert [s.name for s in store.sources()] == ["district_hailar_2019_gwr.txt"]  # reading still works
            with pytest.raises(StoreError) as raised:
                ingest(store, [DEMO_CORPUS / "national_china_2023_gwr.txt"])
        assert "readonly database" in str(raised.value)
    finally:
        undo()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def make_read_only(db: Path):
    """Make ``db`` unwritable for this process; root ignores file modes, so use the immutable flag."""
    if os.geteuid() != 0:
        db.chmod(0o444)
        return str(db), lambda: db.chmod(0o644)
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode == 0:
        return str(db), lambda: subprocess.run(["chattr", "-i", str(db)], check=True)
    # No immutable flag on this filesystem: open the file through SQLite's read-only mode instead.
    return f"sqlite:///file:{db}?mode=ro&uri=true", lambda: None


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError) as raised:
        Store("postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert "cannot open database" in str(raised.value)


def test_ingest_stores_each_sources_pledges_with_spans_into_its_text(db_url: str) -> None:
    with Store(db_url) as store:
        report = ingest(store, [DEMO_CORPUS / "000_352e13108ae5b528.txt"], year=2022)
        source = report.done[0].stored.source
        pledges = store.pledges(source.id)
        assert report.done[0].pledges == len(pledges) > 0
        text = store.source_text(source.id)
        for pledge in pledges:
            assert pledge.source == source.name
            assert text[pledge.start : pledge.end] == pledge.quote
        assert any(p.metric == "全区生产总值" and p.norm_value == 1.5e11 and p.norm_unit == "CNY" for p in pledges)


def test_pledges_are_redone_only_when_the_extractor_changed(db_url: str) -> None:
    from sqlalchemy import update

    from taizhang.storage.tables import SourceRow

    seed = DEMO_CORPUS / "000_352e13108ae5b528.txt"
    with Store(db_url) as store:
        first = ingest(store, [seed]).done[0]
        assert ingest(store, [seed]).done[0].pledges is None  # same bytes, same extractor: nothing to do
        with store.engine.begin() as connection:  # as if stored by an older version of the rules
            connection.execute(update(SourceRow).values(extractor="0.0.1+old"))
        redone = ingest(store, [seed]).done[0]
        assert redone.stored.status == "unchanged" and redone.pledges == first.pledges
        assert len(store.pledges()) == first.pledges  # replaced, not added again


def test_a_manifest_beside_the_files_states_their_date_and_title(tmp_path: Path) -> None:
    seed_copy = tmp_path / "seed.txt"
    shutil.copy(DEMO_CORPUS / "000_352e13108ae5b528.txt", seed_copy)
    shutil.copy(DEMO_CORPUS / "national_china_2023_gwr.txt", tmp_path / "gwr.txt")
    shutil.copy(DEMO_CORPUS / "district_hailar_2019_gwr.txt", tmp_path / "hailar.txt")
    manifest = "file\tdate\ttitle\nseed.txt\t2022\t聚焦省第十二次党代会\ngwr.txt\tMarch 2023\t\nhailar.txt\t2019-19-39\t\n"
    (tmp_path / "SOURCES.tsv").write_bytes(manifest.encode("gbk"))  # as Excel saves it on Chinese Windows
    seed, gwr, hailar = load(seed_copy), load(tmp_path / "gwr.txt"), load(tmp_path / "hailar.txt")
    assert (seed.date, seed.title, seed.warnings) == ("2022", "聚焦省第十二次党代会", [])
    assert seed.document().year == 2022
    # Not dates: the text's own date line is used, and the user is told why.
    assert (gwr.date, gwr.title) == ("2023-03-05", "政府工作报告")
    assert gwr.warnings == [errors.MANIFEST_BAD_DATE.format(manifest=tmp_path / "SOURCES.tsv", date="March 2023")]
    assert hailar.date == "2019-03-04" and "2019-19-39" in hailar.warnings[0]


def test_an_unreadable_manifest_is_a_warning_and_adds_nothing(tmp_path: Path) -> None:
    shutil.copy(DEMO_CORPUS / "national_china_2023_gwr.txt", tmp_path / "gwr.txt")
    (tmp_path / "SOURCES.tsv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    loaded = load(tmp_path / "gwr.txt")
    assert loaded.date == "2023-03-05"
    assert loaded.warnings == [
        errors.MANIFEST_UNREADABLE.format(manifest=tmp_path / "SOURCES.tsv", reason=errors.BINARY.format(kind="PNG image"))
    ]


def test_same_file_name_in_two_folders_is_two_documents(db_url: str, tmp_path: Path) -> None:
    for city, figure in (("cityA", "1500"), ("cityB", "900")):
        (tmp_path / city).mkdir()
        (tmp_path / city / "政府工作报告.txt").write_text(f"到2026年,全区生产总值突破{figure}亿元。", encoding="utf-8")
    with Store(db_url) as store:
        report = ingest(store, [tmp_path / "cityA", tmp_path / "cityB"])
        assert [d.stored.status for d in report.done] == ["new", "new"]
        assert [s.version for s in store.latest_sources()] == [1, 1]
        (tmp_path / "cityA" / "政府工作报告.txt").write_text("到2026年,全区生产总值突破1600亿元。", encoding="utf-8")
        again = ingest(store, [tmp_path / "cityA"]).done[0].stored
        assert (again.status, again.source.version) == ("new version", 2)
        texts = sorted(store.source_text(s.id) for s in store.latest_sources())
        assert texts == ["到2026年,全区生产总值突破1600亿元。", "到2026年,全区生产总值突破900亿元。"]


def test_devices_and_pipes_are_not_files(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    files, problems = discover([fifo, Path("/dev/null")])
    assert files == [] and [p.reason for p in problems] == [errors.NOT_REGULAR, errors.NOT_REGULAR]


def test_the_demo_seed_is_dated_2022_so_its_relative_horizons_get_deadlines(db_url: str) -> None:
    with Store(db_url) as store:
        report = ingest(store, [DEMO_CORPUS / "000_352e13108ae5b528.txt"])
        assert report.done[0].warnings == []
        assert any(p.horizon == "年内" and p.deadline == 2022 for p in store.pledges())


def test_reprints_of_one_article_are_linked_to_the_first_stored(db_url: str, tmp_path: Path) -> None:
    from taizhang.reprints import link_reprints

    seed = (DEMO_CORPUS / "000_352e13108ae5b528.txt").read_text(encoding="utf-8")
    # Another outlet's copy: its own masthead and byline around the same article.
    (tmp_path / "reprint.txt").write_text("青岛新闻网 2022-05-30 来源：青岛日报\n" + seed + "\n责任编辑：王某\n", encoding="utf-8")
    with Store(db_url) as store:
        ingest(store, [DEMO_CORPUS])
        ingest(store, [tmp_path / "reprint.txt"])
        ids = {s.name: s.id for s in store.sources()}
        links = link_reprints(store)
        assert links == {ids["reprint.txt"]: ids["000_352e13108ae5b528.txt"]}
        assert store.reprints() == links
        assert link_reprints(store) == links  # recomputed over the whole store, not added again


def damage(db: Path, index: str = "ix_pledges_source_id") -> None:
    """Overwrite the cells of one b-tree page (an index of pledges) with garbage, as a failing disk might."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root, page_size = connection.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = ?", (index,)
        ).fetchone()
    data = bytearray(db.read_bytes())
    at = (root - 1) * page_size
    data[at + 8 : at + page_size] = bytes((i * 37) % 256 for i in range(page_size - 8))
    db.write_bytes(bytes(data))


def test_a_database_with_damaged_pages_is_not_written_to(tmp_path: Path) -> None:
    """Finding 4 of #11: ingest wrote into a file with damaged pages."""
    db = tmp_path / "damaged.db"
    with Store(str(db)) as store:
        ingest(store, [DEMO_CORPUS])
    damage(db)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    with Store(str(db)) as store, pytest.raises(StoreError) as raised:
        ingest(store, [FIXTURES / "hailar2019.utf8.txt"])
    assert "is damaged (On tree page" in str(raised.value) and "taizhang restore" in str(raised.value)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
