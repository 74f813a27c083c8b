"""Ingest's writes: many files' sources, bytes and records in one transaction per batch.

Workers only compute; everything they made is written here, from the one ingesting process, so
they never contend for the database, and a batch is all there or not at all (a killed run leaves
whole files behind it, never half of one). Rows go in bulk (:mod:`taizhang.storage.bulk`):
one ``executemany`` per table, or ``COPY`` on PostgreSQL.

What a source carries besides its text and bytes is a list of :data:`RECORDS`, one per kind: the
table and the rows one analysed file gives it (pledges, outcomes, reprint band keys). A new kind
of record is one more entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from taizhang.source import path_text
from taizhang.document import Outcome, Pledge
from taizhang.storage import (
    SOURCES_LOCK, SourceInfo, Store, Stored, chunks, info, json_columns, latest_ids, make_latest, puts_back, record_columns,
    record_row, write_lock,
)  # fmt: skip
from taizhang.storage.bulk import insert_rows, insert_tuples
from taizhang.storage.reprint_index import ReprintIndex
from taizhang.storage.tables import FileRow, OutcomeTextRow, PledgeRow, ReprintBandRow, SourceBlob, SourceRow

if TYPE_CHECKING:
    from taizhang.pipeline import Analysed
    from taizhang.source import LoadedSource, RawFile

@dataclass(frozen=True, slots=True)
class Record:
    """A kind of record stored with each source: its table, its columns besides ``source_id``, and
    the rows (tuples of those columns' values) one analysed file gives it. ``encoded`` names the
    JSON columns whose values are given as their stored text."""

    table: Table
    columns: tuple[str, ...]
    rows: Callable[[Analysed], list[tuple]]
    encoded: frozenset[str] = frozenset()


RECORDS: list[Record] = [
    Record(PledgeRow.__table__, record_columns(Pledge), lambda done: [record_row(p) for p in done.extraction.pledges], json_columns(Pledge)),
    Record(OutcomeTextRow.__table__, record_columns(Outcome), lambda done: [record_row(o) for o in done.extraction.outcomes], json_columns(Outcome)),
    Record(ReprintBandRow.__table__, ("band", "key"), lambda done: list(enumerate(done.bands))),
]


@dataclass(slots=True)
class SourceRows:
    """What is stored of one analysed file besides its bytes: its source decoded (the bytes left
    with the reader), the rows of each of :data:`RECORDS` without their source id, its reprint
    band keys, the year it speaks from and the extractor that made them; and for the report, its
    warnings and how many pledges and outcomes it gave. Made where the file was analysed (ingest's
    workers, :func:`source_rows`), so that the one writing process only writes; compact, since it
    travels back from a worker: rows, not the records they came from, and no text (None) when the
    text is just the file's bytes decoded, which the writer holds and decodes again
    (:func:`with_text`)."""

    source: LoadedSource
    records: list[list[tuple]]
    bands: list[int]
    year: int | None
    extractor: str
    warnings: list[str]
    pledges: int
    outcomes: int


def source_rows(done: Analysed, data: bytes) -> SourceRows:
    """What :func:`write` stores of one analysed file, whose bytes are ``data``."""
    extraction, source = done.extraction, done.source
    if source.text == _decoded(data, source.encoding):
        # Three quarters of what would travel back from a worker (17 KB of a scale document: 4 KB
        # left), and a worker waits while the pipe back to the writer is full.
        source = replace(source, text=None)
    return SourceRows(
        source, [record.rows(done) for record in RECORDS], done.bands, done.year, done.extractor,
        done.warnings, len(extraction.pledges), len(extraction.outcomes),
    )  # fmt: skip


def with_text(rows: SourceRows, data: bytes) -> SourceRows:
    """``rows`` with its source's text, decoded again from ``data`` where :func:`source_rows` left it out."""
    if rows.source.text is None:
        rows.source = replace(rows.source, text=_decoded(data, rows.source.encoding))
    return rows


def _decoded(data: bytes, encoding: str | None) -> str | None:
    try:
        return data.decode(encoding) if encoding else None
    except (LookupError, UnicodeDecodeError):
        return None


@dataclass(frozen=True, slots=True)
class FileState:
    """An input file as last ingested, and whether its source's records are up to date."""

    size: int
    mtime_ns: int
    sha256: str
    source_id: int
    extractor: str | None


@dataclass(slots=True)
class Item:
    """One file of a batch: the bytes read (None when its size and time showed it unchanged), the
    stored source that has those bytes already (if any), and what the pipeline made of it (None
    when nothing needed redoing)."""

    raw: RawFile | None
    source_id: int | None
    analysed: SourceRows | None


@lru_cache(maxsize=4096)  # each file's is asked for a few times on its way, and resolving reads the disk
def stored_path(path: Path) -> str:
    """A file's path as stored: resolved, as text."""
    return path_text(path.resolve())


def file_states(store: Store) -> dict[str, FileState]:
    """Every input file ingest has seen, by resolved path, with its source's extractor."""
    query = (
        select(FileRow.path, FileRow.size, FileRow.mtime_ns, FileRow.sha256, SourceRow.id, SourceRow.extractor)
        .join(SourceRow, SourceRow.sha256 == FileRow.sha256)
    )  # fmt: skip
    with store.connect("read") as connection:
        return {row[0]: FileState(*row[1:]) for row in connection.execute(query)}


def sources_by_sha(store: Store, shas: Sequence[str]) -> dict[str, Any]:
    """Stored sources among ``shas``: SHA-256 → its row's id, extractor, path and latest."""
    found = {}
    with store.connect("read") as connection:
        for chunk in chunks(sorted(set(shas))):
            query = select(SourceRow.sha256, SourceRow.id, SourceRow.extractor, SourceRow.path, SourceRow.latest)
            found.update({row.sha256: row for row in connection.execute(query.where(SourceRow.sha256.in_(chunk)))})
    return found


def write(store: Store, items: Sequence[Item], reprints: ReprintIndex | None = None) -> list[Stored]:
    """Store a batch in one transaction; returns what became of each item, in order.

    Bytes already stored are ``unchanged`` (their records replaced when ``analysed`` is given:
    pledges made by another extractor); other bytes are a ``new`` source, or a ``new version`` of
    the file at their path. Reprint links are brought up to date for the sources the batch adds
    and the versions it supersedes, from ``reprints`` (kept by the caller from batch to batch; by
    default, one loaded for this batch).
    """
    reprints = reprints or ReprintIndex()
    try:
        with store.connect("write to") as connection, connection.begin():
            return _write(connection, items, reprints)
    except BaseException:
        reprints.forget()  # what it holds may be this batch's, which is not stored
        raise


def _write(connection: Connection, items: Sequence[Item], reprints: ReprintIndex) -> list[Stored]:
    now = datetime.now(UTC)
    # One writer of sources at a time: what this batch reads (which bytes are stored, each
    # path's last version) stays true until it commits, though other processes ingest too.
    write_lock(connection, SOURCES_LOCK)
    reprints.sync(connection)
    known = _known(connection, [item.raw.sha256 for item in items if item.raw and item.source_id is None])
    ids: list[int | None] = []
    first: dict[str, int] = {}  # new bytes → the position of their first item (the same bytes twice: stored once)
    for k, item in enumerate(items):
        source_id = item.source_id or (known.get(item.raw.sha256) if item.raw else None)
        if source_id is None and item.raw is not None:
            first.setdefault(item.raw.sha256, k)
        ids.append(source_id)
    new = [items[k] for k in first.values()]
    statuses = ["unchanged"] * len(items)
    added = _insert_sources(connection, new, now)
    for k, (source_id, status) in zip(first.values(), added, strict=True):
        ids[k], statuses[k] = source_id, status
    for k, item in enumerate(items):  # later copies of bytes first stored in this batch
        if ids[k] is None and item.raw is not None:
            ids[k] = ids[first[item.raw.sha256]]
    fresh = {source_id for source_id, _ in added}
    for k in _put_back(connection, items, ids, fresh):
        statuses[k] = "new version"  # of the file: the ledger reads this earlier version of it again
    superseded = make_latest(connection, [ids[k] for k, status in enumerate(statuses) if status != "unchanged"])
    redone = [(ids[k], item) for k, item in enumerate(items) if item.analysed and ids[k] not in fresh]
    _replace_records(connection, redone)
    _insert_records(connection, [(source_id, item) for item, (source_id, _) in zip(new, added, strict=True)])
    _insert_blobs(connection, [(source_id, item.raw.data) for item, (source_id, _) in zip(new, added, strict=True)])
    _record_files(connection, [item.raw for item in items if item.raw is not None])
    # An older version analysed again (its bytes at another path, a new extractor) links nothing.
    held = _latest(connection, [source_id for source_id, _ in redone])
    keys = {i: item.analysed.bands for i, item in [*zip([i for i, _ in added], new, strict=True), *redone] if i in fresh or i in held}
    reprints.update(connection, keys, superseded, max(fresh, default=None), now)
    infos = _infos(connection, [i for i in ids if i is not None])
    return [Stored(status, infos[source_id]) for status, source_id in zip(statuses, ids, strict=True)]


def _known(connection: Connection, shas: list[str]) -> dict[str, int]:
    found = {}
    for chunk in chunks(sorted(set(shas))):
        found.update(connection.execute(select(SourceRow.sha256, SourceRow.id).where(SourceRow.sha256.in_(chunk))).all())
    return found


def _insert_sources(connection: Connection, items: list[Item], now: datetime) -> list[tuple[int, str]]:
    """Insert new sources, each the next version of its path; returns (id, status) in order."""
    if not items:
        return []
    paths = [stored_path(item.raw.path) for item in items]
    versions: dict[str, int] = {}
    for chunk in chunks(sorted(set(paths))):
        query = select(SourceRow.path, func.max(SourceRow.version)).where(SourceRow.path.in_(chunk)).group_by(SourceRow.path)
        versions.update(connection.execute(query).all())
    rows, statuses = [], []
    for path, item in zip(paths, items, strict=True):
        previous = versions.get(path, 0)
        versions[path] = previous + 1
        statuses.append("new version" if previous else "new")
        source = item.analysed.source
        rows.append({
            "name": path_text(item.raw.path.name), "path": path, "sha256": item.raw.sha256, "size": item.raw.size,
            "format": source.format, "encoding": source.encoding, "title": source.title, "date": source.date,
            "chars": len(source.text), "version": previous + 1, "ingested_at": now, "text": source.text,
            "extractor": item.analysed.extractor, "year": item.analysed.year or 0,  # 0: worked out, none
            "latest": False,  # until make_latest: one latest version per path at every statement
        })  # fmt: skip
    table = SourceRow.__table__
    result = connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(zip(result.scalars().all(), statuses, strict=True))


def _put_back(connection: Connection, items: Sequence[Item], ids: list[int | None], fresh: set[int]) -> list[int]:
    """The positions of the files read that were put back as one of their earlier versions was
    (see :func:`~taizhang.storage.puts_back`), their stored source ``ids``."""
    found = [(k, ids[k]) for k, item in enumerate(items) if item.raw is not None and ids[k] is not None and ids[k] not in fresh]
    rows = {}
    for chunk in chunks(sorted({source_id for _, source_id in found})):
        rows.update((row.id, row) for row in connection.execute(select(SourceRow.id, SourceRow.path, SourceRow.latest).where(SourceRow.id.in_(chunk))))
    return [k for k, source_id in found if puts_back(rows[source_id], stored_path(items[k].raw.path))]


def _latest(connection: Connection, ids: list[int]) -> set[int]:
    """Those of ``ids`` that are the versions their paths hold now."""
    held = set()
    for chunk in chunks(sorted(set(ids))):
        held.update(connection.execute(latest_ids().where(SourceRow.id.in_(chunk))).scalars())
    return held


def _replace_records(connection: Connection, redone: list[tuple[int, Item]]) -> None:
    """Records of stored sources analysed again (another extractor): the old ones go."""
    if not redone:
        return
    ids = [source_id for source_id, _ in redone]
    for record in RECORDS:
        for chunk in chunks(ids):
            connection.execute(delete(record.table).where(record.table.c.source_id.in_(chunk)))
    for source_id, item in redone:
        done = item.analysed
        connection.execute(update(SourceRow).where(SourceRow.id == source_id).values(extractor=done.extractor, year=done.year or 0))
    _insert_records(connection, redone)


def _insert_records(connection: Connection, items: list[tuple[int, Item]]) -> None:
    made = [(source_id, item.analysed.records) for source_id, item in items]
    for k, record in enumerate(RECORDS):
        rows = [(source_id, *row) for source_id, rows in made for row in rows[k]]
        insert_tuples(connection, record.table, ("source_id", *record.columns), rows, encoded=record.encoded)


def _insert_blobs(connection: Connection, blobs: list[tuple[int, bytes]]) -> None:
    insert_rows(connection, SourceBlob.__table__, [{"source_id": source_id, "data": data} for source_id, data in blobs])


def _record_files(connection: Connection, files: list[RawFile]) -> None:
    """What each file read looked like, so that the next run can skip it unread."""
    rows = {stored_path(raw.path): {"size": raw.size, "mtime_ns": raw.mtime_ns, "sha256": raw.sha256} for raw in files}
    table = FileRow.__table__
    for chunk in chunks(sorted(rows)):
        connection.execute(delete(table).where(table.c.path.in_(chunk)))
    insert_rows(connection, table, [{"path": path, **row} for path, row in rows.items()])


def _infos(connection: Connection, ids: list[int]) -> dict[int, SourceInfo]:
    found = {}
    columns = [c for c in SourceRow.__table__.c if c.name != "text"]
    for chunk in chunks(sorted(set(ids))):
        for row in connection.execute(select(*columns).where(SourceRow.id.in_(chunk))):
            found[row.id] = info(row)
    return found


def latest_bands(store: Store) -> dict[int, list[int]]:
    """The stored band keys of the latest version of every file, by source id ([] when none are)."""
    bands = ReprintBandRow.__table__
    with store.connect("read") as connection:
        found: dict[int, list[int]] = {source_id: [] for source_id in connection.execute(latest_ids()).scalars()}
        query = select(bands.c.source_id, bands.c.key).where(bands.c.source_id.in_(latest_ids())).order_by(bands.c.source_id, bands.c.band)
        for source_id, key in connection.execute(query):
            found[source_id].append(key)
    return found


def add_bands(store: Store, source_id: int, keys: list[int]) -> None:
    """Keep a source's band keys (one stored before ingest kept them)."""
    with store.connect("write to") as connection, connection.begin():
        insert_rows(connection, ReprintBandRow.__table__, [{"source_id": source_id, "band": b, "key": k} for b, k in enumerate(keys)])
