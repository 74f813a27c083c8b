"""Coverage-guided fuzzing (atheris) of everything that reads a file's bytes: decoding, the format
readers, repair and extraction, checking the invariants of tests/test_properties.py on each input.

    .venv/bin/python -m pip install atheris            # or: pip install -e '.[fuzz]'
    .venv/bin/python fuzz/fuzz_pipeline.py -max_total_time=600 fuzz/corpus

Runs for the time given (libFuzzer's -max_total_time, seconds) and stops at the first input that
raises or breaks an invariant, writing it to crash-<hash> (turn it into a regression test in
tests/test_properties.py). The corpus folder keeps the inputs that found new code; it starts from
the repository's real documents cut into pieces (made on the first run).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from taizhang.document import Document
    from taizhang.errors import SourceError
    from taizhang.pipeline import analyse
    from taizhang.source.formats import READERS

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf")
PLAUSIBLE = range(1900, 2201)


def check(data: bytes) -> None:
    """One input: a file's bytes, its kind chosen by the first byte."""
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    try:
        read = READERS[suffix](data[1:], f"fuzz{suffix}")
    except SourceError:
        return  # a named refusal is a right answer
    text = read.text
    result = analyse(Document(text=text, name=f"fuzz{suffix}", title=read.title, date=read.date))
    assert not any("internal error" in w for w in result.warnings), result.warnings
    for record in [*result.pledges, *result.outcomes]:
        assert 0 <= record.start <= record.end <= len(text) and record.quote == text[record.start : record.end]
        assert all(0 <= s <= e <= len(text) for s, e in record.mentions)
        assert math.isfinite(record.value) and math.isfinite(record.norm_value)
        assert getattr(record, "deadline", None) in (None, *PLAUSIBLE)


def seed_corpus(folder: Path) -> None:
    """Real documents of every format, cut to 4 kB pieces, as the first inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return
    for path in sorted((ROOT / "tests" / "fixtures").glob("*")) + sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        if path.suffix in SUFFIXES:
            data = path.read_bytes()
            kind = bytes([SUFFIXES.index(path.suffix)])
            for n, start in enumerate(range(0, min(len(data), 16_384), 4096)):
                (folder / f"{path.stem}-{n}{path.suffix}").write_bytes(kind + data[start : start + 4096])


def main() -> None:
    folders = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    for folder in folders:
        seed_corpus(Path(folder))
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
