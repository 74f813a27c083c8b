"""An entry's page read in one statement: its mentions in their sentences, and only the corrections
made on its own mentions (SQLite file and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from taizhang.ledger import Filters, Ledger
from taizhang.ledger.entry_view import REACH, sentence_around
from tests.ledger.ledger_support import SEED, store_seed_and_reprint

SEED_TEXT = SEED.read_text(encoding="utf-8")
AS_OF = date(2024, 1, 1)


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> str:
    return store_seed_and_reprint(db_url, tmp_path)


def statements(ledger: Ledger, read) -> tuple[int, object]:  # noqa: ANN001 - any reading of the ledger
    """How many statements ``read()`` sends the database, and what it gives."""
    sent = []

    def count(*_: object) -> None:
        sent.append(1)

    event.listen(ledger.store.engine, "before_cursor_execute", count)
    try:
        found = read()
    finally:
        event.remove(ledger.store.engine, "before_cursor_execute", count)
    return len(sent), found


def test_an_entry_page_is_one_statement_and_shows_only_the_corrections_on_its_mentions(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        [gdp] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        others = [r["entry_id"] for r in ledger.entries() if r["entry_id"] != gdp["entry_id"] and r["mention_count"] == 2]
        assert len(ledger.set_field(gdp["entry_id"], "value", "1600", author="王芳")) == 2  # both sources
        ledger.set_field(others[0], "official", "某某", author="李明", mention=2)  # the reprint's mention only
        ledger.refresh()
        sent, shown = statements(ledger, lambda: ledger.entry_page(gdp["entry_id"]))
        assert sent == 1
        assert [(c.author, c.after) for c in shown["corrections"]] == [("王芳", 1600), ("王芳", 1600)]
        assert [m["source"] for m in shown["mentions"]] == [SEED.name, "reprint_dazhong.txt"]
        other = ledger.entry_page(others[0])
        assert [(c.author, c.after, c.anchor.quote) for c in other["corrections"]] == [("李明", "某某", other["mentions"][1]["quote"])]
        assert ledger.entry_page(others[1])["corrections"] == []  # corrections in its sources, none on its mentions
        # The page's answer is the entry's, with more beside it.
        plain = ledger.entry(gdp["entry_id"])
        assert {k: shown[k] for k in plain if k != "mentions"} == {k: v for k, v in plain.items() if k != "mentions"}
        assert [{k: m[k] for k in plain["mentions"][0]} for m in shown["mentions"]] == plain["mentions"]


def test_each_mention_is_shown_in_the_sentence_of_its_whole_source(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        texts = {s.id: ledger.store.source_text(s.id) for s in ledger.store.sources()}
        seen = 0
        for row in ledger.entries():
            for mention in ledger.entry_page(row["entry_id"])["mentions"]:
                whole = texts[mention["source_id"]]
                assert whole[mention["start"] : mention["end"]] == mention["quote"]
                assert (mention["before"], mention["after"]) == sentence_around(whole, mention["start"], mention["end"])
                seen += 1
        assert seen > 20


def test_the_stretch_around_a_quote_holds_its_whole_sentence() -> None:
    """sentence_around over text[max(0, start - REACH):end + REACH] is sentence_around over the
    whole text: an entry page reads no more of a source than that."""
    texts = [SEED_TEXT, "短句。" * 5, "没有句号的一段文字" * 40, "第一句！\n第二句？第三句；" * 30]
    draw = random.Random(5)
    for text in texts:
        for _ in range(300):
            start = draw.randrange(len(text))
            end = min(len(text), start + draw.randint(1, 30))
            head = max(0, start - REACH)
            assert sentence_around(text[head : end + REACH], start - head, end - head) == sentence_around(text, start, end)
