"""Ingest at scale: worker processes, batches, incremental runs, reprints kept up to date.

Real SQLite files and (under make test) PostgreSQL; real worker processes. A corpus of distinct
documents is made by recombining the paragraphs of the demo corpus's real texts.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taizhang import ingest as ingest_module
from taizhang.errors import SourceError
from taizhang.ingest import analyse_files, ingest
from taizhang.ledger import Ledger
from taizhang.reprints import link_reprints
from taizhang.runners import LocalPool
from taizhang.source import read
from taizhang.storage import Store
from taizhang.storage.tables import FileRow, PledgeRow, ReprintBandRow, SourceBlob, SourceRow
from tests.helpers import DEMO_CORPUS

PARAGRAPHS = [line for path in sorted(DEMO_CORPUS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """``count`` distinct documents of 20 paragraphs drawn from the demo corpus, and one reprint of
    the first (a masthead and an editor's line around it)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        path = folder / f"doc{k:03d}.txt"
        path.write_text("\n".join(rng.sample(PARAGRAPHS, 20)) + "\n", encoding="utf-8")
        paths.append(path)
    reprint = folder / "reprint.txt"
    reprint.write_text("青岛新闻网 来源：青岛日报\n" + paths[0].read_text(encoding="utf-8") + "责任编辑：王某\n", encoding="utf-8")
    return [*paths, reprint]


def contents(store: Store) -> dict:
    """Everything ingest stores, ids included, so two databases can be compared."""
    with store.connect("read") as connection:
        sources = connection.execute(select(SourceRow.id, SourceRow.name, SourceRow.sha256, SourceRow.version, SourceRow.text, SourceRow.extractor).order_by(SourceRow.id)).all()
        blobs = connection.execute(select(SourceBlob.source_id, func.length(SourceBlob.data)).order_by(SourceBlob.source_id)).all()
        bands = connection.execute(select(ReprintBandRow.source_id, ReprintBandRow.band, ReprintBandRow.key).order_by(ReprintBandRow.source_id, ReprintBandRow.band)).all()
    pledges = [(p.source, p.start, p.end, p.quote, p.metric, p.norm_value, p.deadline) for p in store.pledges()]
    return {"sources": sources, "blobs": blobs, "pledges": pledges, "bands": bands, "reprints": store.reprints()}


def test_worker_processes_store_what_this_process_stores(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 12)
    with Store(str(tmp_path / "serial.db")) as serial:
        one = ingest(serial, files, batch_files=5)
        expected = contents(serial)
    pool = LocalPool(2)
    try:
        with Store(db_url) as store:
            report = ingest(store, files, runner=pool, batch_files=5)
            assert contents(store) == expected
    finally:
        pool.close()
    assert [d.stored.source.id for d in report.done] == [d.stored.source.id for d in one.done]
    assert report.pledges == one.pledges > 0
    assert expected["reprints"] == {13: 1}  # the reprint, linked as ingest stored it


def test_a_file_that_breaks_the_pipeline_fails_alone_and_the_files_sent_with_it_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = corpus(tmp_path / "corpus", 3)
    process = ingest_module.process

    def broken_by_the_second_file(raw, year=None):  # noqa: ANN001, ANN202 - a bug, as one file meets it
        if raw.path == files[1]:
            raise ValueError("一个缺陷 a bug")
        return process(raw, year)

    monkeypatch.setattr(ingest_module, "process", broken_by_the_second_file)
    first, broken, third = analyse_files([read(path) for path in files[:3]])  # one call of a worker's
    assert isinstance(broken, SourceError) and broken.path == str(files[1])
    assert "internal error (ValueError: 一个缺陷 a bug)" in broken.reason
    assert first.pledges > 0 and third.pledges > 0 and third.source.path == files[2]
    with Store(str(tmp_path / "t.db")) as store:
        report = ingest(store, files[:3])
        assert [problem.path for problem in report.failed] == [str(files[1])]
        assert [d.path for d in report.done] == [files[0], files[2]] and len(store.sources()) == 2


def test_a_second_run_reads_only_new_and_changed_files(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 6)
    with Store(db_url) as store:
        first = ingest(store, [tmp_path / "corpus"])
        assert first.count("new") == 7 and first.bytes_read == sum(p.stat().st_size for p in files)
        # A new file, a changed one, and one rewritten with its size and time kept: only the size
        # and time are looked at, so that one is not read (as rsync, make and the like do).
        corpus(tmp_path / "more", 1, seed=9)[0].rename(tmp_path / "corpus" / "doc999.txt")
        files[1].write_text(files[1].read_text(encoding="utf-8") + "新增一段。\n", encoding="utf-8")
        status = files[2].stat()
        files[2].write_text(files[2].read_text(encoding="utf-8")[::-1], encoding="utf-8")
        os.utime(files[2], ns=(status.st_atime_ns, status.st_mtime_ns))
        second = ingest(store, [tmp_path / "corpus"])
        read = {d.path.name: d.read for d in second.done if d.read}
        assert sorted(read) == ["doc001.txt", "doc999.txt"]
        assert {d.path.name: d.stored.status for d in second.done if d.read} == {"doc001.txt": "new version", "doc999.txt": "new"}
        assert second.count("unchanged") == 6


def test_a_file_moved_or_copied_is_read_once_and_not_stored_again(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 3)
    with Store(db_url) as store:
        ingest(store, [tmp_path / "corpus"])
        shutil.copy(files[0], tmp_path / "copy.txt")
        again = ingest(store, [tmp_path / "copy.txt", tmp_path / "copy.txt"])
        assert [d.stored.status for d in again.done] == ["unchanged", "unchanged"]
        assert [d.pledges for d in again.done] == [None, None]  # found by its bytes: nothing redone
        with store.connect("read") as connection:
            assert connection.execute(select(func.count()).select_from(FileRow)).scalar() == 5


def test_the_same_new_bytes_twice_in_one_run_are_stored_once(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 2)
    shutil.copy(files[0], tmp_path / "corpus" / "same.txt")
    with Store(db_url) as store:
        report = ingest(store, [tmp_path / "corpus"])
        statuses = {d.path.name: (d.stored.status, d.stored.source.id) for d in report.done}
        assert statuses["same.txt"] == ("unchanged", statuses["doc000.txt"][1])
        assert len(store.sources()) == 3


def test_reprint_links_kept_up_to_date_by_ingest_are_those_found_over_the_whole_store(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 8)
    with Store(db_url) as store:
        for start in range(0, len(files), 3):  # runs that each add a few files
            ingest(store, files[start : start + 3], batch_files=2)
        incremental = store.reprints()
        # a new version of the original: the reprint now reprints nothing stored as latest
        files[0].write_text("全新的内容，与原文无关。\n" * 5, encoding="utf-8")
        ingest(store, [files[0]])
        after_change = store.reprints()
        assert link_reprints(store) == store.reprints() == after_change
    assert incremental == {9: 1} and after_change == {}


def test_a_batch_is_written_whole_or_not_at_all(db_url: str, tmp_path: Path) -> None:
    """A database error mid-batch (a source row that cannot be written) leaves nothing of it."""
    files = corpus(tmp_path / "corpus", 4)
    with Store(db_url) as store:
        ingest(store, files[:2])
        before = contents(store)
        with store.engine.begin() as connection:  # a trap: the next pledge row written fails
            if store.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("CREATE TRIGGER trap BEFORE INSERT ON pledges WHEN NEW.source_id > 3 BEGIN SELECT RAISE(ABORT, 'trap'); END")
            else:
                connection.exec_driver_sql("CREATE FUNCTION trap() RETURNS trigger AS $$ BEGIN IF NEW.source_id > 3 THEN RAISE 'trap'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
                connection.exec_driver_sql("CREATE TRIGGER trap BEFORE INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION trap()")
        with pytest.raises(Exception, match="trap"):
            ingest(store, files[2:], batch_files=10)
        assert contents(store) == before


def test_the_ledger_of_a_pooled_run_is_the_ledger_of_a_serial_run(tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 8)
    ledgers = []
    for name, runner in (("serial", None), ("pool", LocalPool(2))):
        try:
            with Store(str(tmp_path / f"{name}.db")) as store:
                ingest(store, files, runner=runner, batch_files=3)
            with Ledger(str(tmp_path / f"{name}.db")) as ledger:
                ledger.refresh()
                ledgers.append((ledger.entries(), ledger.mentions()))
        finally:
            if runner:
                runner.close()
    assert ledgers[0] == ledgers[1] and ledgers[0][0]


def test_the_year_stored_at_ingest_is_the_one_the_ledger_reads_from_the_text(tmp_path: Path) -> None:
    from taizhang.extract import document_year

    with Store(str(tmp_path / "t.db")) as store:
        ingest(store, [DEMO_CORPUS, *corpus(tmp_path / "corpus", 4)])
        for info in store.sources():
            stated = int(info.date[:4]) if info.date else None
            assert (info.year or None) == (stated or document_year(store.source_text(info.id), info.title)), info.name
        assert {info.year for info in store.sources()} > {0} and None not in {info.year for info in store.sources()}
