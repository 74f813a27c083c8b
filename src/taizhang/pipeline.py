"""The pipeline's stages in order, from a decoded document to its pledges and outcomes: repair, then extract.

``analyse`` is the one entry point the CLI, ingest and the cluster runner share, so the same
document always gives the same pledges wherever it is processed; ``process`` wraps it for ingest:
a file's bytes in, its text, pledges, outcomes and reprint signature out, a plain function that this
process, a local process pool or a Dask worker runs alike (none of them touches the database). Extraction reads the
repaired article (duplicates removed, fragments joined, paragraphs under their speaker); every
span it reports is mapped back through repair's offset map, so offsets always point into the
original text. ``EXTRACTOR`` names the version of the code and rules that made the pledges:
stored pledges made by another version are redone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from taizhang import __version__
from taizhang.document import Document, Outcome, Pledge
from taizhang.errors import SourceError
from taizhang.extract import Extraction, document_year, extract
from taizhang.repair import Repair, repair
from taizhang.repair.duplicates import band_keys, signature
from taizhang.source import LoadedSource, RawFile, Stated, parse
from taizhang.versioning import code_digest

_STAGE_PACKAGES = [Path(__file__).parent / "extract", Path(__file__).parent / "repair"]
Record = TypeVar("Record", Pledge, Outcome)
# A cut sentence with its tail, a duplicate, what is left of a cut list and a pledge: every stage
# loads what it reads.
_WARM_UP = (
    "省党代表、崂山区委书记张元升:\n到2026年,全区生产总值突\n破1500亿元。\n到2026年,全区生产总值突破1500亿元。\n"
    "经济,加快建设先进制造业集聚区。\n"
    "加快建设先进制造业集聚区,推动经济高\n质量发展。\n"  # a cut to mend: the n-gram table is read
)
_NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")


EXTRACTOR = f"{__version__}+{code_digest(*_STAGE_PACKAGES)[:10]}"


def analyse(document: Document, year: int | None = None, outcomes: bool = True) -> Extraction:
    """Pledges and outcomes of one document, offsets into its original text (without ``outcomes``,
    pledges only, as :func:`taizhang.extract.extract` reads them)."""
    repaired = repair(document.text, document.name)
    extraction = extract(
        repaired.repaired_text, document.name, year, title=document.title, date=document.date, outcomes=outcomes
    )
    copies = _duplicate_groups(repaired)
    pledges = [_to_original(pledge, repaired, copies) for pledge in extraction.pledges]
    outcomes = [_to_original(outcome, repaired, copies) for outcome in extraction.outcomes]
    return Extraction(pledges, extraction.year, extraction.warnings, outcomes)


@dataclass(slots=True)
class Analysed:
    """What the pipeline makes of one file: the file decoded (its bytes left with the caller, who
    read them), what was extracted from it, and the LSH band keys of its reprint signature."""

    source: LoadedSource
    extraction: Extraction
    bands: list[int]
    year: int | None  # the year it speaks from (:func:`source_year`)
    extractor: str = EXTRACTOR

    @property
    def warnings(self) -> list[str]:
        """The file's warnings (a bad manifest row), then the extraction's."""
        return self.source.warnings + self.extraction.warnings


def process(raw: RawFile, year: int | None = None) -> Analysed | SourceError:
    """One file's bytes through the whole pipeline: decode, repair, extract, sign. A file that
    cannot be decoded is returned as its :class:`SourceError`, so that a batch goes on."""
    try:
        loaded = parse(raw)
    except SourceError as error:
        return error
    document = loaded.document()
    extraction = analyse(document, year)
    return Analysed(replace(loaded, data=b""), extraction, band_keys(signature(loaded.text)), source_year(document))


def source_year(document: Document) -> int | None:
    """The year a document speaks from, as the ledger dates its pledges: its stated date's, else
    the one its text gives (a report's date line, its title)."""
    return document.year or document_year(document.text, document.title)


def warm_up() -> None:
    """Load what the stages read once per process (rules, dictionaries, the n-gram table), so that
    a worker's first file takes no longer than its others."""
    process(RawFile(Path("warm-up.txt"), _WARM_UP.encode(), "", 0, Stated()))


def _duplicate_groups(repaired: Repair) -> list[tuple[tuple[int, int], ...]]:
    """Original spans of paragraphs that repeat each other (the kept one and the removed copies)."""
    return [change.spans for change in repaired.changes if change.kind in ("remove_duplicate", "remove_near_duplicate")]


def _to_original(pledge: Record, repaired: Repair, copies: list[tuple[tuple[int, int], ...]]) -> Record:
    """A record (pledge or outcome) with its span and mentions in the original text, moved there in
    place: the record is the extraction's own, made for this call (a copy of each cost as much as
    mapping it, 2,000 outcomes a pass over ../shared/corpus)."""
    start, end = original_span(repaired, pledge.start, pledge.end)
    text = repaired.text
    quote = text[start:end]
    mentions = [original_span(repaired, a, b) for a, b in pledge.mentions]
    # The same clause in a removed copy of its paragraph is another mention of the same pledge.
    for group in copies:
        if not any(a <= start and end <= b for a, b in group):
            continue
        for a, b in group:
            found = text.find(quote, a, b)
            if found >= 0:
                mentions.append((found, found + len(quote)))
    if mentions:  # (most records have none: no set to build)
        mentions = sorted(set(mentions) - {(start, end)})
    pledge.start, pledge.end, pledge.quote, pledge.mentions = start, end, quote, mentions
    return pledge


def original_span(repaired: Repair, start: int, end: int) -> tuple[int, int]:
    """Map a span of the repaired text to the original text.

    A span inside one piece of the original maps exactly. A clause that runs across a join (a
    cut-off paragraph and its continuation, elsewhere in the original) is narrowed to the piece
    that holds its number, so the quote shown is a real stretch of the source.
    """
    pieces = repaired.segments_over(start, end)
    if len(pieces) == 1:  # the commonest: no piece to choose, no numeral looked for
        segment, low, high = pieces[0]
    elif not pieces:
        position = repaired.to_original(start)
        return position, position
    else:
        numbered = [p for p in pieces if _NUMERAL.search(repaired.repaired_text, p[1], p[2])]
        segment, low, high = (numbered or pieces)[-1]
    shift = segment.original_start - segment.repaired_start
    return low + shift, high + shift
