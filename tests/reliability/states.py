"""What a database holds, compared as a person would, and the invariants that hold after any crash
or race: on a SQLite file or a PostgreSQL database alike."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from taizhang.ledger import Ledger, export
from taizhang.storage import Store

AS_OF = date(2024, 1, 1)


def sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def state(url: str) -> dict:
    """Sources with their bytes, pledges, corrections and outcomes (no ids or times, which differ
    between runs), and the ledger's export by entry key (an entry's id is given when a build first
    sees it, so ledgers built at other moments number their entries otherwise). A SQLite file is
    looked at in a copy, so that building the ledger to export it changes nothing."""
    path = sqlite_path(url)
    if path is not None:
        copy = path.with_name(path.name + ".state")
        with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        url = f"sqlite:///{copy}"
    with Store(url) as store:
        sources = sorted((s.name, s.path, s.sha256, s.version, s.extractor) for s in store.sources())
        pledges = sorted(json.dumps(p.to_dict(), sort_keys=True, ensure_ascii=False) for p in store.pledges())
        with Ledger(store, as_of=AS_OF) as ledger:
            ledger.refresh()
            rows = ledger.entries()
            corrections = sorted(
                (c.action, json.dumps(c.anchor.to_dict(), sort_keys=True), c.field, json.dumps(c.after)) for c in ledger.corrections()
            )
            with store.engine.connect() as connection:
                outcomes = sorted(tuple(r) for r in connection.execute(text("SELECT fingerprint, value, unit FROM ledger_outcomes")))
    if path is not None:
        copy.unlink()
    return {
        "sources": sources, "pledges": pledges, "corrections": corrections, "outcomes": outcomes,
        "export": sorted(json.dumps({**row, "entry_id": None}, ensure_ascii=False) for row in json.loads(export.to_json(rows))),
    }  # fmt: skip


# Each query counts what must never be: the invariants after any kill or race.
_NEVER = {
    "a pledge stored twice": (
        'SELECT count(*) FROM (SELECT source_id, start, "end", metric, norm_value, quote, count(*) AS n FROM pledges '
        'GROUP BY source_id, start, "end", metric, norm_value, quote) AS groups WHERE n > 1'
    ),
    "a source without its bytes": "SELECT count(*) FROM sources s LEFT JOIN source_blobs b ON b.source_id = s.id WHERE b.data IS NULL",
    "pledges of a source whose extraction did not finish": (
        "SELECT count(*) FROM pledges p JOIN sources s ON s.id = p.source_id WHERE s.extractor IS NULL"
    ),
    "a source version given twice": (
        "SELECT count(*) FROM (SELECT path, version, count(*) AS n FROM sources GROUP BY path, version) AS groups WHERE n > 1"
    ),
    "an entry whose mentions are not all there": (
        "SELECT count(*) FROM ledger_entries e WHERE e.mention_count != (SELECT count(*) FROM ledger_mentions m WHERE m.entry_id = e.id)"
    ),
    "a status change recorded twice": (
        "SELECT count(*) FROM (SELECT entry_key, status, as_of, count(*) AS n FROM ledger_status_changes "
        "GROUP BY entry_key, status, as_of) AS groups WHERE n > 1"
    ),
}


def check(url: str) -> None:
    """The invariants that must hold after any kill or race: the pages are sound (SQLite), nothing is
    there twice or half-written, and the database opens as a command that only reads opens it."""
    path = sqlite_path(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if path is not None:
                assert connection.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                tables = {name for (name,) in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
            else:
                tables = {name for (name,) in connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
            if "alembic_version" not in tables:
                assert not tables, f"killed while creating the database, it kept {tables}"
                return
            for what, query in _NEVER.items():
                assert connection.execute(text(query)).scalar() == 0, what
    finally:
        engine.dispose()
    Store(url, must_exist=True).close()
