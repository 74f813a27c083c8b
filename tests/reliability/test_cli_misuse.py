"""Every command of the CLI given the mistakes people make: a clear error that names the problem, a
non-zero exit (2 where Click rejects the command line), no traceback, and the database as it was.

The commands come from the app itself: one added later with no row in ``COMMANDS`` fails
``test_every_command_has_its_mistakes``, and every command with ``--db`` is also given each of
``BAD_DATABASES``. They run in this process through the installed entry point's ``main`` (a process
of their own would cost seconds of imports each), on one database prepared for the module.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from taizhang.cli.commands import app, main
from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.storage import Store
from taizhang.storage.backup import backup
from tests.helpers import corpus_file


@dataclass(frozen=True)
class Mistake:
    what: str
    args: tuple[str, ...]
    message: str  # a substring of what the command prints
    code: int = 1


@dataclass(frozen=True)
class Command:
    """A command's row: ``args`` would do its work on the prepared database (the --db sweep adds a
    bad ``--db`` to them); ``creates``: a database path that does not exist is made, not refused."""

    args: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    creates: bool = False
    stdin: str = ""


def usage(what: str, *args: str, message: str = "Invalid value") -> Mistake:
    return Mistake(what, args, message, code=2)


NO_ENTRY = "no ledger entry 99999"
NOT_INTEGER = "Input should be a valid integer"  # Typer's words for a number that is not one
YEAR_WORD = usage("a year that is not a number", "--year", "2O26", message=f"Invalid value for '--year': {NOT_INTEGER}")
YEAR_FAR = usage("a year out of range", "--year", "20266", message="must be a year from")
AS_OF = Mistake("a date that is not one", ("--as-of", "2026-13-01"), "--as-of '2026-13-01' is not a date (YYYY-MM-DD)")
ENTRY_WORD = f"Invalid value for 'ENTRY': {NOT_INTEGER}"
# A source filter names a stored file (before: an empty ledger, exit 0, as if it had no pledges).
NO_SUCH_SOURCE = (
    Mistake("a source that is not stored", ("--source", "nope.txt", "--db", "{db}"), "no source named 'nope.txt' is stored (a file name"),
    Mistake("a source's name cut short", ("--source", "district_hailar_2017", "--db", "{db}"), "is stored; close: district_hailar_2017_gwr.txt"),
    Mistake("a source's path", ("--source", "{seed}", "--db", "{db}"), "is stored; close: district_hailar_2017_gwr.txt"),
)

def added(source: str = "{source}", start: str = "0", end: str = "10", **options: str | None) -> tuple[str, ...]:
    """The words of a ``correct add`` of a span of the prepared source, ``options`` changed (None: left out)."""
    given = {"metric": "GDP", "kind": "level", "value": "1", "unit": "亿元"} | options
    return (source, start, end, *(word for name, value in given.items() if value is not None for word in (f"--{name}", value)))


# {db}: the prepared database; {files}: the malformed files of ``_files``; {tmp}: a folder to write in.
COMMANDS: dict[str, Command] = {
    "backup": Command(
        args=("{tmp}/b.db",),
        mistakes=(
            Mistake("into a folder that does not exist", ("{tmp}/nowhere/b.db", "--db", "{db}"), "no folder {tmp}/nowhere"),
            Mistake("over a folder", ("{files}/folder", "--db", "{db}"), "it is a folder"),
            Mistake("over a file without --force", ("{files}/text.db", "--db", "{db}"), "it already exists"),
            Mistake("over the database itself", ("{db}", "--db", "{db}", "--force"), "it is the database this command reads"),
        ),
    ),
    "restore": Command(
        args=("{backup}", "--force"),
        creates=True,
        mistakes=(
            Mistake("a backup that does not exist", ("{tmp}/nowhere.db", "--db", "{db}"), "{tmp}/nowhere.db: no such file"),
            Mistake("a backup that is a folder", ("{files}/folder", "--db", "{db}", "--force"), "{files}/folder: no such file"),
            Mistake("a text file", ("{files}/text.db", "--db", "{db}", "--force"), "is not a"),
            Mistake("another program's database", ("{files}/app.db", "--db", "{db}", "--force"), "not a taizhang database"),
            Mistake("over sources without --force", ("{db}", "--db", "{db}"), "--force"),
        ),
    ),
    "correct add": Command(
        args=added(),
        mistakes=(
            Mistake("a source that does not exist", added("nope.txt", db="{db}"), "no source 'nope.txt'"),
            Mistake("an end before the start", added("{source}", "10", "5", db="{db}"), "span [10, 5) is not inside the"),
            Mistake("an end past the text", added("{source}", "0", "99999999", db="{db}"), "span [0, 99999999) is not inside the"),
            Mistake("an unknown kind", added(kind="big", db="{db}"), "'big'"),
            Mistake("an unknown comparator", added(comparator="=>", db="{db}"), "'=>'"),
            usage("a deadline that is not a year", *added(deadline="soon"), message=f"Invalid value for '--deadline': {NOT_INTEGER}"),
            usage("a value that is not a number", *added(value="lots"), message="Invalid value for '--value': Input should be a valid number"),
            usage("no --metric", *added(metric=None), message="Missing option '--metric'"),
        ),
    ),
    "correct export": Command(
        mistakes=(
            Mistake("into a folder that does not exist", ("-o", "{tmp}/nowhere/c.json", "--db", "{db}"), "no folder {tmp}/nowhere"),
            Mistake("over a folder", ("-o", "{files}/folder", "--db", "{db}"), "it is a folder"),
            Mistake("over a file without --force", ("-o", "{files}/bad.json", "--db", "{db}"), "it already exists"),
        ),
    ),
    "correct import": Command(
        args=("{files}/empty-list.json",),
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.json", "--db", "{db}"), "{tmp}/nowhere.json: no such file"),
            Mistake("a file that is a folder", ("{files}/folder", "--db", "{db}"), "{files}/folder"),
            Mistake("bad JSON", ("{files}/bad.json", "--db", "{db}"), "{files}/bad.json: not JSON"),
            Mistake("JSON that is not a list", ("{files}/object.json", "--db", "{db}"), "not a corrections export (expected a JSON list)"),
            Mistake("records that are not corrections", ("{files}/numbers.json", "--db", "{db}"), "nothing imported"),
            Mistake("bytes that are not text", ("{files}/binary.json", "--db", "{db}"), "{files}/binary.json: cannot decode"),
        ),
    ),
    "correct list": Command(),
    "correct match": Command(
        args=("1", "t1"),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "t1", "--db", "{db}"), NO_ENTRY),
            Mistake("an outcome ref that does not exist", ("1", "t99999", "--db", "{db}"), "t99999"),
            Mistake("an outcome ref that is not one", ("1", "zz", "--db", "{db}"), "'zz'"),
            usage("an entry id that is not a number", "x1", "t1", message=ENTRY_WORD),
        ),
    ),
    "correct merge": Command(
        args=("1", "2"),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "1", "--db", "{db}"), NO_ENTRY),
            Mistake("another entry that does not exist", ("1", "99999", "--db", "{db}"), NO_ENTRY),
            Mistake("an entry with itself", ("1", "1", "--db", "{db}"), "entries 1 and 1 are the same entry"),
            usage("an id of 0", "0", "1", message="must be an id from 1"),
        ),
    ),
    "correct reject": Command(
        args=("1",),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "--db", "{db}"), NO_ENTRY),
            Mistake("a mention that does not exist", ("1", "--mention", "9", "--db", "{db}"), "entry 1 has no mention 9"),
            Mistake("an empty author", ("1", "--by", " ", "--db", "{db}"), "--by must name who makes the change"),
        ),
    ),
    "correct set": Command(
        args=("1", "value", "1"),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "value", "1", "--db", "{db}"), NO_ENTRY),
            Mistake("a field that does not exist", ("1", "colour", "red", "--db", "{db}"), "no field 'colour' can be corrected"),
            Mistake("a value that is not a number", ("1", "value", "lots", "--db", "{db}"), "'lots'"),
            Mistake("a deadline that is not a year", ("1", "deadline", "soon", "--db", "{db}"), "'soon'"),
            Mistake("a deadline out of range", ("1", "deadline", "20266", "--db", "{db}"), "20266"),
        ),
    ),
    "correct split": Command(
        args=("1", "1"),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "1", "--db", "{db}"), NO_ENTRY),
            Mistake("the only mention", ("1", "1", "--db", "{db}"), "entry 1 has one mention: nothing to split off"),
        ),
    ),
    "correct undo": Command(
        args=("1",),
        mistakes=(
            Mistake("a correction that does not exist", ("99999", "--db", "{db}"), "99999"),
            usage("a correction id that is not a number", "#3", message=f"Invalid value for 'ID': {NOT_INTEGER}"),
        ),
    ),
    "correct unmatch": Command(
        args=("1", "t1"),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "t1", "--db", "{db}"), NO_ENTRY),
            Mistake("an outcome ref that does not exist", ("1", "p99999", "--db", "{db}"), "p99999"),
        ),
    ),
    "coverage": Command(
        args=("{source}",),
        mistakes=(
            Mistake("a source that does not exist", ("nope.txt", "--db", "{db}"), "no source 'nope.txt'"),
            Mistake("a place with no pledges in the report", ("{source}", "--actor", "火星", "--db", "{db}"), "has no pledges of '火星' in any year (its pledges are of: 海拉尔区"),
        ),
    ),
    "dedup": Command(mistakes=(usage("a threshold out of range", "--threshold", "2", message="must be a share from 0.1 to 0.95"),)),
    "entry": Command(
        args=("1",),
        mistakes=(
            Mistake("an entry that does not exist", ("99999", "--db", "{db}"), NO_ENTRY),
            usage("an id that is not a number", "x1", message=ENTRY_WORD),
            usage("an id too large for the database", "99999999999999999999", message="must be an id from 1"),
            Mistake(AS_OF.what, ("1", *AS_OF.args, "--db", "{db}"), AS_OF.message),
        ),
    ),
    "eval": Command(
        mistakes=(
            Mistake("gold that does not exist", ("--gold", "{tmp}/nowhere.jsonl", "{seed}"), "cannot read {tmp}/nowhere.jsonl: No such file"),
            Mistake("gold that is a folder", ("--gold", "{files}/folder", "{seed}"), "{files}/folder"),
            Mistake("gold with a bad JSON line", ("--gold", "{files}/bad.jsonl", "{seed}"), "{files}/bad.jsonl:2: not JSON"),
            Mistake("gold without a quote", ("--gold", "{files}/no-quote.jsonl", "{seed}"), "{files}/no-quote.jsonl:1: field 'quote' is missing"),
            Mistake("gold nested too deep", ("--gold", "{files}/deep.jsonl", "{seed}"), "{files}/deep.jsonl:1: JSON nested too deep"),
            Mistake("gold that is binary", ("--gold", "{files}/binary.json", "{seed}"), "{files}/binary.json: cannot decode"),
            Mistake("regions without offsets", ("--gold", "{gold}", "--regions", "{files}/bad.jsonl", "{seed}"), "{files}/bad.jsonl:1: field 'start' is missing"),
            Mistake("a text that does not exist", ("--gold", "{gold}", "{tmp}/nowhere.txt"), "no such file or directory"),
            usage("no --gold", "{seed}", message="Missing option '--gold'"),
        ),
    ),
    "export": Command(
        mistakes=(
            Mistake("into a folder that does not exist", ("-o", "{tmp}/nowhere/l.csv", "--db", "{db}"), "no folder {tmp}/nowhere"),
            Mistake("over a folder", ("-o", "{files}/folder.csv", "--db", "{db}"), "it is a folder"),
            Mistake("over a file without --force", ("-o", "{files}/short.csv", "--db", "{db}"), "it already exists"),
            Mistake("a format the name contradicts", ("--format", "json", "-o", "{tmp}/l.csv", "--db", "{db}"), "--format json does not match the file name"),
            Mistake("an unknown format", ("--format", "pdf", "--db", "{db}"), "--format must be one of"),
            Mistake("Excel to the terminal", ("--format", "xlsx", "--db", "{db}"), "an Excel file needs -o FILE.xlsx"),
            Mistake("a name that says no format", ("-o", "{tmp}/l.txt", "--db", "{db}"), "cannot tell the format of"),
            Mistake("an unknown status", ("--status", "done", "--db", "{db}"), "unknown status 'done'"),
            YEAR_WORD,
            Mistake(AS_OF.what, (*AS_OF.args, "--db", "{db}"), AS_OF.message),
            *NO_SUCH_SOURCE,
        ),
    ),
    "extract": Command(
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.txt",), "{tmp}/nowhere.txt: no such file or directory"),
            Mistake("an xlsx that is not one", ("{files}/fake.xlsx",), "fake.xlsx"),
            usage("a year that is not a number", "--year", "2O26", "{seed}", message=f"Invalid value for '--year': {NOT_INTEGER}"),
            usage("an unknown format", "--format", "xml", "{seed}", message="'xml' is not one of"),
            usage("no file", message="Missing argument 'PATH...'"),
        ),
    ),
    "import": Command(
        args=("{files}/empty-list.json",),
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.csv", "--db", "{db}"), "{tmp}/nowhere.csv: no such file"),
            Mistake("a file that is a folder", ("{files}/folder.csv", "--db", "{db}"), "{files}/folder.csv"),
            Mistake("a name that says no format", ("{files}/text.db", "--db", "{db}"), "expected a .csv, .xlsx or .json file"),
            Mistake("an xlsx that is not one", ("{files}/fake.xlsx", "--db", "{db}"), "not a readable .xlsx file"),
            Mistake("bad JSON", ("{files}/bad.json", "--db", "{db}"), "{files}/bad.json: not JSON"),
            Mistake("JSON that is not a table", ("{files}/object.json", "--db", "{db}"), "{files}/object.json"),
            Mistake("a CSV without the entry column", ("{files}/short.csv", "--db", "{db}"), "entry_id"),
            Mistake("bytes that are not text", ("{files}/binary.csv", "--db", "{db}"), "{files}/binary.csv: cannot decode"),
        ),
    ),
    "ingest": Command(
        args=("{files}/new.txt",),
        creates=True,
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.txt", "--db", "{db}"), "{tmp}/nowhere.txt: no such file or directory"),
            Mistake("an xlsx that is not one", ("{files}/fake.xlsx", "--db", "{db}"), "fake.xlsx"),
            usage("a year that is not a number", "{seed}", "--year", "2O26", message=f"Invalid value for '--year': {NOT_INTEGER}"),
            usage("no workers", "{seed}", "--workers", "0", message="must be a number of processes from 1"),
            Mistake("a cluster that is not an address", ("{seed}", "--cluster", "nowhere", "--db", "{db}"), "cannot reach a Dask scheduler at nowhere"),
        ),
    ),
    "ledger": Command(
        mistakes=(
            YEAR_WORD,
            YEAR_FAR,
            Mistake("an unknown status", ("--status", "done", "--db", "{db}"), "unknown status 'done'"),
            Mistake(AS_OF.what, (*AS_OF.args, "--db", "{db}"), AS_OF.message),
            usage("a margin above 1", "--margin", "5", message="must be a number from 0 to 1"),
            usage("a limit of 0", "--limit", "0", message="must be an id from 1"),
            Mistake("a place that does not exist", ("--actor", "火星", "--db", "{db}"), "unknown place '火星' and no entry has that actor"),
            *NO_SUCH_SOURCE,
        ),
    ),
    "outcome add": Command(
        args=("海拉尔区", "地区生产总值", "2017", "300", "亿元", "--source", "统计公报"),
        mistakes=(
            usage("a year that is not a number", "海拉尔区", "地区生产总值", "2O17", "300", "亿元", "--source", "x", message=f"Invalid value for 'YEAR': {NOT_INTEGER}"),
            usage("a value that is not a number", "海拉尔区", "地区生产总值", "2017", "三百", "亿元", "--source", "x", message="Invalid value for 'VALUE': Input should be a valid number"),
            Mistake("an unknown unit", ("海拉尔区", "地区生产总值", "2017", "300", "斤斤", "--source", "x", "--db", "{db}"), "unknown unit '斤斤'"),
            Mistake("an empty metric", ("海拉尔区", "", "2017", "300", "亿元", "--source", "x", "--db", "{db}"), "metric"),
        ),
    ),
    "outcome import": Command(
        args=("{files}/outcomes.csv",),
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.csv", "--db", "{db}"), "{tmp}/nowhere.csv: no such file"),
            Mistake("missing columns", ("{files}/short.csv", "--db", "{db}"), "missing column(s)"),
            Mistake("an xlsx that is not one", ("{files}/fake.xlsx", "--db", "{db}"), "not a readable .xlsx file"),
            Mistake("bytes that are not text", ("{files}/binary.csv", "--db", "{db}"), "{files}/binary.csv: cannot decode"),
            Mistake("a year that is not a year", ("{files}/bad-year.csv", "--db", "{db}"), "year"),
            Mistake("bad JSON", ("{files}/bad.json", "--db", "{db}"), "{files}/bad.json: not JSON"),
        ),
    ),
    "outcome list": Command(mistakes=(YEAR_WORD, YEAR_FAR)),
    "outcomes": Command(
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.txt",), "{tmp}/nowhere.txt: no such file or directory"),
            usage("a year that is not a number", "--year", "2O26", "{seed}", message=f"Invalid value for '--year': {NOT_INTEGER}"),
        ),
    ),
    "place": Command(mistakes=(Mistake("a place that does not exist", ("火星",), "unknown place '火星'"),)),
    "repair": Command(
        mistakes=(
            Mistake("a file that does not exist", ("{tmp}/nowhere.txt",), "no such file or directory"),
            Mistake("a file that is a folder", ("{files}/folder",), "is a folder; give a file"),
            Mistake("an xlsx that is not one", ("{files}/fake.xlsx",), "fake.xlsx"),
            usage("an unknown format", "--format", "pdf", "{seed}", message="'pdf' is not one of"),
        ),
    ),
    "scorecard": Command(
        args=("海拉尔区",),
        mistakes=(
            Mistake("a place that does not exist", ("火星", "--db", "{db}"), "火星"),
            Mistake("a place with no entries", ("北京市", "--db", "{db}"), "no ledger entries for 北京市"),
            Mistake("a year with no entries", ("海拉尔区", "--year", "2030", "--db", "{db}"), "no ledger entries for 海拉尔区 due in 2030"),
            Mistake("a file that says no format", ("海拉尔区", "-o", "{tmp}/s.txt", "--db", "{db}"), "expected a .csv or .xlsx file name"),
            Mistake("into a folder that does not exist", ("海拉尔区", "-o", "{tmp}/nowhere/s.csv", "--db", "{db}"), "no folder {tmp}/nowhere"),
            Mistake("over a folder", ("海拉尔区", "-o", "{files}/folder.csv", "--db", "{db}"), "it is a folder"),
            usage("a year that is not a number", "海拉尔区", "--year", "2O26", message=f"Invalid value for '--year': {NOT_INTEGER}"),
        ),
    ),
    "serve": Command(
        # An address no machine has: a database that opens by mistake is refused here instead of served.
        args=("--host", "256.0.0.1"),
        mistakes=(
            Mistake("an address that is not one", ("--host", "256.0.0.1", "--db", "{db}", "--no-refresh"), "cannot listen on 256.0.0.1:8000"),
            usage("port 0", "--port", "0", message="must be a port from 1 to 65535"),
        ),
    ),
    "show": Command(
        args=("1",),
        mistakes=(Mistake("a source that does not exist", ("nope.txt", "--db", "{db}"), "no source 'nope.txt'"),),
    ),
    "sources": Command(),
    "user add": Command(
        args=("王芳", "--password-stdin"),
        creates=True,
        stdin="a long enough password\n",
        mistakes=(
            Mistake("an unknown role", ("王芳", "--role", "boss", "--password-stdin", "--db", "{db}"), "boss"),
            Mistake("an empty name", ("", "--password-stdin", "--db", "{db}"), "name"),
        ),
    ),
    "user list": Command(),
}

# Every command with --db, given each of these (with its row's ``args``): what it must say.
BAD_DATABASES = {
    "a path that does not exist": ("{tmp}/nowhere/t.db", "no database at {tmp}/nowhere/t.db"),
    "a folder": ("{files}/folder", "{files}/folder is a folder, not a database file"),
    "a file that is not a database": ("{files}/text.db", "file is not a database"),
    "another program's database": ("{files}/app.db", "is not a taizhang database (it holds users)"),
    "a read-only database": ("sqlite:///file:{db}?mode=ro&uri=true", "readonly"),
    "a PostgreSQL server that is not there": ("postgresql+psycopg://nobody@127.0.0.1:9/none", "cannot open database"),
    "a malformed URL": ("postgresql+psycopg://nobody@localhost:port/none", "cannot use database"),
    "a driver that does not exist": ("postgresql+nosuch://nobody@localhost/none", "cannot use database"),
}
# Commands that write nothing to the database, or whose ``args`` write nothing to the prepared one.
WRITE_NOTHING = {
    "backup", "correct export", "correct list", "coverage", "entry", "export", "ledger", "outcome list", "scorecard",
    "serve", "show", "sources", "user list", "correct import", "import", "correct split", "correct unmatch",
}  # fmt: skip


def _command_names(command: object = None, prefix: str = "") -> list[str]:
    """Every command the app runs, by the words that name it (``correct set``)."""
    command = command or typer.main.get_command(app)
    children = getattr(command, "commands", None)
    if children is None:
        return [prefix]
    return [name for word, child in children.items() for name in _command_names(child, f"{prefix} {word}".strip())]


NAMES = sorted(_command_names())


def test_every_command_has_its_mistakes() -> None:
    assert set(NAMES) - set(COMMANDS) == set(), "commands with no row in COMMANDS: add their mistakes"
    assert set(COMMANDS) - set(NAMES) == set(), "rows for commands the app no longer has"


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The prepared database (one report ingested, its ledger built) and the malformed files."""
    tmp = tmp_path_factory.mktemp("misuse")
    seed = corpus_file("district_hailar_2017_gwr.txt")
    db = tmp / "taizhang.db"
    with Store(str(db)) as store:
        ingest(store, [seed])
        ledger = Ledger(store)
        ledger.reject(20, author="测试", note="correction #1, for undo")
        ledger.refresh()
        backup(store, tmp / "backup.db")
    files = tmp / "files"
    _files(files)
    gold = files / "gold.jsonl"
    gold.write_text('{"source": "x.txt", "quote": "到2026年"}\n', encoding="utf-8")
    return {
        "db": str(db), "files": str(files), "tmp": str(tmp), "seed": str(seed), "source": seed.name, "gold": str(gold),
        "backup": str(tmp / "backup.db"),
    }  # fmt: skip


