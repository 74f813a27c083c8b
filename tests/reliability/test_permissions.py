"""What another user of the machine meets: a folder of a corpus they may not read, files that
another user's run of taizhang left in the shared temporary folder.

Permissions do not stop root, and tests often run as root (CI's containers, this project's
machines): there the command runs as ``nobody`` (setpriv), as a real user would; run as anyone
else, it runs as that user.
"""

from __future__ import annotations

import marshal
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS

TAIZHANG = Path(sys.executable).parent / "taizhang"
PLEDGE = "到2026年,全区生产总值突破{}亿元。\n"


def _as_user() -> list[str]:
    """The command prefix that runs a command as a user whom permissions stop."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("run as root and no setpriv to run as another user: root reads every folder")
    nobody = pwd.getpwnam("nobody")
    return [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder the user of ``_as_user`` may write (pytest's own are root's alone), made like /tmp:
    everyone writes, only an owner replaces or removes a file."""
    with tempfile.TemporaryDirectory(prefix="taizhang-test-") as name:
        folder = Path(name)
        folder.chmod(0o1777)
        yield folder
        for path in folder.rglob("*"):  # folders a test left unreadable, so that they can be removed
            if path.is_dir():
                path.chmod(0o755)


def _ingest(prefix: list[str], folder: Path, *paths: Path) -> subprocess.CompletedProcess:
    # TMPDIR: the user's own temporary files go where that user may write them.
    env = {**os.environ, "TMPDIR": str(folder)}
    command = [*prefix, str(TAIZHANG), "ingest", *map(str, paths), "--db", str(folder / "t.db"), "-q"]
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=env, timeout=120)


def test_an_unreadable_folder_is_named_and_the_rest_ingested(shared: Path) -> None:
    corpus = shared / "corpus"
    for k, name in enumerate(["a/1.txt", "b/locked/2.txt", "b/open/3.txt", "c/4.txt"]):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(PLEDGE.format(1500 + k), encoding="utf-8")
    for path in corpus.rglob("*"):
        path.chmod(0o1777 if path.is_dir() else 0o666)
    locked = corpus / "b" / "locked"
    locked.chmod(0)
    prefix = _as_user()

    run = _ingest(prefix, shared, corpus)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{locked}: folder cannot be read (Permission denied)" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    with Store(f"sqlite:///{shared / 't.db'}") as store:
        assert sorted(source.name for source in store.latest_sources()) == ["1.txt", "3.txt", "4.txt"]

    alone = _ingest(prefix, shared, locked)  # the folder given by name: named once, not "holds no files"
    assert alone.returncode == 1
    assert (alone.stdout + alone.stderr).count(str(locked)) == 1, alone.stdout + alone.stderr


def test_a_second_user_of_the_machine_gets_no_traceback(shared: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run the command as two users")
    report = shutil.copy(DEMO_CORPUS / "district_hailar_2017_gwr.txt", shared)  # a text repair cuts into words
    Path(report).chmod(0o644)
    assert _ingest([], shared, report).returncode == 0  # root's run leaves its caches in TMPDIR
    (shared / "t.db").unlink()
    second = _ingest(_as_user(), shared, report)
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr


def _writable_by_all(folder: Path) -> None:
    folder.mkdir()
    folder.chmod(0o777)


def _a_link(folder: Path) -> None:
    (folder.parent / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(folder.parent / "elsewhere")


def _another_users(folder: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make a folder another user owns")
    folder.mkdir(mode=0o700)
    os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)


@pytest.fixture
def words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - the module
    """repair.text with ``tmp_path`` as the temporary folder, its dictionary read anew; read anew
    again after the test, the tagger's too: the tagger holds the tokenizer it was made with, and
    left holding this test's, a later test's tagger would not be repair's own tokenizer's
    (test_repair_parts.py's test_the_tagger_tags_by_the_word_tags_jieba_read_once failed so)."""
    from taizhang.repair import text

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for made in (text._tokenizer, text._pos_tokenizer):
        made.cache_clear()
    yield text
    for made in (text._tokenizer, text._pos_tokenizer):
        made.cache_clear()


@pytest.mark.parametrize("plant", [_writable_by_all, _a_link, _another_users], ids=lambda plant: plant.__name__.strip("_"))
def test_the_word_dictionary_is_never_read_from_a_folder_another_user_may_write(
    tmp_path: Path, words, caplog: pytest.LogCaptureFixture, plant  # noqa: ANN001
) -> None:
    folder = tmp_path / f"taizhang-{os.getuid()}"
    plant(folder)
    with open(folder / "jieba.cache", "wb") as planted:  # a dictionary of one word, put there first
        marshal.dump(({"全区生产": 1}, 1), planted)
    before = sorted(tmp_path.rglob("*"))
    assert len(words._tokenizer().FREQ) > 100_000  # jieba's own dictionary, built anew
    assert f"{folder} is not this user's alone" in caplog.text
    assert sorted(tmp_path.rglob("*")) == before  # nothing written there, the fresh folder let go


def test_the_word_dictionary_is_cached_in_a_folder_of_this_users_alone(tmp_path: Path, words) -> None:  # noqa: ANN001
    assert len(words._tokenizer().FREQ) > 100_000
    folder = tmp_path / f"taizhang-{os.getuid()}"
    assert (folder.stat().st_mode & 0o777, [path.name for path in folder.iterdir()]) == (0o700, ["jieba.cache"])


def test_a_dictionary_cache_put_first_in_the_shared_folder_is_not_read(tmp_path: Path, words) -> None:  # noqa: ANN001
    for name in ("jieba.cache", f"jieba.{os.getuid()}.cache"):  # jieba's name, and ours until 2026-12
        with open(tmp_path / name, "wb") as planted:
            marshal.dump(({"全区生产": 1}, 1), planted)
    assert len(words._tokenizer().FREQ) > 100_000
