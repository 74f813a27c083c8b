"""Sources: the list, and one source's text with every pledge highlighted at its span beside the
repaired article, each repair marked with its reason; editors add missed pledges from a selection."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from taizhang.ledger import Ledger, LedgerError
from taizhang.ledger.errors import NO_SOURCE
from taizhang.ledger.corrections import COMPARATORS, KINDS
from taizhang.repair import repair
from taizhang.storage import MAX_ID
from taizhang.web.actions import Note, Token, allowed, done
from taizhang.web.common import Blank, LedgerDep, Timer, YearNumber, page, text, words
from taizhang.web.models import ActionOut, ChangeOut, MarkOut, SectionOut, SourceListItem, SourceOut
from taizhang.web.render import lines

router = APIRouter(tags=["sources"])
SourcePath = Annotated[int, Path(ge=1, le=MAX_ID, description="source id")]
Offset = Annotated[int, Form(ge=0, le=MAX_ID)]
Short = Annotated[words(128), Form()]


def source_data(ledger: Ledger, source_id: int) -> tuple[SourceOut, object]:
    timer = Timer()
    info, text, marks = ledger.marks(source_id)
    repaired = repair(text, info.name)
    sections = [
        SectionOut(official=s.official, region=s.region, titles=s.titles, paragraphs=[u.text for u in s.paragraphs])
        for s in repaired.sections if s.paragraphs
    ]  # fmt: skip
    data = SourceOut(
        id=info.id, name=info.name, title=info.title, date=info.date, encoding=info.encoding, version=info.version, latest=info.latest,
        chars=info.chars, text=text,
        marks=[MarkOut(start=m.start, end=m.end, entry_id=m.entry_id, metric=m.metric, value=m.value, unit=m.unit, corrected=list(m.corrected)) for m in marks],
        changes=[ChangeOut(**c.to_dict()) for c in repaired.changes],
        problems=[ChangeOut(**c.to_dict()) for c in repaired.problems],
        sections=sections, query_ms=timer.ms,
    )  # fmt: skip
    kept = frozenset(piece.start for section in repaired.sections for unit in section.paragraphs for piece in unit.pieces)
    return data, lines(text, marks, [*repaired.changes, *repaired.problems], kept)


@router.get("/sources.json", response_model=list[SourceListItem], summary="Every stored source")
def sources_json(ledger: LedgerDep) -> list[SourceListItem]:
    counts = ledger.store.pledge_counts()
    return [
        SourceListItem(id=s.id, name=s.name, title=s.title, date=s.date, chars=s.chars, version=s.version, latest=s.latest, pledges=counts.get(s.id, 0))
        for s in ledger.store.sources()
    ]  # fmt: skip


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
    return page(request, "sources.html", {"sources": sources_json(ledger)})


@router.get("/sources/find", include_in_schema=False)
def find_source(ledger: LedgerDep, name: Annotated[text(512, 1), Query()], at: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> RedirectResponse:  # fmt: skip
    """A source by file name (its latest version), at an offset: where the review queue sends an
    editor to add what the extractor missed."""
    info = ledger.store.find_source(name)
    if info is None:
        raise LedgerError(NO_SOURCE.format(ref=name))
    return RedirectResponse(f"/sources/{info.id}#o{at}", status_code=303)


@router.get("/sources/{source_id}.json", response_model=SourceOut, summary="A source's text, its pledges' spans, and its repairs")
def source_json(ledger: LedgerDep, source_id: SourcePath) -> SourceOut:
    return source_data(ledger, source_id)[0]


@router.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, ledger: LedgerDep, source_id: SourcePath) -> HTMLResponse:
    data, shown = source_data(ledger, source_id)
    return page(request, "source.html", {"data": data, "lines": shown, "comparators": COMPARATORS})


@router.post("/sources/{source_id}/add.json", response_model=ActionOut, summary="Add a pledge the extractor missed, from a span (needs editor)")
@router.post("/sources/{source_id}/add", response_model=None, include_in_schema=False)
def add_missed(
    request: Request, ledger: LedgerDep, source_id: SourcePath, start: Offset, end: Offset,
    metric: Annotated[text(128, 1), Form()], kind: Annotated[Literal[KINDS], Form()],  # type: ignore[valid-type]
    value: Annotated[float, Form(allow_inf_nan=False)], unit: Annotated[text(32, 1), Form()],
    comparator: Annotated[Literal[COMPARATORS], Form()] = "=",  # type: ignore[valid-type]
    actor: Short = None, official: Short = None,
    value_high: Annotated[Annotated[float, Field(allow_inf_nan=False)] | None, Blank, Form()] = None,
    deadline: Annotated[YearNumber | None, Blank, Form()] = None,
    horizon: Short = None, hedge: Short = None, note: Note = None, csrf_token: Token = None,
) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token)
    fields = {
        "metric": metric, "kind": kind, "comparator": comparator, "value": value, "unit": unit, "actor": actor or None,
        "official": official or None, "value_high": value_high, "deadline": deadline, "horizon": horizon or None, "hedge": hedge or None,
    }  # fmt: skip
    number = ledger.add_pledge(str(source_id), start, end, fields, author=user.name, note=note)
    return done(request, ledger, "补录 added", [number], f"/sources/{source_id}#o{start}")