def _files(folder: Path) -> None:
    folder.mkdir()
    (folder / "folder").mkdir()
    (folder / "folder.csv").mkdir()
    (folder / "text.db").write_text("到2026年,全区生产总值突破1500亿元。\n", encoding="utf-8")
    (folder / "new.txt").write_text("到2027年,全区生产总值突破1600亿元。\n", encoding="utf-8")
    for name in ("binary.csv", "binary.json"):  # no encoding reads them (GBK, GB18030 and UTF-16 are read as such)
        (folder / name).write_bytes(b"\x80\x81\xfe\xff" * 50)
    with sqlite3.connect(folder / "app.db") as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    connection.close()
    (folder / "bad.json").write_text('[{"entry_id": 1,\n', encoding="utf-8")
    (folder / "object.json").write_text('{"entry_id": 1}\n', encoding="utf-8")
    (folder / "numbers.json").write_text("[1, 2]\n", encoding="utf-8")
    (folder / "empty-list.json").write_text("[]\n", encoding="utf-8")
    (folder / "bad.jsonl").write_text('{"source": "x.txt", "quote": "到2026年"}\n{"source": "x.txt", "quote":\n', encoding="utf-8")
    (folder / "deep.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
    (folder / "no-quote.jsonl").write_text('{"source": "x.txt"}\n', encoding="utf-8")
    (folder / "fake.xlsx").write_text("actor,metric\n", encoding="utf-8")
    (folder / "short.csv").write_text("actor,metric\n海拉尔区,地区生产总值\n", encoding="utf-8")
    header = "actor,metric,year,value,unit,source\n"
    (folder / "outcomes.csv").write_text(f"{header}海拉尔区,地区生产总值,2017,300,亿元,统计公报\n", encoding="utf-8")
    (folder / "bad-year.csv").write_text(f"{header}海拉尔区,地区生产总值,明年,300,亿元,统计公报\n", encoding="utf-8")


def _cases() -> list:
    cases = []
    for name, row in COMMANDS.items():
        for mistake in row.mistakes:
            cases.append(pytest.param(name, mistake, row.stdin, id=f"{name}: {mistake.what}"))
        if name in ("extract", "outcomes", "eval", "place", "repair"):
            continue
        for what, (db, message) in BAD_DATABASES.items():
            if what == "a read-only database" and name in WRITE_NOTHING:
                continue
            if what == "a path that does not exist" and row.creates:
                message = "cannot make a database at {tmp}/nowhere/t.db: no folder {tmp}/nowhere"
            cases.append(pytest.param(name, Mistake(what, (*row.args, "--db", db), message), row.stdin, id=f"{name}: {what}"))
    return cases


@pytest.mark.parametrize(("name", "mistake", "stdin"), _cases())
def test_a_mistake_is_one_clear_error_and_changes_nothing(
    name: str, mistake: Mistake, stdin: str, places: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [arg.format(**places) for arg in (*name.split(), *mistake.args)]
    touches = any("{db}" in arg for arg in mistake.args)  # the others never open the prepared database
    before = _contents(places["db"]) if touches else None
    monkeypatch.chdir(places["tmp"])
    monkeypatch.delenv("TAIZHANG_DB", raising=False)
    monkeypatch.setattr(sys, "argv", ["taizhang", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        main()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:  # what the installed command would print as a traceback
        pytest.fail(f"taizhang {' '.join(args)} raised:\n{traceback.format_exc()}")
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert code == mistake.code, printed
    assert mistake.message.format(**places) in printed.err, printed
    assert not touches or _contents(places["db"]) == before, f"taizhang {' '.join(args)} changed the database"


def _contents(db: str) -> str:
    """What the database holds, row by row (not its bytes: a reader may checkpoint the log)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        digest = hashlib.sha256()
        for line in connection.iterdump():
            digest.update(line.encode())
    connection.close()
    return digest.hexdigest()
