"""Pledge records for ledger tests, made from the gold files and real texts (until extraction lands).

The seed gold and the development gold hold quotes, not offsets: a record's span is the first
occurrence of its quote in the source text (``text.find``), as the issue suggests.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from taizhang.document import Pledge
from taizhang.ledger.corrections import Mention
from taizhang.source import load
from taizhang.storage import Store
from tests.helpers import FIXTURES, ROOT, corpus_file

SEED = corpus_file("000_352e13108ae5b528.txt")
SEED_GOLD = FIXTURES / "seed.pledges.jsonl"
DEV_GOLD = ROOT / "tests" / "gold" / "pledges.jsonl"
DEV_DOCS = ROOT / "tests" / "gold" / "docs"
WHOLE_GOLD = ROOT / "tests" / "gold" / "whole"  # whole-document gold, one file per document
REPRINT_HEADER = "来源：大众日报  2022-07-01\n\n"
_FIELDS = (
    "actor", "official", "metric", "kind", "comparator", "value", "value_high", "unit", "norm_value", "norm_unit",
    "deadline", "horizon", "hedge",
)  # fmt: skip


def gold(path: Path, source: str | None = None, *, optional: bool = False) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if (source is None or r["source"] == source) and (optional or not r["optional"])]


def pledges_in(text: str, name: str, records: list[dict]) -> list[Pledge]:
    """Pledges of ``records`` located in ``text`` (a reprint may shift every offset)."""
    pledges = []
    for record in records:
        start = text.find(record["quote"])
        assert start >= 0, record["quote"]
        values = {field: record[field] for field in _FIELDS}
        pledges.append(Pledge(source=name, start=start, end=start + len(record["quote"]), quote=record["quote"], **values))
    return pledges


def mentions(pledges: list[Pledge], order: int, *, sha256: str | None = None, year: int | None = None) -> list[Mention]:
    return [Mention(replace(p), p, sha256 or f"sha-{order}", order, year) for p in pledges]


def store_source(store: Store, path: Path, pledges: list[Pledge], extractor: str = "gold") -> int:
    """Store a real file as a source with the given pledges (as ingest would, minus extraction)."""
    stored = store.add_source(load(path))
    named = [Pledge(**{**p.to_dict(), "source": stored.source.name, "mentions": []}) for p in pledges]
    store.replace_pledges(stored.source.id, named, extractor)
    return stored.source.id


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def store_seed_and_reprint(db_url: str, folder: Path) -> str:
    """The seed and a reprint of it (a newspaper's header above the same text) with their gold
    pledges: most entries have a mention in each."""
    text = SEED.read_text(encoding="utf-8")
    reprint = write(folder / "reprint_dazhong.txt", REPRINT_HEADER + text)
    with Store(db_url) as store:
        store_source(store, SEED, pledges_in(text, SEED.name, gold(SEED_GOLD)))
        store_source(store, reprint, pledges_in(reprint.read_text(encoding="utf-8"), reprint.name, gold(SEED_GOLD)))
    return db_url
